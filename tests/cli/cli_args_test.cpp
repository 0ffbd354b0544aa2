#include "server/cli_args.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

using namespace cunji::server;

namespace {

// The command line `cunji WORDS...`, split at spaces.
cunji::result<cli_command> parse(std::string_view words) {
  std::vector<std::string> args{"cunji"};
  for (std::size_t at = 0; at < words.size();) {
    const auto end = std::min(words.find(' ', at), words.size());
    args.emplace_back(words.substr(at, end - at));
    at = end + 1;
  }
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

cunji::result<cli_command> parse_argv(std::vector<const char*> argv) {
  return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

// The error message of a command line that must be refused.
std::string refused(const cunji::result<cli_command>& r) {
  REQUIRE_FALSE(r);
  CHECK(r.err().code == cunji::errc::validation_failed);
  return r.err().detail;
}
std::string refused(std::string_view words) { return refused(parse(words)); }

template <class Command>
Command parsed(std::string_view words) {
  const auto r = parse(words);
  if (!r) FAIL(r.err().detail);
  REQUIRE(std::holds_alternative<Command>(r.value()));
  return std::get<Command>(r.value());
}

constexpr std::string_view serve_base = "serve --db x.db --listen 127.0.0.1:8080";

serve_command serve(std::string_view extra = "") {
  std::string line(serve_base);
  if (!extra.empty()) line += " " + std::string(extra);
  return parsed<serve_command>(line);
}

}  // namespace

TEST_CASE("serve takes every option of the usage", "[cli]") {
  const auto s = serve(
      "--threads 3 --quiet --synchronous NORMAL --max-connections 6000 --header-limit 4096 --body-limit 2048 "
      "--request-timeout-ms 2000 --idle-timeout-ms 500 --mmap-mib 0 --response-cache-mib 16 --ranking-cache-mib 0 "
      "--checkpoint-pages 100 --wal-restart-pages 400 --sync-behind off");
  CHECK(s.database.path == "x.db");
  CHECK(s.server.host == "127.0.0.1");
  CHECK(s.server.port == 8080);
  CHECK(s.server.threads == 3);
  CHECK(s.server.quiet);
  CHECK(s.database.synchronous == "NORMAL");
  CHECK(s.server.max_connections == 6000);
  CHECK(s.server.header_limit == 4096);
  CHECK(s.server.body_limit == 2048);
  CHECK(s.server.request_timeout.count() == 2000);
  CHECK(s.server.idle_timeout.count() == 500);
  CHECK(s.database.reader_mmap_bytes == 0);
  CHECK(s.server.response_cache_bytes == 16u << 20);
  CHECK(s.database.ranking_cache_bytes == 0);
  CHECK(s.database.checkpoints.pass_pages == 100);
  CHECK(s.database.checkpoints.restart_pages == 400);
  CHECK_FALSE(s.database.sync_behind);
}

TEST_CASE("serve keeps the defaults of what is not given", "[cli]") {
  const auto s = serve();
  const server_config cfg;
  const cunji::storage::database_options db;
  CHECK_FALSE(s.server.quiet);
  CHECK(s.server.threads == cfg.threads);
  CHECK(s.server.max_connections == cfg.max_connections);
  CHECK(s.server.request_timeout == cfg.request_timeout);
  CHECK(s.server.response_cache_bytes == cfg.response_cache_bytes);
  CHECK(s.database.synchronous == "FULL");
  CHECK(s.database.sync_behind);
  CHECK(s.database.reader_mmap_bytes == db.reader_mmap_bytes);
  CHECK(s.database.checkpoints.pass_pages == db.checkpoints.pass_pages);
  CHECK(s.database.checkpoints.restart_pages == db.checkpoints.restart_pages);
}

TEST_CASE("the site's origin comes from the Alipay notify URL", "[cli]") {
  CHECK(
      serve("--alipay-app-id 2021000000000001 --alipay-seller-id 2088000000000001 --alipay-public-key a.pem "
            "--alipay-private-key b.pem --alipay-notify-url https://M.Cunji.example.cn:8443/v1/payments/alipay/notify")
          .server.public_origin == "https://m.cunji.example.cn:8443");
  CHECK(serve().server.public_origin.empty());
  CHECK(url_origin("http://localhost:8080") == "http://localhost:8080");
  CHECK(url_origin("HTTPS://a.example?x=1") == "https://a.example");
  for (const auto bad : {"", "ftp://a.example/", "https://", "https:///x", "https://user@a.example/", "//a.example/",
                         "https://a.example\\@b.example/", "javascript:alert(1)"}) {
    INFO(bad);
    CHECK(url_origin(bad).empty());
  }
}

TEST_CASE("listen takes HOST:PORT or an IPv6 host in brackets and port 0 too", "[cli]") {
  const auto s = parsed<serve_command>("serve --db x --listen [::1]:0");
  CHECK(s.server.host == "::1");
  CHECK(s.server.port == 0);
  CHECK(refused("serve --db x --listen 8080") == "--listen needs HOST:PORT");
  CHECK(refused("serve --db x --listen :8080") == "--listen needs HOST:PORT");
  for (const char* bad : {"h:", "h:65536", "h:-1", "h:80x", "h:+80"})
    CHECK(refused(std::string("serve --db x --listen ") + bad).starts_with("--listen needs a port"));
}

TEST_CASE("an unknown, repeated or valueless option is refused", "[cli]") {
  CHECK(refused("serve --db x --listen h:1 --bogus-option 1") == "unknown option --bogus-option");
  CHECK(refused("serve --db x --listen h:1 --synchronus FULL") == "unknown option --synchronus");
  CHECK(refused("serve --db x --listen h:1 --max-connection 5") == "unknown option --max-connection");
  CHECK(refused("serve --db x --listen h:1 --threads 2 --threads 3") == "--threads given twice");
  CHECK(refused("serve --db x --listen h:1 --quiet --quiet") == "--quiet given twice");
  CHECK(refused("serve --db x --listen h:1 --threads") == "--threads needs a value");
  CHECK(refused("serve --db --listen h:1") == "--db needs a value");
  CHECK(refused(parse_argv({"cunji", "serve", "--db", "", "--listen", "h:1"})) == "--db needs a value");
  CHECK(refused("serve --db x --listen h:1 stray") == "unexpected argument \"stray\"");
  CHECK(refused("serve --db x --listen h:1 --quiet=1") == "unknown option --quiet=1");
  CHECK(refused("serve --db x") == "missing --listen");
  CHECK(refused("serve --listen h:1") == "missing --db");
}

TEST_CASE("a PostgreSQL URI for --db: served, or refused by name and never echoed", "[cli]") {
  const std::string uri = "postgresql://cunji:s3cret@db1,db2/cunji?target_session_attrs=read-write";
  const auto on_pg = parsed<serve_command>("serve --db " + uri + " --listen h:1");
  CHECK(on_pg.postgresql == uri);
  CHECK(on_pg.database.path.empty());
  CHECK(parsed<serve_command>("serve --db postgres://h/cunji --listen h:1").postgresql == "postgres://h/cunji");
  CHECK(parsed<admin_create_command>("admin create --db " + uri + " --phone 1 --password p").db == uri);
  CHECK(parsed<seed_demo_command>("seed-demo --db " + uri).db == uri);
  // A command that only works on a SQLite file says what to do instead.
  const auto backup = refused("backup --db " + uri + " --to b.db");
  CHECK(backup.starts_with("--db names a PostgreSQL database; back it up with PostgreSQL's own pg_dump"));
  // Options of the SQLite engine are refused with a URI.
  const auto sync = refused("serve --db " + uri + " --listen h:1 --synchronous NORMAL");
  CHECK(sync == "--synchronous is for a SQLite database, not PostgreSQL");
  CHECK(refused("serve --db " + uri + " --listen h:1 --mmap-mib 8") ==
        "--mmap-mib is for a SQLite database, not PostgreSQL");
  CHECK(refused("serve --db " + uri + " --listen h:1 --sync-behind off") ==
        "--sync-behind is for a SQLite database, not PostgreSQL");
  // Both engines keep relevance rankings.
  CHECK(
      parsed<serve_command>("serve --db " + uri + " --listen h:1 --ranking-cache-mib 0").database.ranking_cache_bytes ==
      0);
  for (const auto& message : {backup, sync}) CHECK(message.find("s3cret") == std::string::npos);
  CHECK(serve().database.path == "x.db");  // a path still is one
  CHECK(serve().postgresql.empty());
  CHECK(parsed<serve_command>("serve --db ./postgresql-data.db --listen h:1").database.path == "./postgresql-data.db");
}

TEST_CASE("numbers must be whole, decimal and in range", "[cli]") {
  const auto number_refused = [](std::string_view option_and_value) {
    return refused(std::string(serve_base) + " " + std::string(option_and_value));
  };
  for (const char* bad : {"0", "-1", "1.5", "2x", "0x10", "1025", "99999999999999999999"})
    CHECK(number_refused(std::string("--threads ") + bad).starts_with("--threads needs a whole number from 1 to 1024"));
  CHECK(refused(parse_argv({"cunji", "serve", "--db", "x", "--listen", "h:1", "--threads", " 2"}))
            .starts_with("--threads needs a whole number"));
  CHECK(number_refused("--max-connections -5") ==
        "--max-connections needs a whole number from 1 to 1000000, not \"-5\"");
  CHECK(number_refused("--request-timeout-ms 0").starts_with("--request-timeout-ms needs a whole number"));
  CHECK(number_refused("--idle-timeout-ms -1").starts_with("--idle-timeout-ms needs a whole number"));
  CHECK(number_refused("--body-limit 0").starts_with("--body-limit needs"));
  CHECK(number_refused("--header-limit 1e3").starts_with("--header-limit needs"));
  CHECK(number_refused("--mmap-mib -1").starts_with("--mmap-mib needs a whole number from 0"));
  CHECK(number_refused("--mmap-mib 1048577").starts_with("--mmap-mib needs"));
  CHECK(number_refused("--response-cache-mib abc").starts_with("--response-cache-mib needs"));
  CHECK(number_refused("--ranking-cache-mib -0x1").starts_with("--ranking-cache-mib needs"));
  CHECK(number_refused("--checkpoint-pages 0").starts_with("--checkpoint-pages needs"));
  CHECK(number_refused("--wal-restart-pages 100") == "--wal-restart-pages must be at least --checkpoint-pages");
  CHECK(number_refused("--synchronous full") == "--synchronous needs FULL or NORMAL");
  CHECK(number_refused("--synchronous OFF") == "--synchronous needs FULL or NORMAL");
  CHECK(number_refused("--sync-behind yes") == "--sync-behind needs on or off");
}

TEST_CASE("the other commands are as strict", "[cli]") {
  const auto a = parsed<admin_create_command>("admin create --db d --phone +8613800000000 --password pw");
  CHECK(a.db == "d");
  CHECK(a.phone == "+8613800000000");
  CHECK(a.password == "pw");
  CHECK(a.name == "Admin");
  CHECK(parsed<admin_create_command>("admin create --db d --phone p --password w --name Ops").name == "Ops");
  CHECK(refused("admin create --db d --phone p") == "missing --password");
  CHECK(refused("admin create --db d --phone p --password w --role x") == "unknown option --role");
  CHECK(refused("admin delete --db d") == "unknown command \"admin\"");
  CHECK(refused("admin") == "unknown command \"admin\"");

  CHECK(parsed<seed_demo_command>("seed-demo --db d").db == "d");
  CHECK(refused("seed-demo --db d --db e") == "--db given twice");
  CHECK(refused("seed-demo --db d --seed 1") == "unknown option --seed");
  CHECK(refused("seed-demo") == "missing --db");

  const auto m = parsed<migrate_data_command>("migrate-data --from market.db --to postgresql://h/cunji");
  CHECK(m.from == "market.db");
  CHECK(m.to == "postgresql://h/cunji");
  CHECK(refused("migrate-data --from market.db") == "missing --to");
  CHECK(refused("migrate-data --to postgresql://h/c") == "missing --from");
  CHECK(refused("migrate-data --from market.db --to other.db") == "--to needs a PostgreSQL URI (postgresql://…)");
  CHECK(refused("migrate-data --from postgresql://u:s3cret@h/a --to postgresql://h/b") ==
        "--from is the SQLite file to copy, not a PostgreSQL URI");
  CHECK(refused("migrate-data --from a.db --to postgresql://h/b --db c") == "unknown option --db");

  CHECK(parsed<backup_command>("backup --db d --to f").to == "f");
  CHECK(refused("backup --db d --to") == "--to needs a value");
  CHECK(refused("backup --db d --to f --quiet") == "unknown option --quiet");

  CHECK(refused(parse_argv({"cunji"})) == "no command");
  CHECK(refused("serv") == "unknown command \"serv\"");
  CHECK(refused("--db x") == "unknown command \"--db\"");
}

TEST_CASE("help or the option help or h anywhere asks for the usage", "[cli]") {
  for (const char* words : {"--help", "-h", "help", "serve --help", "backup --db x -h"})
    CHECK(std::holds_alternative<help_command>(parse(words).value()));
  CHECK(cli_usage.starts_with("usage:\n  cunji serve --db PATH|postgresql://URI --listen HOST:PORT"));
}
