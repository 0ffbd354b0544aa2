// The PostgreSQL client under Asio (storage/postgresql/): statements, errors, pipelines, the
// pool, and reconnecting after the server restarts. Against a real PostgreSQL
// (tests/support/pg_cluster.hpp), never a mock.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <mutex>
#include <set>
#include <thread>

#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/pg_failure.hpp"
#include "storage/postgresql/pool.hpp"
#include "support/pg_cluster.hpp"
#include "support/run_task.hpp"

using namespace cunji::storage;
using namespace cunji::storage::pg;
using cunji::test::run_task;
using namespace std::chrono_literals;

namespace {

task<std::unique_ptr<connection>> connect(std::string conninfo) {
  auto ex = co_await boost::asio::this_coro::executor;
  co_return co_await connection::open(ex, std::move(conninfo), 10s);
}

// The error a coroutine throws, as a pg_failure (fails the test if it throws none).
template <class T>
pg_failure failure_of(boost::asio::io_context& ioc, task<T> t) {
  try {
    run_task(ioc, std::move(t));
  } catch (const pg_failure& e) {
    return e;
  }
  FAIL("no pg_failure was thrown");
  throw std::logic_error("unreachable");
}

// Writes rows of every kind of value and reads them back.
task<void> round_trip(std::string db) {
  auto c = co_await connect(db);
  co_await c->query("CREATE TABLE t (id bigint PRIMARY KEY, title text, note text)");
  const std::int64_t big = 9'223'372'036'854'775'807;
  const auto inserted = co_await c->query(
      "INSERT INTO t VALUES ($1, $2, $3), ($4, $5, $6)",
      params(big, std::string_view("云南 昭通苹果"), std::nullopt, std::int64_t{-7}, "a'b\"c", "x"));
  CHECK(inserted.affected() == 2);
  const auto rows = co_await c->query("SELECT id, title, note FROM t ORDER BY id");
  REQUIRE(rows.rows() == 2);
  CHECK(rows.i64(0, 0) == -7);
  CHECK(rows.text(0, 1) == "a'b\"c");
  CHECK(rows.i64(1, 0) == big);
  CHECK(rows.text(1, 1) == "云南 昭通苹果");
  CHECK(rows.is_null(1, 2));
  CHECK_FALSE(rows.opt_i64(1, 2).has_value());
  CHECK(c->reusable());
}

}  // namespace

TEST_CASE("PostgreSQL: parameters and rows round-trip as text, NULL included") {
  boost::asio::io_context ioc;
  const auto db = cunji::test::fresh_pg_database();
  run_task(ioc, round_trip(db));
}

TEST_CASE("PostgreSQL: a failed statement gives its SQLSTATE and no row values") {
  boost::asio::io_context ioc;
  const auto db = cunji::test::fresh_pg_database();
  auto c = run_task(ioc, connect(db));
  run_task(ioc, c->query("CREATE TABLE t (token text UNIQUE)"));
  run_task(ioc, c->query("INSERT INTO t VALUES ($1)", params("secret-token-42")));
  const auto e = failure_of(ioc, c->query("INSERT INTO t VALUES ($1)", params("secret-token-42")));
  CHECK(e.sqlstate() == sqlstate::unique_violation);
  CHECK_FALSE(e.unavailable());  // a bug of the caller (500), not a database that is down
  // PostgreSQL's DETAIL would say "Key (token)=(secret-token-42) already exists".
  CHECK(std::string(e.what()).find("secret-token-42") == std::string::npos);
  CHECK(std::string(e.what()).find("duplicate key") != std::string::npos);
  // The connection goes on.
  CHECK(c->reusable());
  CHECK(run_task(ioc, c->query("SELECT count(*) FROM t")).i64(0, 0) == 1);
}

TEST_CASE("PostgreSQL: a pipeline is one round trip and one transaction, all or nothing") {
  boost::asio::io_context ioc;
  const auto db = cunji::test::fresh_pg_database();
  auto c = run_task(ioc, connect(db));
  run_task(ioc, c->query("CREATE TABLE stock (id bigint PRIMARY KEY, left_ bigint NOT NULL CHECK (left_ >= 0))"));
  run_task(ioc, c->query("INSERT INTO stock VALUES (1, 5), (2, 1)"));
  const auto take = [](std::int64_t id, std::int64_t n) {
    return statement{"UPDATE stock SET left_ = left_ - $2 WHERE id = $1 RETURNING left_", params(id, n)};
  };

  SECTION("the second statement fails: the first is rolled back with it") {
    const auto e = failure_of(ioc, c->pipeline({take(1, 2), take(2, 3), take(1, 1)}));
    CHECK(e.sqlstate() == sqlstate::check_violation);
    CHECK(c->reusable());
    const auto left = run_task(ioc, c->query("SELECT left_ FROM stock ORDER BY id"));
    CHECK(left.i64(0, 0) == 5);
    CHECK(left.i64(1, 0) == 1);
  }
  SECTION("every statement succeeds: all commit, results in statement order") {
    const auto results = run_task(ioc, c->pipeline({take(1, 2), take(2, 1), take(1, 1)}));
    REQUIRE(results.size() == 3);
    CHECK(results[0].i64(0, 0) == 3);
    CHECK(results[1].i64(0, 0) == 0);
    CHECK(results[2].i64(0, 0) == 2);
    CHECK(c->reusable());
    // Committed: another connection sees it.
    auto other = run_task(ioc, connect(db));
    CHECK(run_task(ioc, other->query("SELECT sum(left_) FROM stock")).i64(0, 0) == 2);
  }
}

TEST_CASE("PostgreSQL: an unreachable server is unavailable, and the password is not repeated") {
  boost::asio::io_context ioc;
  const auto e = failure_of(ioc, connect("host=/nonexistent-dir-of-cunji dbname=x user=u password=hunter2-secret"));
  CHECK(e.unavailable());
  CHECK(std::string(e.what()).find("hunter2") == std::string::npos);
}

// What the pool test's clients saw.
struct pool_watch {
  std::mutex m;
  int held = 0, most = 0, served = 0;
  std::set<std::int64_t> backends;
};

// One client: a lease, a statement, a short pause holding the connection.
task<void> lease_once(pool& p, pool_watch& w) {
  auto c = co_await p.acquire();
  {
    std::lock_guard lock(w.m);
    w.most = std::max(w.most, ++w.held);
  }
  const auto pid = (co_await c->query("SELECT pg_backend_pid()")).i64(0, 0);
  boost::asio::steady_timer pause(co_await boost::asio::this_coro::executor, 2ms);
  co_await pause.async_wait(boost::asio::use_awaitable);
  std::lock_guard lock(w.m);
  w.backends.insert(pid);
  --w.held;
  ++w.served;
}

TEST_CASE("PostgreSQL pool: never more connections than its size, every waiter served") {
  boost::asio::io_context ioc;
  const auto db = cunji::test::fresh_pg_database();
  pool p(ioc.get_executor(), db, 3);
  pool_watch w;
  std::vector<std::future<void>> clients;
  for (int i = 0; i < 50; ++i) clients.push_back(boost::asio::co_spawn(ioc, lease_once(p, w), boost::asio::use_future));
  std::vector<std::jthread> threads;
  for (int i = 0; i < 2; ++i) threads.emplace_back([&ioc] { ioc.run(); });
  threads.clear();
  for (auto& f : clients) f.get();
  CHECK(w.served == 50);
  CHECK(w.most == 3);
  CHECK(w.backends.size() == 3);
}

namespace {
task<std::int64_t> backend_of_a_lease(pool& p) {
  auto c = co_await p.acquire();
  co_return (co_await c->query("SELECT pg_backend_pid()")).i64(0, 0);
}
}  // namespace

TEST_CASE("PostgreSQL pool: after the server restarts, a lost connection is replaced") {
  boost::asio::io_context ioc;
  cunji::test::pg_cluster own;  // restarting the shared cluster would disturb other tests
  pool p(ioc.get_executor(), own.conninfo(), 1);
  const auto before = run_task(ioc, backend_of_a_lease(p));
  own.restart();
  // The idle connection died with the server: its next statement fails as unavailable (503,
  // the client may retry), and the pool closes it.
  const auto e = failure_of(ioc, backend_of_a_lease(p));
  CHECK(e.unavailable());
  // The next lease is a new connection.
  const auto after = run_task(ioc, backend_of_a_lease(p));
  CHECK(after != before);
}

namespace {

// What a connection prepares: a SELECT from its first use on (and the server has it), utility
// statements never, at most max_prepared; a refused text is not counted and leaves the
// connection usable.
task<void> prepares(std::string db) {
  auto c = co_await connect(db);
  const auto prepared_on_server = [&]() -> task<std::int64_t> {
    co_return (co_await c->query("SELECT count(*) FROM pg_prepared_statements")).i64(0, 0);
  };
  for (int i = 0; i < 3; ++i) CHECK((co_await c->query("SELECT $1::int + 1", params(i))).i64(0, 0) == i + 1);
  CHECK(c->prepared_count() == 1);
  CHECK(co_await prepared_on_server() == 2);  // that one, and the count itself
  CHECK(c->prepared_count() == 2);
  co_await c->query("BEGIN");
  co_await c->query("SAVEPOINT s");
  co_await c->query("ROLLBACK");
  CHECK(c->prepared_count() == 2);
  bool refused = false;
  try {
    co_await c->query(std::string("SELECT FROM WHERE"));
  } catch (const pg_failure&) {
    refused = true;
  }
  CHECK(refused);
  CHECK(c->prepared_count() == 2);
  CHECK((co_await c->query("SELECT 7")).i64(0, 0) == 7);
  for (std::size_t i = 0; i < connection::max_prepared + 50; ++i)
    CHECK((co_await c->query("SELECT " + std::to_string(i))).i64(0, 0) == static_cast<std::int64_t>(i));
  CHECK(c->prepared_count() == connection::max_prepared);
  CHECK(co_await prepared_on_server() == static_cast<std::int64_t>(connection::max_prepared));
  // A pipeline prepares what it has not seen, and runs what it has.
  std::vector<statement> two;  // (GCC 12: no braced lists in a coroutine's calls)
  two.push_back(statement{std::string("SELECT $1::int * 2"), params(21)});
  two.push_back(statement{std::string("SELECT 7"), {}});
  const auto rows = co_await c->pipeline(std::move(two));
  CHECK(rows[0].i64(0, 0) == 42);
  CHECK(rows[1].i64(0, 0) == 7);
}

}  // namespace

TEST_CASE("PostgreSQL connection: statements are prepared once, utility statements never, at most 512") {
  boost::asio::io_context ioc;
  run_task(ioc, prepares(cunji::test::fresh_pg_database()));
}

namespace {

// A deferred BEGIN goes with the next statement or pipeline (whose results leave it out), and
// is forgotten, with nothing to end, when no statement follows.
task<void> defers(std::string db) {
  auto c = co_await connect(db);
  const std::string isolation = "SELECT current_setting('transaction_isolation')";
  c->defer("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  CHECK_FALSE(c->in_transaction());
  CHECK_FALSE(c->reusable());  // never back to a pool with a BEGIN pending
  CHECK((co_await c->query(isolation)).text(0, 0) == "repeatable read");
  CHECK(c->in_transaction());
  CHECK_FALSE(c->drop_deferred());
  co_await c->query("COMMIT");
  CHECK(c->reusable());

  c->defer("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  std::vector<statement> two;
  two.push_back(statement{isolation, {}});
  two.push_back(statement{std::string("SELECT 7"), {}});
  const auto rows = co_await c->pipeline(std::move(two));
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].text(0, 0) == "repeatable read");
  CHECK(rows[1].i64(0, 0) == 7);
  CHECK(c->in_transaction());
  const bool committed = co_await c->commit();
  CHECK(committed);
  CHECK_FALSE(c->in_transaction());

  c->defer("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  CHECK(c->drop_deferred());
  CHECK(c->reusable());
  CHECK((co_await c->query(isolation)).text(0, 0) == "read committed");
  c->defer("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  const bool nothing_to_commit = co_await c->commit();  // nothing began: no COMMIT sent, no warning
  CHECK(nothing_to_commit);
  CHECK(c->reusable());
  CHECK((co_await c->query(isolation)).text(0, 0) == "read committed");
}

}  // namespace

TEST_CASE("PostgreSQL connection: a deferred BEGIN goes with the next statement, or not at all") {
  boost::asio::io_context ioc;
  run_task(ioc, defers(cunji::test::fresh_pg_database()));
}
