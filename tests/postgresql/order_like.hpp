#pragma once
// An order-like idempotent write for the PostgreSQL engine's tests: a market of one farmer's
// shop with listings 1..n, and buy(), which takes the lines' stock through engine::idempotent
// (201 "taken", or 409 naming the listings short of stock).
#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/engine.hpp"
#include "storage/postgresql/migrations.hpp"
#include "storage/postgresql/pool.hpp"
#include "storage/postgresql/stock.hpp"

namespace cunji::test {

using namespace cunji::storage;
using namespace cunji::storage::pg;
using namespace std::chrono_literals;

// A migrated database with one farmer's shop and listings 1..n, each with `stock`.
inline task<void> market(std::string db, int listings, std::int64_t stock) {
  auto c = co_await connection::open(co_await boost::asio::this_coro::executor, db, 10s);
  co_await migrate(*c);
  co_await c->script(
      "INSERT INTO counties (id, name, province, poverty_stricken, created_at) VALUES (1, '昭阳区', '云南省', 1, 0);"
      "INSERT INTO villages (id, county_id, name, created_at) VALUES (1, 1, '苹果村', 0);"
      "INSERT INTO accounts (id, role, name, phone, password_hash, village_id, created_at) "
      "  VALUES (1, 'farmer', '王', '13900000001', 'x', 1, 0);"
      "INSERT INTO shops (id, village_id, county_id, name, status, owner_account_id, created_at) "
      "  VALUES (1, 1, 1, '王家果园', 'active', 1, 0);");
  for (int i = 1; i <= listings; ++i)
    co_await c->query(
        "INSERT INTO listings (id, shop_id, village_id, county_id, title, category, unit, price_fen, stock, status, "
        "visible, created_at, updated_at) VALUES ($1, 1, 1, 1, '昭通苹果', 'fruit', 'kg', 1500, $2, 'active', 1, 0, 0)",
        params(std::int64_t{i}, stock));
}

// An order-like write: take the lines' stock, or 409 naming the listings short of it.
inline task<result<std::int64_t>> take(connection& c, std::vector<stock_line> lines) {
  const auto short_of = co_await take_stock(c, std::move(lines), 1'000);
  if (!short_of.empty()) {
    error e{errc::insufficient_stock, "Not enough stock."};
    e.listing_ids = short_of;
    co_return e;
  }
  co_return std::int64_t{1};
}

inline answer render(const result<std::int64_t>& r) {
  if (r.ok()) return {201, "taken"};
  std::string ids;
  for (const auto id : r.err().listing_ids) ids += std::to_string(id) + " ";
  return {r.err().code == errc::insufficient_stock ? 409 : 422, ids};
}

inline task<answer> buy(pool& p, std::vector<stock_line> lines, std::optional<idempotency_key> key,
                        isolation level = isolation::read_committed) {
  work_fn<std::int64_t> work = [lines](connection& c) { return take(c, lines); };
  engine e(p);
  co_return co_await e.idempotent<std::int64_t>(std::move(key), std::move(work), render, 1'000, level);
}

inline idempotency_key key_of(std::int64_t caller, std::string key, unsigned char body) {
  idempotency_key k{caller, "POST /v1/orders", std::move(key), {}};
  k.digest.fill(body);
  return k;
}

}  // namespace cunji::test
