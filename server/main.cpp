// cunji: serve | admin create | seed-demo | backup
#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <ctime>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/account.hpp"
#include "server/crypto.hpp"
#include "server/seed_demo.hpp"
#include "server/server.hpp"
#include "storage/sql/accounts.hpp"
#include "storage/sql/phones.hpp"
#include "storage/sqlite/backup.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/transaction.hpp"

namespace {

constexpr std::string_view usage = R"(usage:
  cunji serve --db PATH --listen HOST:PORT [--threads N] [--quiet] [--synchronous FULL|NORMAL]
              [--max-connections N] [--header-limit BYTES] [--body-limit BYTES]
              [--request-timeout-ms MS] [--idle-timeout-ms MS] [--mmap-mib N]
              [--response-cache-mib N] [--ranking-cache-mib N] [--checkpoint-pages N]
              [--wal-restart-pages N]
  cunji admin create --db PATH --phone PHONE --password PASSWORD [--name NAME]
  cunji seed-demo --db PATH
  cunji backup --db PATH --to FILE
)";

struct args {
  std::map<std::string, std::string, std::less<>> opts;
  std::vector<std::string> flags;
  bool flag(std::string_view f) const {
    for (const auto& x : flags)
      if (x == f) return true;
    return false;
  }
  std::string need(const std::string& k) const {
    auto it = opts.find(k);
    if (it == opts.end()) throw std::invalid_argument("missing --" + k);
    return it->second;
  }
  template <class T>
  T number(const std::string& k, T fallback) const {
    auto it = opts.find(k);
    if (it == opts.end()) return fallback;
    T v{};
    const auto& s = it->second;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size()) throw std::invalid_argument("--" + k + " needs a number");
    return v;
  }
};

args parse(int argc, char** argv, int from, std::initializer_list<std::string_view> boolean_flags) {
  args a;
  for (int i = from; i < argc; ++i) {
    std::string_view s = argv[i];
    if (s.substr(0, 2) != "--") throw std::invalid_argument("unexpected argument " + std::string(s));
    s.remove_prefix(2);
    bool is_flag = false;
    for (auto f : boolean_flags) is_flag = is_flag || f == s;
    if (is_flag) {
      a.flags.emplace_back(s);
    } else {
      if (i + 1 >= argc) throw std::invalid_argument("--" + std::string(s) + " needs a value");
      a.opts[std::string(s)] = argv[++i];
    }
  }
  return a;
}

// Accounts whose phone could not take its normal form (migration 0007): said at every start
// until they are settled by hand.
void warn_phone_conflicts(cunji::storage::connection& c) {
  const auto conflicts = cunji::storage::phone_conflicts(c);
  if (conflicts.empty()) return;
  std::string ids;
  for (const auto& pc : conflicts) ids += (ids.empty() ? "" : ", ") + std::to_string(pc.account_id);
  fmt::print(stderr,
             "cunji: warning: {} account(s) keep a phone whose normal form another account has or shares "
             "(account ids {}); they cannot sign in by phone until settled: see table phone_conflicts\n",
             conflicts.size(), ids);
}

int serve(const args& a) {
  using namespace cunji;
  server::server_config cfg;
  const auto listen = a.need("listen");
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--listen needs HOST:PORT");
  cfg.host = listen.substr(0, colon);
  if (cfg.host.size() > 1 && cfg.host.front() == '[') cfg.host = cfg.host.substr(1, cfg.host.size() - 2);
  args port_arg;
  port_arg.opts["port"] = listen.substr(colon + 1);
  cfg.port = port_arg.number<unsigned short>("port", 8080);
  cfg.threads = a.number<unsigned>("threads", cfg.threads);
  cfg.quiet = a.flag("quiet");
  cfg.max_connections = a.number<std::size_t>("max-connections", cfg.max_connections);
  cfg.header_limit = a.number<std::size_t>("header-limit", cfg.header_limit);
  cfg.body_limit = a.number<std::size_t>("body-limit", cfg.body_limit);
  cfg.request_timeout = std::chrono::milliseconds(a.number<long>("request-timeout-ms", cfg.request_timeout.count()));
  cfg.idle_timeout = std::chrono::milliseconds(a.number<long>("idle-timeout-ms", cfg.idle_timeout.count()));

  // The metrics first: the writer reports every batch to them from its first command on.
  server::metrics metrics;
  storage::database_options dbo;
  dbo.path = a.need("db");
  if (auto it = a.opts.find("synchronous"); it != a.opts.end()) dbo.synchronous = it->second;
  dbo.reader_mmap_bytes = a.number<std::int64_t>("mmap-mib", dbo.reader_mmap_bytes >> 20) << 20;
  cfg.response_cache_bytes = a.number<std::size_t>("response-cache-mib", cfg.response_cache_bytes >> 20) << 20;
  dbo.ranking_cache_bytes = a.number<std::size_t>("ranking-cache-mib", dbo.ranking_cache_bytes >> 20) << 20;
  auto& ck = dbo.checkpoints;
  ck.pass_pages = a.number<int>("checkpoint-pages", ck.pass_pages);
  ck.restart_pages = a.number<int>("wal-restart-pages", ck.restart_pages);
  if (ck.pass_pages < 1 || ck.restart_pages < ck.pass_pages)
    throw std::invalid_argument("--checkpoint-pages needs at least 1, --wal-restart-pages at least that");
  dbo.on_batch = [&metrics](const storage::writer_stats& s) {
    metrics.record_batch(s.batch_size, s.commit_time, s.committed);
  };
  storage::sqlite_store store(dbo);
  warn_phone_conflicts(store.db().reader());
  {
    server::server srv(cfg, store, metrics);
    const auto port = srv.listen();
    if (!cfg.quiet) fmt::print(stderr, "cunji: serving on {}:{} with {} threads\n", cfg.host, port, cfg.threads);
    srv.run(true);
    store.close();  // every write in flight finishes before the server goes
  }
  if (!cfg.quiet) fmt::print(stderr, "cunji: stopped\n");
  return 0;
}

int admin_create(const args& a) {
  using namespace cunji;
  server::crypto_init();
  registration r;
  r.role = role::admin;
  r.phone = a.need("phone");
  r.password = a.need("password");
  r.name = a.opts.count("name") ? a.opts.at("name") : "Admin";
  normalize(r);
  for (auto [field, msg] : {std::pair{"phone", check_phone(r.phone)}, std::pair{"password", check_password(r.password)},
                            std::pair{"name", check_name(r.name)}})
    if (msg) throw std::invalid_argument(std::string(field) + " " + *msg);
  const auto hash = server::hash_password(r.password, {});
  // A connection of its own: works while a server holds the database (busy timeout).
  storage::connection c(a.need("db"), storage::open_mode::read_write);
  storage::migrate(c);
  storage::transaction tx(c, storage::transaction::mode::immediate);
  auto res = storage::insert_account(c, r, hash, static_cast<unix_seconds>(std::time(nullptr)));
  if (!res) throw std::invalid_argument(res.err().detail);  // the guard rolls back
  tx.commit();
  fmt::print("created admin account {} ({})\n", res->id, res->phone);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string_view cmd = argc > 1 ? argv[1] : "";
    if (cmd == "serve") return serve(parse(argc, argv, 2, {"quiet"}));
    if (cmd == "admin" && argc > 2 && std::string_view(argv[2]) == "create") return admin_create(parse(argc, argv, 3, {}));
    if (cmd == "seed-demo") {
      auto a = parse(argc, argv, 2, {});
      const auto summary = cunji::server::seed_demo(a.need("db"));
      fmt::print("{}\n", summary);
      return 0;
    }
    if (cmd == "backup") {
      auto a = parse(argc, argv, 2, {});
      cunji::storage::backup(a.need("db"), a.need("to"));
      return 0;
    }
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
      fmt::print("{}", usage);
      return 0;
    }
    fmt::print(stderr, "{}", usage);
    return 2;
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "cunji: {}\n{}", e.what(), usage);
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "cunji: {}\n", e.what());
    return 1;
  }
}
