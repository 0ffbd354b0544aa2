#pragma once
// Rows for the PostgreSQL tests of payments and returns, written with SQL: a county and its
// village (with a station), a farmer's shop with two listings, accounts of every role, and
// orders in any status. Also: SQL run on a connection of its own, a row lock held to gate
// concurrent writes, an order's ledger postings as stored, and a test's database and engine.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "core/ledger.hpp"
#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/engine.hpp"
#include "storage/postgresql/migrations.hpp"
#include "storage/postgresql/sql/orders.hpp"
#include "support/pg_migrated.hpp"
#include "support/run_task.hpp"

namespace cunji::test::rows {

using namespace std::chrono_literals;
using storage::task;
namespace pg = storage::pg;

// The accounts of market(): the shop's farmer, a buyer, the village's partner (its station),
// an admin, and a buyer with nothing to do with the orders.
inline const account farmer{1, role::farmer, "王", "13900000001", 1, 0};
inline const account buyer{2, role::buyer, "李", "13900000002", std::nullopt, 0};
inline const account partner{3, role::partner, "张", "13900000003", 1, 0};
inline const account admin{4, role::admin, "管理员", "13900000004", std::nullopt, 0};
inline const account stranger{5, role::buyer, "赵", "13900000005", std::nullopt, 0};

inline task<std::unique_ptr<pg::connection>> open(std::string db) {
  co_return co_await pg::connection::open(co_await boost::asio::this_coro::executor, db, 10s);
}

inline task<void> run_sql(std::string db, std::string sql) {
  auto c = co_await open(db);
  co_await c->script(sql);
}

// The first column of the first row of `sql` as text ("" without a row or for NULL).
inline task<std::string> value_of(std::string db, std::string sql) {
  auto c = co_await open(db);
  const auto r = co_await c->query(sql);
  co_return r.rows() == 0 ? std::string() : std::string(r.text(0, 0));
}

// A migrated database with the rows above; listings 1 and 2 (15 yuan a kg) have 10 in stock.
inline task<void> market(std::string db) {
  auto c = co_await open(db);
  co_await pg::migrate(*c);
  co_await c->script(
      "INSERT INTO counties (id, name, province, poverty_stricken, created_at) VALUES (1, '昭阳区', '云南省', 0, 0);"
      "INSERT INTO villages (id, county_id, name, created_at) VALUES (1, 1, '苹果村', 0);"
      "INSERT INTO accounts (id, role, name, phone, password_hash, village_id, created_at) VALUES "
      "  (1, 'farmer', '王', '13900000001', 'x', 1, 0), (2, 'buyer', '李', '13900000002', 'x', NULL, 0),"
      "  (3, 'partner', '张', '13900000003', 'x', 1, 0), (4, 'admin', '管理员', '13900000004', 'x', NULL, 0),"
      "  (5, 'buyer', '赵', '13900000005', 'x', NULL, 0);"
      "INSERT INTO shops (id, village_id, county_id, name, status, owner_account_id, created_at) "
      "  VALUES (1, 1, 1, '王家果园', 'active', 1, 0);"
      "INSERT INTO listings (id, shop_id, village_id, county_id, title, category, unit, price_fen, stock, status, "
      "  visible, created_at, updated_at) VALUES (1, 1, 1, 1, '昭通苹果', 'fruit', 'kg', 1500, 10, 'active', 1, 0, 0),"
      "  (2, 1, 1, 1, '丑苹果', 'fruit', 'kg', 1500, 10, 'active', 1, 0, 0);");
}

// SQL for order `id` placed by the buyer at `created_at`: 2 kg of `listing` (3000 fen, 150
// commission), picked up at the village's station (code 123456) or sent to an address (800
// more). `status` and `more` (", column = value" pairs) set the rest with an UPDATE.
inline std::string order_sql(std::int64_t id, const std::string& status, std::int64_t created_at, bool address = false,
                             std::int64_t listing = 1, const std::string& more = "") {
  const auto n = std::to_string(id);
  const std::string fee = address ? "800" : "0";
  return "INSERT INTO orders (id, shop_id, village_id, county_id, poverty_relief, status, placed_by, "
         "buyer_account_id, subtotal_fen, delivery_method, delivery_address, delivery_fee_fen, total_fen, "
         "platform_commission_fen, shop_proceeds_fen, created_at, updated_at, station_village_id, pickup_code) "
         "VALUES (" +
         n + ", 1, 1, 1, 0, 'placed', 2, 2, 3000, " + (address ? "'address', '昭通市一号'" : "'station_pickup', NULL") +
         ", " + fee + ", 3000 + " + fee + ", 150, 2850, " + std::to_string(created_at) + ", " +
         std::to_string(created_at) + ", " + (address ? "NULL, NULL" : "1, '123456'") +
         ");"
         "INSERT INTO order_items VALUES (" +
         n + ", 1, " + std::to_string(listing) +
         ", '昭通苹果', 'kg', 'fruit', 1500, 2, 3000, 150);"
         "UPDATE orders SET status = '" +
         status + "'" + more + " WHERE id = " + n + ";";
}

// Starts a transaction on a connection of its own that locks rows with `lock_sql` (… FOR
// UPDATE): writes that need them wait until release() commits it, so that writes started
// meanwhile all begin before any of them can finish.
inline task<std::unique_ptr<pg::connection>> hold(std::string db, std::string lock_sql) {
  auto c = co_await open(db);
  co_await c->query("BEGIN");
  co_await c->query(lock_sql);
  co_return c;
}
inline task<void> release(pg::connection& gate) {
  co_await gate.query("SELECT pg_sleep(0.5)");
  co_await gate.query("COMMIT");
}

// Runs `writes` at once with the gate released meanwhile; their outcomes.
template <class T>
std::vector<T> race(boost::asio::io_context& ioc, pg::connection& gate, std::vector<std::function<task<T>()>> writes) {
  std::vector<std::future<T>> all;
  for (auto& w : writes) all.push_back(boost::asio::co_spawn(ioc, w(), boost::asio::use_future));
  auto released = boost::asio::co_spawn(ioc, release(gate), boost::asio::use_future);
  ioc.restart();
  ioc.run();
  released.get();
  std::vector<T> out;
  for (auto& f : all) out.push_back(f.get());
  return out;
}

// The net ledger postings of entries about order `id`, and what its status says they must be.
inline task<std::pair<std::vector<posting>, std::vector<posting>>> order_books(std::string db, std::int64_t id) {
  auto c = co_await open(db);
  const auto r = co_await c->query(
      "SELECT p.account, p.owner_id, sum(p.amount_fen) FROM ledger_postings p JOIN ledger_entries e "
      "ON e.id = p.entry_id WHERE e.order_id = $1 GROUP BY p.account, p.owner_id",
      pg::params(id));
  std::vector<posting> stored;
  for (int i = 0; i < r.rows(); ++i) stored.push_back({*parse_ledger_account(r.text(i, 0)), r.i64(i, 1), r.i64(i, 2)});
  const auto o = co_await pg::find_order(*c, id);
  co_return std::make_pair(net_postings(std::move(stored)), expected_order_postings(*o));
}

// An error as the tests' renderers answer it: "<code>[:<first field>]".
inline std::string code_of(const error& e) {
  static const char* const names[] = {"validation_failed",
                                      "unauthenticated",
                                      "forbidden",
                                      "not_found",
                                      "conflict",
                                      "insufficient_stock",
                                      "invalid_transition",
                                      "idempotency_key_reused",
                                      "precondition_failed",
                                      "rate_limited"};
  return names[static_cast<int>(e.code)] + (e.errors.empty() ? "" : ":" + e.errors[0].field);
}

// A new database with market()'s rows, and an engine over a pool of 4 connections to it.
struct market_fixture {
  boost::asio::io_context ioc;
  std::string db = fresh_migrated_pg_database();  // market()'s migrate() finds nothing to do
  pg::pool pool{ioc.get_executor(), db, 4};
  pg::engine e{pool};

  market_fixture() { run_task(ioc, market(db)); }
  void sql(const std::string& s) { run_task(ioc, run_sql(db, s)); }
  std::string value(const std::string& s) { return run_task(ioc, value_of(db, s)); }
  std::int64_t number(const std::string& s) { return std::stoll(value(s)); }
  // Whether the order's ledger postings are what its status says they must be.
  bool books_balance(std::int64_t order) {
    const auto books = run_task(ioc, order_books(db, order));
    return books.first == books.second;
  }
};

}  // namespace cunji::test::rows
