// The PostgreSQL engine's write paths that move stock under concurrency: conditional stock
// UPDATEs (storage/postgresql/stock.*) inside idempotent writes (storage/postgresql/
// idempotency.hpp), with many clients at once on a pool of connections, as several servers
// would send them.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "postgresql/order_like.hpp"
#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/engine.hpp"
#include "storage/postgresql/migrations.hpp"
#include "storage/postgresql/pool.hpp"
#include "storage/postgresql/stock.hpp"
#include "support/pg_cluster.hpp"
#include "support/run_task.hpp"

using namespace cunji;
using namespace cunji::storage;
using namespace cunji::storage::pg;
using namespace cunji::test;
using namespace std::chrono_literals;

namespace {

task<std::int64_t> stock_of(std::string db, std::int64_t listing) {
  auto c = co_await connection::open(co_await boost::asio::this_coro::executor, db, 10s);
  co_return (co_await c->query("SELECT stock FROM listings WHERE id = $1", params(listing))).i64(0, 0);
}

task<void> restock(std::string db, std::int64_t stock) {
  auto c = co_await connection::open(co_await boost::asio::this_coro::executor, db, 10s);
  co_await c->query("UPDATE listings SET stock = $1", params(stock));
}

task<std::int64_t> deadlocks(std::string db) {
  auto c = co_await connection::open(co_await boost::asio::this_coro::executor, db, 10s);
  co_return (co_await c->query("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")).i64(0, 0);
}

// Runs `n` clients at once on two threads; their answers.
std::vector<answer> crowd(pool& p, boost::asio::io_context& ioc, int n,
                          const std::function<task<answer>(pool&, int)>& client) {
  std::vector<std::future<answer>> all;
  for (int i = 0; i < n; ++i) all.push_back(boost::asio::co_spawn(ioc, client(p, i), boost::asio::use_future));
  ioc.restart();  // after an earlier run_task ran out of work
  std::vector<std::jthread> threads;
  for (int i = 0; i < 2; ++i) threads.emplace_back([&ioc] { ioc.run(); });
  threads.clear();
  std::vector<answer> out;
  for (auto& f : all) out.push_back(f.get());
  return out;
}

}  // namespace

TEST_CASE("PostgreSQL flash sale: 300 clients, stock 100, exactly 100 sold") {
  boost::asio::io_context ioc;
  const auto db = cunji::test::fresh_pg_database();
  run_task(ioc, market(db, 1, 100));
  pool p(ioc.get_executor(), db, 16);
  const auto answers = crowd(p, ioc, 300, [](pool& to, int i) { return buy(to, {{1, 1}}, key_of(1000 + i, "k", 1)); });
  int sold = 0, refused = 0;
  for (const auto& a : answers) {
    if (a.status == 201) ++sold;
    if (a.status == 409 && a.body == "1 ") ++refused;
  }
  CHECK(sold == 100);
  CHECK(refused == 200);
  CHECK(run_task(ioc, stock_of(db, 1)) == 0);
}

TEST_CASE("PostgreSQL retry storm: 50 copies of one request at once, one write, one answer") {
  // Orders run READ COMMITTED; every other write SERIALIZABLE, where a duplicate may fail with
  // 40001 and run again before it replays.
  const auto level = GENERATE(isolation::read_committed, isolation::serializable);
  boost::asio::io_context ioc;
  const auto db = cunji::test::fresh_pg_database();
  run_task(ioc, market(db, 1, 10));
  pool p(ioc.get_executor(), db, 16);
  const auto answers = crowd(p, ioc, 50, [level](pool& to, int) {
    return buy(to, {{1, 3}}, key_of(7, "retry-me", 1), level);
  });
  int first = 0, replayed = 0;
  for (const auto& a : answers) {
    CHECK(a.status == 201);
    (a.replayed ? replayed : first)++;
  }
  CHECK(first == 1);
  CHECK(replayed == 49);
  CHECK(run_task(ioc, stock_of(db, 1)) == 7);
  // The same key with another body is refused, and takes nothing.
  const auto other = run_task(ioc, buy(p, {{1, 1}}, key_of(7, "retry-me", 2), level));
  CHECK(other.status == 422);
  CHECK(run_task(ioc, stock_of(db, 1)) == 7);
}

TEST_CASE("PostgreSQL: a refused write keeps its answer, and its retry gets it without taking stock") {
  boost::asio::io_context ioc;
  const auto db = cunji::test::fresh_pg_database();
  run_task(ioc, market(db, 3, 5));
  pool p(ioc.get_executor(), db, 2);
  // Lines 1 and 3 have enough, line 2 does not: nothing is taken.
  const auto refused = run_task(ioc, buy(p, {{3, 2}, {2, 6}, {1, 5}}, key_of(9, "k", 1)));
  CHECK(refused.status == 409);
  CHECK(refused.body == "2 ");
  for (const std::int64_t id : {1, 2, 3}) CHECK(run_task(ioc, stock_of(db, id)) == 5);
  // Stock arrives; the retry still gets the first answer (the key is spent).
  run_task(ioc, restock(db, 50));
  const auto again = run_task(ioc, buy(p, {{3, 2}, {2, 6}, {1, 5}}, key_of(9, "k", 1)));
  CHECK(again.status == 409);
  CHECK(again.replayed);
  CHECK(run_task(ioc, stock_of(db, 2)) == 50);
}

TEST_CASE("PostgreSQL: orders taking two listings in opposite orders never deadlock") {
  boost::asio::io_context ioc;
  const auto db = cunji::test::fresh_pg_database();
  run_task(ioc, market(db, 2, 1'000));
  {
    pool p(ioc.get_executor(), db, 16);
    // Half the clients list A then B, the other half B then A: locked in id order either way.
    const auto answers = crowd(p, ioc, 200, [](pool& to, int i) {
      auto lines = i % 2 ? std::vector<stock_line>{{1, 1}, {2, 1}} : std::vector<stock_line>{{2, 1}, {1, 1}};
      return buy(to, std::move(lines), std::nullopt);
    });
    for (const auto& a : answers) CHECK(a.status == 201);
  }
  CHECK(run_task(ioc, stock_of(db, 1)) == 800);
  CHECK(run_task(ioc, stock_of(db, 2)) == 800);
  // PostgreSQL would have broken a deadlock and the write would have run again, so the answers
  // alone cannot tell: its statistics can, once the closed connections' backends have sent them.
  std::this_thread::sleep_for(1500ms);
  CHECK(run_task(ioc, deadlocks(db)) == 0);
}
