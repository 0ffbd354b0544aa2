// The PostgreSQL schema's migrations (storage/postgresql/migrations.*): applied once, even by
// servers starting together; refused when the database is newer than the binary.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <thread>

#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/migrations.hpp"
#include "storage/postgresql/pg_failure.hpp"
#include "support/pg_cluster.hpp"
#include "support/run_task.hpp"

using namespace cunji::storage;
using namespace cunji::storage::pg;
using cunji::test::run_task;
using namespace std::chrono_literals;

namespace {
task<int> connect_and_migrate(std::string conninfo) {
  auto ex = co_await boost::asio::this_coro::executor;
  auto c = co_await connection::open(ex, std::move(conninfo), 10s);
  co_return co_await migrate(*c);
}
}  // namespace

TEST_CASE("PostgreSQL migrations: four servers starting together apply each migration once") {
  REQUIRE(latest_schema_version() >= 1);
  boost::asio::io_context ioc;
  const auto db = cunji::test::fresh_pg_database();
  std::vector<std::future<int>> starting;
  for (int i = 0; i < 4; ++i)
    starting.push_back(boost::asio::co_spawn(ioc, connect_and_migrate(db), boost::asio::use_future));
  std::vector<std::jthread> threads;
  for (int i = 0; i < 2; ++i) threads.emplace_back([&ioc] { ioc.run(); });
  threads.clear();
  std::vector<int> versions;
  for (auto& f : starting) versions.push_back(f.get());
  for (const int v : versions) CHECK(v == latest_schema_version());
  auto c = run_task(ioc, connection::open(ioc.get_executor(), db, 10s));
  const auto rows = run_task(ioc,
                             c->query("SELECT count(*), count(DISTINCT version), max(version) FROM schema_version"));
  CHECK(rows.i64(0, 0) == latest_schema_version());
  CHECK(rows.i64(0, 1) == latest_schema_version());
  CHECK(rows.i64(0, 2) == latest_schema_version());
  // The schema is there: the listings' stock may not go below zero.
  CHECK(run_task(ioc, c->query("SELECT count(*) FROM listings")).i64(0, 0) == 0);
  // Once more: nothing to do.
  CHECK(run_task(ioc, migrate(*c)) == latest_schema_version());
  CHECK(run_task(ioc, c->query("SELECT count(*) FROM schema_version")).i64(0, 0) == latest_schema_version());
}

TEST_CASE("PostgreSQL migrations: a database newer than the binary is refused, the lock released") {
  boost::asio::io_context ioc;
  const auto db = cunji::test::fresh_pg_database();
  auto c = run_task(ioc, connection::open(ioc.get_executor(), db, 10s));
  run_task(ioc, migrate(*c));
  run_task(ioc, c->query("INSERT INTO schema_version VALUES ($1, 'future', 0)", params(latest_schema_version() + 1)));
  try {
    run_task(ioc, migrate(*c));
    FAIL("a newer schema was accepted");
  } catch (const pg_failure& e) {
    CHECK(std::string(e.what()).find("newer than this binary") != std::string::npos);
  }
  // Another server can still take the lock (and is refused the same way, not left waiting).
  auto other = run_task(ioc, connection::open(ioc.get_executor(), db, 10s));
  CHECK_THROWS_AS(run_task(ioc, migrate(*other)), pg_failure);
  CHECK(c->reusable());
}
