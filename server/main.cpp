// cunji: serve | admin create | seed-demo | backup | migrate-data
#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <memory>
#include <optional>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

#include "core/account.hpp"
#include "payments/alipay.hpp"
#include "server/cli_args.hpp"
#include "server/crypto.hpp"
#include "server/server.hpp"
#include "storage/postgresql/migrate_data.hpp"
#include "storage/postgresql/pg_store.hpp"
#include "storage/sql/accounts.hpp"
#include "storage/sql/phones.hpp"
#include "storage/sqlite/backup.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "storage/sqlite/transaction.hpp"
#include "tools/seed_demo.hpp"

namespace {

// Accounts whose phone could not take its normal form (the phone migration): said at every
// start until they are settled by hand.
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

// A new private directory under the system's temporary one, removed with what it holds.
struct temp_directory {
  std::filesystem::path path;
  temp_directory() {
    std::string name = (std::filesystem::temp_directory_path() / "cunji-XXXXXX").string();
    if (!mkdtemp(name.data())) throw std::runtime_error("cannot make a temporary directory");
    path = name;
  }
  temp_directory(const temp_directory&) = delete;
  temp_directory& operator=(const temp_directory&) = delete;
  ~temp_directory() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

// Runs one use case of a store to its end on this thread (for the commands that are not a server).
template <class T>
T run_use_case(boost::asio::awaitable<T> use_case) {
  boost::asio::io_context ioc;
  std::optional<T> out;
  auto done = boost::asio::co_spawn(
      ioc,
      [](boost::asio::awaitable<T> t, std::optional<T>& to) -> boost::asio::awaitable<void> {
        to.emplace(co_await std::move(t));
      }(std::move(use_case), out),
      boost::asio::use_future);
  ioc.run();
  done.get();
  return std::move(*out);
}

int serve(cunji::server::serve_command cmd) {
  using namespace cunji;
  auto& cfg = cmd.server;
  auto& dbo = cmd.database;
  if (cmd.alipay.given()) {  // reads its key files: an unreadable or malformed key stops here (exit 2)
    auto provider = payments::make_alipay_provider(cmd.alipay);
    if (!provider) throw std::invalid_argument(provider.err().detail);
    cfg.alipay = std::move(provider.value());
  }
  // The metrics first: the writer reports every batch to them from its first command on.
  server::metrics metrics;
  std::unique_ptr<storage::store> store;
  if (!cmd.postgresql.empty()) {
    store = std::make_unique<storage::pg::pg_store>(storage::pg::pg_store_options{
        .conninfo = cmd.postgresql, .ranking_cache_bytes = cmd.database.ranking_cache_bytes});
  } else {
    dbo.on_batch = [&metrics](const storage::writer_stats& s) {
      metrics.record_batch(s.batch_size, s.commit_time, s.committed);
    };
    dbo.on_sync = [&metrics](const storage::sync_stats& s) { metrics.record_sync(s.sync_time, s.ok); };
    auto sqlite = std::make_unique<storage::sqlite_store>(dbo);
    warn_phone_conflicts(sqlite->db().reader());
    store = std::move(sqlite);
  }
  {
    server::server srv(cfg, *store, metrics);
    const auto port = srv.listen();
    if (!cfg.quiet) fmt::print(stderr, "cunji: serving on {}:{} with {} threads\n", cfg.host, port, cfg.threads);
    if (!cfg.quiet) fmt::print(stderr, "cunji: home page http://{}:{}/\n", cfg.host, port);
    srv.run(true);
    store->close();  // every write in flight finishes before the server goes
  }
  if (!cfg.quiet) fmt::print(stderr, "cunji: stopped\n");
  return 0;
}

int admin_create(const cunji::server::admin_create_command& a) {
  using namespace cunji;
  server::crypto_init();
  registration r;
  r.role = role::admin;
  r.phone = a.phone;
  r.password = a.password;
  r.name = a.name;
  normalize(r);
  for (auto [field, msg] : {std::pair{"phone", check_phone(r.phone)}, std::pair{"password", check_password(r.password)},
                            std::pair{"name", check_name(r.name)}})
    if (msg) throw std::invalid_argument(std::string(field) + " " + *msg);
  const auto hash = server::hash_password(r.password, {});
  const auto now = static_cast<unix_seconds>(std::time(nullptr));
  if (cunji::server::is_postgresql_uri(a.db)) {
    storage::pg::pg_store store(storage::pg::pg_store_options{.conninfo = a.db, .connections = 1, .timers_every = {}});
    auto res = run_use_case(store.accounts().register_account(r, hash, now));
    if (!res) throw std::invalid_argument(res.err().detail);
    fmt::print("created admin account {} ({})\n", res->id, res->phone);
    return 0;
  }
  // A connection of its own: works while a server holds the database (busy timeout).
  storage::connection c(a.db, storage::open_mode::read_write);
  storage::migrate(c);
  storage::transaction tx(c, storage::transaction::mode::immediate);
  auto res = storage::insert_account(c, r, hash, now);
  if (!res) throw std::invalid_argument(res.err().detail);  // the guard rolls back
  tx.commit();
  fmt::print("created admin account {} ({})\n", res->id, res->phone);
  return 0;
}

// Copies a SQLite marketplace into an empty PostgreSQL database and prints what it checked.
int migrate_data(const cunji::server::migrate_data_command& m) {
  const auto report = cunji::storage::pg::migrate_data(m.from, m.to);
  std::int64_t rows = 0;
  for (const auto& t : report.tables) {
    fmt::print("{:<22} {:>10} rows\n", t.table, t.target_rows);
    rows += t.target_rows;
  }
  const auto& l = report.target_ledger;
  fmt::print(
      "copied {} rows in {} tables; row counts equal on both sides; ledger check passed on both sides "
      "({} postings, {} orders checked)\n",
      rows, report.tables.size(), l.postings, l.orders_checked);
  return 0;
}

// The demo marketplace, into a SQLite file; for PostgreSQL into a temporary one first, moved
// with migrate-data (which checks the copy).
int seed_demo(const cunji::server::seed_demo_command& c) {
  if (!cunji::server::is_postgresql_uri(c.db)) {
    fmt::print("{}\n", cunji::tools::seed_demo(c.db));
    return 0;
  }
  const temp_directory dir;
  const auto file = dir.path / "demo.db";
  const auto seeded = cunji::tools::seed_demo(file.string());
  cunji::storage::pg::migrate_data(file.string(), c.db);
  fmt::print("{}\n", seeded);
  return 0;
}

int run(const cunji::server::cli_command& command) {
  using namespace cunji::server;
  if (const auto* c = std::get_if<serve_command>(&command)) return serve(*c);
  if (const auto* c = std::get_if<admin_create_command>(&command)) return admin_create(*c);
  if (const auto* c = std::get_if<seed_demo_command>(&command)) return seed_demo(*c);
  if (const auto* c = std::get_if<backup_command>(&command)) {
    cunji::storage::backup(c->db, c->to);
    return 0;
  }
  if (const auto* c = std::get_if<migrate_data_command>(&command)) return migrate_data(*c);
  fmt::print("{}", cli_usage);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using cunji::server::cli_usage;
  try {
    const auto command = cunji::server::parse_command_line(argc, argv);
    if (!command) {
      fmt::print(stderr, "cunji: {}\n{}", command.err().detail, cli_usage);
      return 2;
    }
    return run(command.value());
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "cunji: {}\n{}", e.what(), cli_usage);
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "cunji: {}\n", e.what());
    return 1;
  }
}
