#include "server/cli_args.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace cunji::server {

namespace {

struct option {
  std::string_view name;
  bool takes_value = true;
  bool required = false;
};

constexpr option required(std::string_view name) { return {name, true, true}; }
constexpr option optional(std::string_view name) { return {name, true, false}; }
constexpr option flag(std::string_view name) { return {name, false, false}; }

using arg_list = std::span<const char* const>;

// The options given, by name (flags map to ""), each checked against the command's list. The
// first problem found is kept; later reads return their fallback.
class options {
 public:
  options(arg_list args, std::span<const option> known) {
    for (std::size_t i = 0; i < args.size() && !error_; ++i) take(args, i, known);
    for (const auto& o : known)
      if (o.required && !given_.count(o.name)) fail(fmt::format("missing --{}", o.name));
  }

  const std::optional<std::string>& error() const { return error_; }
  bool has(std::string_view name) const { return given_.count(name) > 0; }
  void fail(std::string message) {
    if (!error_) error_ = std::move(message);
  }

  // --db: the path of the SQLite file. A PostgreSQL connection URI, for a command that only
  // works on SQLite, is refused by name (and not echoed: it may hold a password) instead of
  // being opened as a file under "postgresql:"; `why` says what to do instead.
  std::string db_path(std::string_view why = "this command works on a SQLite file: give a file path") {
    auto path = text("db");
    if (is_postgresql_uri(path)) fail(fmt::format("--db names a PostgreSQL database; {}", why));
    return path;
  }

  std::string text(std::string_view name, std::string fallback = {}) const {
    const auto it = given_.find(name);
    return it == given_.end() ? std::move(fallback) : it->second;
  }

  // A decimal integer in [lo, hi], or `fallback` when the option is absent.
  template <class T>
  T number(std::string_view name, T fallback, T lo, T hi) {
    const auto it = given_.find(name);
    if (it == given_.end()) return fallback;
    const auto& s = it->second;
    T v{};
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc{} && end == s.data() + s.size() && v >= lo && v <= hi) return v;
    fail(fmt::format("--{} needs a whole number from {} to {}, not \"{}\"", name, lo, hi, s));
    return fallback;
  }

 private:
  void take(arg_list args, std::size_t& i, std::span<const option> known) {
    const std::string_view arg = args[i];
    if (!arg.starts_with("--")) return fail(fmt::format("unexpected argument \"{}\"", arg));
    const auto name = arg.substr(2);
    const auto o = std::find_if(known.begin(), known.end(), [name](const option& k) { return k.name == name; });
    if (o == known.end()) return fail(fmt::format("unknown option {}", arg));
    if (has(name)) return fail(fmt::format("{} given twice", arg));
    std::string value;
    if (o->takes_value) {
      if (i + 1 >= args.size() || std::string_view(args[i + 1]).starts_with("--") || !*args[i + 1])
        return fail(fmt::format("{} needs a value", arg));
      value = args[++i];
    }
    given_.emplace(name, std::move(value));
  }

  std::map<std::string, std::string, std::less<>> given_;
  std::optional<std::string> error_;
};

constexpr std::int64_t mib_max = std::int64_t{1} << 20;  // 1 TiB in MiB
constexpr long ms_max = 24L * 3600 * 1000;               // a day

// HOST:PORT or [IPv6]:PORT; port 0 picks a free one.
void read_listen(options& o, server_config& cfg) {
  const auto listen = o.text("listen");
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return o.fail("--listen needs HOST:PORT");
  cfg.host = listen.substr(0, colon);
  if (cfg.host.size() > 2 && cfg.host.front() == '[' && cfg.host.back() == ']')
    cfg.host = cfg.host.substr(1, cfg.host.size() - 2);
  const auto port = listen.substr(colon + 1);
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
  if (ec != std::errc{} || end != port.data() + port.size() || port.empty() || v > 65535)
    return o.fail(fmt::format("--listen needs a port from 0 to 65535, not \"{}\"", port));
  cfg.port = static_cast<unsigned short>(v);
}

result<cli_command> serve(arg_list args) {
  static constexpr option known[]{
      required("db"),
      required("listen"),
      optional("threads"),
      flag("quiet"),
      flag("insecure-cookies"),
      optional("synchronous"),
      optional("sync-behind"),
      optional("max-connections"),
      optional("header-limit"),
      optional("body-limit"),
      optional("request-timeout-ms"),
      optional("idle-timeout-ms"),
      optional("mmap-mib"),
      optional("response-cache-mib"),
      optional("ranking-cache-mib"),
      optional("checkpoint-pages"),
      optional("wal-restart-pages"),
      optional("alipay-app-id"),
      optional("alipay-seller-id"),
      optional("alipay-public-key"),
      optional("alipay-private-key"),
      optional("alipay-notify-url"),
      optional("alipay-gateway"),
  };
  options o(args, known);
  serve_command s;
  auto& cfg = s.server;
  auto& db = s.database;
  if (is_postgresql_uri(o.text("db"))) {
    s.postgresql = o.text("db");
    for (const auto* sqlite_only : {"synchronous", "sync-behind", "mmap-mib", "checkpoint-pages", "wal-restart-pages"})
      if (o.has(sqlite_only)) o.fail(fmt::format("--{} is for a SQLite database, not PostgreSQL", sqlite_only));
  } else {
    db.path = o.db_path();
  }
  read_listen(o, cfg);
  cfg.threads = o.number<unsigned>("threads", cfg.threads, 1, 1024);
  cfg.quiet = o.has("quiet");
  cfg.insecure_cookies = o.has("insecure-cookies");
  db.synchronous = o.text("synchronous", db.synchronous);
  if (db.synchronous != "FULL" && db.synchronous != "NORMAL") o.fail("--synchronous needs FULL or NORMAL");
  const auto behind = o.text("sync-behind", "on");
  if (behind != "on" && behind != "off") o.fail("--sync-behind needs on or off");
  db.sync_behind = behind == "on";
  cfg.max_connections = o.number<std::size_t>("max-connections", cfg.max_connections, 1, 1'000'000);
  cfg.header_limit = o.number<std::size_t>("header-limit", cfg.header_limit, 1, std::size_t{16} << 20);
  cfg.body_limit = o.number<std::size_t>("body-limit", cfg.body_limit, 1, std::size_t{1} << 30);
  const auto ms = [&o](std::string_view name, std::chrono::milliseconds fallback) {
    return std::chrono::milliseconds(o.number<long>(name, fallback.count(), 1, ms_max));
  };
  cfg.request_timeout = ms("request-timeout-ms", cfg.request_timeout);
  cfg.idle_timeout = ms("idle-timeout-ms", cfg.idle_timeout);
  db.reader_mmap_bytes = o.number<std::int64_t>("mmap-mib", db.reader_mmap_bytes >> 20, 0, mib_max) << 20;
  const auto cache_mib = [&o](std::string_view name, std::size_t bytes) {
    return o.number<std::size_t>(name, bytes >> 20, 0, std::size_t{mib_max}) << 20;
  };
  cfg.response_cache_bytes = cache_mib("response-cache-mib", cfg.response_cache_bytes);
  db.ranking_cache_bytes = cache_mib("ranking-cache-mib", db.ranking_cache_bytes);
  auto& ck = db.checkpoints;
  constexpr int int_max = std::numeric_limits<int>::max();
  ck.pass_pages = o.number<int>("checkpoint-pages", ck.pass_pages, 1, int_max);
  ck.restart_pages = o.number<int>("wal-restart-pages", ck.restart_pages, 1, int_max);
  if (ck.restart_pages < ck.pass_pages) o.fail("--wal-restart-pages must be at least --checkpoint-pages");
  auto& a = s.alipay;
  a.app_id = o.text("alipay-app-id");
  a.seller_id = o.text("alipay-seller-id");
  a.public_key_file = o.text("alipay-public-key");
  a.private_key_file = o.text("alipay-private-key");
  a.notify_url = o.text("alipay-notify-url");
  a.gateway = o.text("alipay-gateway", a.gateway);
  s.server.public_origin = url_origin(a.notify_url);
  if (a.given() && (a.app_id.empty() || a.seller_id.empty() || a.public_key_file.empty() || a.private_key_file.empty()))
    o.fail("Alipay needs all of --alipay-app-id, --alipay-seller-id, --alipay-public-key and --alipay-private-key");
  if (o.error()) return error{errc::validation_failed, *o.error()};
  return cli_command{std::move(s)};
}

result<cli_command> admin_create(arg_list args) {
  static constexpr option known[]{required("db"), required("phone"), required("password"), optional("name")};
  options o(args, known);
  auto db = o.text("db");
  if (o.error()) return error{errc::validation_failed, *o.error()};
  return cli_command{admin_create_command{std::move(db), o.text("phone"), o.text("password"), o.text("name", "Admin")}};
}

result<cli_command> seed_demo(arg_list args) {
  static constexpr option known[]{required("db")};
  options o(args, known);
  auto db = o.text("db");  // a SQLite file or a PostgreSQL URI
  if (o.error()) return error{errc::validation_failed, *o.error()};
  return cli_command{seed_demo_command{std::move(db)}};
}

result<cli_command> backup(arg_list args) {
  static constexpr option known[]{required("db"), required("to")};
  options o(args, known);
  auto db = o.db_path("back it up with PostgreSQL's own pg_dump (or a standby and its base backups)");
  if (o.error()) return error{errc::validation_failed, *o.error()};
  return cli_command{backup_command{std::move(db), o.text("to")}};
}

result<cli_command> migrate_data(arg_list args) {
  static constexpr option known[]{required("from"), required("to")};
  options o(args, known);
  auto from = o.text("from"), to = o.text("to");
  if (is_postgresql_uri(from)) o.fail("--from is the SQLite file to copy, not a PostgreSQL URI");
  if (!to.empty() && !is_postgresql_uri(to)) o.fail("--to needs a PostgreSQL URI (postgresql://…)");
  if (o.error()) return error{errc::validation_failed, *o.error()};
  return cli_command{migrate_data_command{std::move(from), std::move(to)}};
}

}  // namespace

bool is_postgresql_uri(std::string_view db) { return db.starts_with("postgresql://") || db.starts_with("postgres://"); }

std::string url_origin(std::string_view url) {
  std::string out;
  for (const auto scheme : {std::string_view("https://"), std::string_view("http://")}) {
    if (url.size() < scheme.size()) continue;
    std::string head(url.substr(0, scheme.size()));
    for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (head != scheme) continue;
    const auto rest = url.substr(scheme.size());
    const auto host = rest.substr(0, rest.find_first_of("/?#"));
    // A host of letters, digits, '-', '.' and an optional :port; no user info, no brackets.
    if (host.empty() || host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.:") !=
                            std::string_view::npos)
      return {};
    out = head + std::string(host);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }
  return out;
}

result<cli_command> parse_command_line(int argc, const char* const* argv) {
  const arg_list all(argv, static_cast<std::size_t>(std::max(argc, 1)));
  const auto rest = all.subspan(1);
  const auto asks_help = [](std::string_view a) { return a == "--help" || a == "-h"; };
  if (rest.empty()) return error{errc::validation_failed, "no command"};
  const std::string_view cmd = rest[0];
  if (cmd == "help" || std::any_of(rest.begin(), rest.end(), asks_help)) return cli_command{help_command{}};
  if (cmd == "serve") return serve(rest.subspan(1));
  if (cmd == "seed-demo") return seed_demo(rest.subspan(1));
  if (cmd == "backup") return backup(rest.subspan(1));
  if (cmd == "migrate-data") return migrate_data(rest.subspan(1));
  if (cmd == "admin" && rest.size() > 1 && std::string_view(rest[1]) == "create") return admin_create(rest.subspan(2));
  return error{errc::validation_failed, fmt::format("unknown command \"{}\"", cmd)};
}

}  // namespace cunji::server
