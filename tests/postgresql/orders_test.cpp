// Orders and purchases on the PostgreSQL engine, through the storage seam: exact stock under
// many clients at once, all-or-nothing purchases, one order per key.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <thread>

#include "storage/postgresql/engine.hpp"
#include "storage/postgresql/migrations.hpp"
#include "storage/postgresql/sql/stores.hpp"
#include "support/pg_cluster.hpp"
#include "support/run_task.hpp"

using namespace cunji;
using namespace cunji::storage;
using cunji::test::run_task;
using namespace std::chrono_literals;

namespace {

// A migrated database: a buyer (account 1), three farmers' shops (1, 2, 3), and listing i of
// shop ((i - 1) % 3) + 1 with `stock` each, for i in 1..listings.
task<void> market(std::string db, int listings, std::int64_t stock) {
  auto c = co_await pg::connection::open(co_await boost::asio::this_coro::executor, db, 10s);
  co_await pg::migrate(*c);
  std::string sql =
      "INSERT INTO counties (id, name, province, poverty_stricken, created_at) VALUES (1, '昭阳区', '云南省', 0, 0);"
      "INSERT INTO villages (id, county_id, name, created_at) VALUES (1, 1, '苹果村', 0);"
      "INSERT INTO accounts (id, role, name, phone, password_hash, village_id, created_at) "
      "VALUES (1, 'buyer', '李', '13900000001', 'x', 1, 0);";
  for (int s = 1; s <= 3; ++s) {
    const auto id = std::to_string(s), farmer = std::to_string(s + 10);
    sql += "INSERT INTO accounts (id, role, name, phone, password_hash, village_id, created_at) VALUES (" + farmer +
           ", 'farmer', '王', '1390000001" + id + "', 'x', 1, 0);";
    sql += "INSERT INTO shops (id, village_id, county_id, name, status, owner_account_id, created_at) VALUES (" + id +
           ", 1, 1, '果园" + id + "', 'active', " + farmer + ", 0);";
  }
  for (int i = 1; i <= listings; ++i)
    sql +=
        "INSERT INTO listings (id, shop_id, village_id, county_id, title, category, unit, price_fen, stock, "
        "status, visible, created_at, updated_at) VALUES (" +
        std::to_string(i) + ", " + std::to_string((i - 1) % 3 + 1) + ", 1, 1, '苹果', 'fruit', 'kg', 1500, " +
        std::to_string(stock) + ", 'active', 1, 0, 0);";
  co_await c->script(sql);
}

task<std::int64_t> count(std::string db, std::string sql) {
  auto c = co_await pg::connection::open(co_await boost::asio::this_coro::executor, db, 10s);
  co_return (co_await c->query(sql)).i64(0, 0);
}

account buyer() { return account{1, role::buyer, "李", "13900000001", 1, 0}; }

template <class T>
answer render(const result<T>& r) {
  if (r.ok()) return {201, "ok"};
  std::string ids;
  for (const auto id : r.err().listing_ids) ids += std::to_string(id) + " ";
  for (const auto& f : r.err().errors) ids += f.field + " ";
  return {r.err().code == errc::insufficient_stock ? 409 : 422, ids};
}

place_order_request one_kg(std::int64_t listing, std::int64_t shop) {
  place_order_request r;
  r.caller = buyer();
  r.shop_id = shop;
  r.items = {{listing, 1}};
  r.delivery = delivery_method::address;
  r.address = "云南省昭通市昭阳区苹果村 3 组 12 号";
  r.now = 1'000;
  return r;
}

idempotency_key key_of(std::string key) { return idempotency_key{1, "POST /v1/orders", std::move(key), {}}; }

task<answer> order_one(order_store& orders, int i, bool same_key) {
  // Arguments made before the co_await: GCC 12 destroys some temporaries of a co_await
  // expression twice.
  auto request = one_kg(1, 1);
  std::optional<idempotency_key> key = key_of(same_key ? "k" : "k" + std::to_string(i));
  renderer<order> show = render<order>;
  co_return co_await orders.place(std::move(request), std::move(key), std::move(show));
}

std::vector<answer> crowd(boost::asio::io_context& ioc, order_store& orders, int n, bool same_key) {
  std::vector<std::future<answer>> all;
  for (int i = 0; i < n; ++i)
    all.push_back(boost::asio::co_spawn(ioc, order_one(orders, i, same_key), boost::asio::use_future));
  ioc.restart();
  std::vector<std::jthread> threads;
  for (int i = 0; i < 2; ++i) threads.emplace_back([&ioc] { ioc.run(); });
  threads.clear();
  std::vector<answer> out;
  for (auto& f : all) out.push_back(f.get());
  return out;
}

}  // namespace

TEST_CASE("PostgreSQL orders: 300 clients order from stock 100, exactly 100 orders") {
  boost::asio::io_context ioc;
  const auto db = cunji::test::fresh_pg_database();
  run_task(ioc, market(db, 1, 100));
  pg::pool p(ioc.get_executor(), db, 16);
  pg::engine e(p);
  auto orders = pg::make_order_store(e);
  int placed = 0, refused = 0;
  for (const auto& a : crowd(ioc, *orders, 300, false)) {
    if (a.status == 201) ++placed;
    if (a.status == 409 && a.body.starts_with("1 ")) ++refused;
  }
  CHECK(placed == 100);
  CHECK(refused == 200);
  CHECK(run_task(ioc, count(db, "SELECT stock FROM listings WHERE id = 1")) == 0);
  CHECK(run_task(ioc, count(db, "SELECT count(*) FROM orders")) == 100);
  CHECK(run_task(ioc, count(db, "SELECT sum(quantity) FROM order_items")) == 100);
}

TEST_CASE("PostgreSQL orders: a retry storm of one key makes one order") {
  boost::asio::io_context ioc;
  const auto db = cunji::test::fresh_pg_database();
  run_task(ioc, market(db, 1, 100));
  pg::pool p(ioc.get_executor(), db, 16);
  pg::engine e(p);
  auto orders = pg::make_order_store(e);
  int replayed = 0;
  for (const auto& a : crowd(ioc, *orders, 40, true)) {
    CHECK(a.status == 201);
    replayed += a.replayed;
  }
  CHECK(replayed == 39);
  CHECK(run_task(ioc, count(db, "SELECT count(*) FROM orders")) == 1);
  CHECK(run_task(ioc, count(db, "SELECT stock FROM listings WHERE id = 1")) == 99);
}

TEST_CASE("PostgreSQL purchases: the last line short of stock, nothing ordered and nothing taken") {
  boost::asio::io_context ioc;
  const auto db = cunji::test::fresh_pg_database();
  run_task(ioc, market(db, 3, 5));  // listings 1, 2, 3 of shops 1, 2, 3
  pg::pool p(ioc.get_executor(), db, 2);
  pg::engine e(p);
  auto purchases = pg::make_purchase_store(e);
  place_purchase_request r;
  r.caller = buyer();
  r.lines = {{1, 2}, {2, 5}, {3, 6}};
  r.delivery = delivery_method::address;
  r.address = "云南省昭通市昭阳区苹果村 3 组 12 号";
  r.now = 1'000;
  const auto refused = run_task(ioc, purchases->place(r, std::nullopt, render<purchase>));
  CHECK(refused.status == 409);
  CHECK(refused.body == "3 lines[2].quantity ");
  CHECK(run_task(ioc, count(db, "SELECT count(*) FROM orders")) == 0);
  CHECK(run_task(ioc, count(db, "SELECT count(*) FROM purchases")) == 0);
  CHECK(run_task(ioc, count(db, "SELECT sum(stock) FROM listings")) == 15);

  r.lines.back().quantity = 5;
  const auto placed = run_task(ioc, purchases->place(r, std::nullopt, render<purchase>));
  CHECK(placed.status == 201);
  CHECK(run_task(ioc, count(db, "SELECT count(*) FROM orders")) == 3);
  CHECK(run_task(ioc, count(db, "SELECT count(DISTINCT purchase_id) FROM orders")) == 1);
  CHECK(run_task(ioc, count(db, "SELECT sum(stock) FROM listings")) == 3);
}
