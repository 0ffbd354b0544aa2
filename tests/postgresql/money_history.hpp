#pragma once
// A small marketplace and its money history for the money and reports tests, as steps that
// either engine can apply: SQL text valid on SQLite and PostgreSQL, ledger entries made by
// core/ledger.hpp, hand-ins and payout runs. Orders are written as the orders area would
// leave them (the row, one line, its partner fee) and posted with core's postings.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "core/fees.hpp"
#include "core/ledger.hpp"
#include "core/order_state.hpp"
#include "core/payment.hpp"
#include "core/sales.hpp"
#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/sql/ledger.hpp"

namespace cunji::test {

constexpr unix_seconds t0 = 1'795'442'400;  // 2026-11-23T14:00:00Z
constexpr day_number d0 = day_of(t0);
constexpr unix_seconds one_day = 86'400;

// County 1 (poverty-stricken) with villages 1 and 2, county 2 with village 3. Accounts: 1 a
// farmer of village 1, 2 its partner, 3 a buyer, 4 an admin, 5 a farmer of village 3, 6 a
// buyer; villager 1 of village 1, registered by the partner. Shops: 1 the farmer's (village
// 1), 2 farmer 5's (village 3), 3 run by the partner for the villager (village 2). Listing n
// belongs to shop n.
inline const char* market_sql =
    "INSERT INTO counties (id, name, province, poverty_stricken, created_at) VALUES "
    "(1, '昭阳区', '云南省', 1, 0), (2, '义乌市', '浙江省', 0, 0);"
    "INSERT INTO villages (id, county_id, name, created_at) VALUES "
    "(1, 1, '苹果村', 0), (2, 1, '菌菇村', 0), (3, 2, '青岩刘村', 0);"
    "INSERT INTO accounts (id, role, name, phone, password_hash, village_id, created_at) VALUES "
    "(1, 'farmer', '王', '13900000001', 'x', 1, 0), (2, 'partner', '李', '13900000002', 'x', 1, 0), "
    "(3, 'buyer', '张', '13900000003', 'x', NULL, 0), (4, 'admin', '赵', '13900000004', 'x', NULL, 0), "
    "(5, 'farmer', '刘', '13900000005', 'x', 3, 0), (6, 'buyer', '陈', '13900000006', 'x', NULL, 0);"
    "INSERT INTO villagers (id, village_id, name, registered_by, created_at) VALUES (1, 1, '孙', 2, 0);"
    "INSERT INTO shops (id, village_id, county_id, name, status, owner_account_id, villager_id, partner_id, "
    "created_at) VALUES (1, 1, 1, '王家果园', 'active', 1, NULL, NULL, 0), "
    "(2, 3, 2, '刘家茶园', 'active', 5, NULL, NULL, 0), (3, 2, 1, '孙家菌菇', 'active', NULL, 1, 2, 0);"
    "INSERT INTO listings (id, shop_id, village_id, county_id, title, category, unit, price_fen, stock, status, "
    "visible, created_at, updated_at) VALUES (1, 1, 1, 1, '昭通苹果', 'fruit', 'kg', 100, 1000, 'active', 1, 0, 0), "
    "(2, 2, 3, 2, '龙井', 'tea', 'box', 100, 1000, 'active', 1, 0, 0), "
    "(3, 3, 2, 1, '香菇', 'mushroom', 'kg', 100, 1000, 'active', 1, 0, 0)";

// One order of one line. Paid orders are paid by `method`; cash is taken by the placer (a
// partner). A delivered order is delivered an hour after it was placed, a cancelled one
// refunded half an hour after.
struct sale {
  std::int64_t id = 0;
  std::int64_t shop = 1;
  std::int64_t placed_by = 3;
  std::optional<std::int64_t> buyer = 3, villager;
  std::int64_t subtotal_fen = 1000;
  std::int64_t commission_fen = 50;
  order_status status = order_status::paid;
  payment_method method = payment_method::alipay;
  std::optional<partner_fee> fee;
  unix_seconds at = t0;
};

// County 1 (poverty-stricken): village 1 (shop 1) and village 2 (shop 3, run by partner 2);
// county 2: village 3 (shop 2). Today is d0 + 12, in December 2026; d0 is 23 November.
//   order  shop  buyer       fen    status     created
//   1      1     3           3,000  paid       d0
//   2      1     3           2,000  delivered  d0 + 1
//   3      3     6           1,500  paid       d0 + 1   partner 2 sells for the villager: fee 100
//   4      1     villager 1  1,200  delivered  d0 + 10  partner 2 buys for it, in cash: fee 60
//   5      2     6           5,000  paid       d0 - 30  (24 October)
//   6      2     3           2,500  placed     d0       (does not count)
//   7      1     villager 1    800  cancelled  d0       (does not count)
//   8      2     3             700  delivered  d0 - 400 (outside every window)
// (The reports tests lower the Taobao village thresholds to 1 active shop and 5,000 fen.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"  // GCC 12, for designated initializers
inline std::vector<sale> report_sales() {
  const auto delivered = order_status::delivered;
  const auto cash = payment_method::cash_at_station;
  return {
      sale{.id = 1, .subtotal_fen = 3'000, .commission_fen = 150},
      sale{.id = 2, .subtotal_fen = 2'000, .commission_fen = 100, .status = delivered, .at = t0 + one_day},
      sale{.id = 3,
           .shop = 3,
           .placed_by = 6,
           .buyer = 6,
           .subtotal_fen = 1'500,
           .commission_fen = 75,
           .fee = partner_fee{2, partner_fee_kind::assisted_selling, 100},
           .at = t0 + one_day},
      sale{.id = 4,
           .placed_by = 2,
           .buyer = std::nullopt,
           .villager = 1,
           .subtotal_fen = 1'200,
           .commission_fen = 60,
           .status = delivered,
           .method = cash,
           .fee = partner_fee{2, partner_fee_kind::assisted_buying, 60},
           .at = t0 + 10 * one_day},
      sale{.id = 5,
           .shop = 2,
           .placed_by = 6,
           .buyer = 6,
           .subtotal_fen = 5'000,
           .commission_fen = 250,
           .at = t0 - 30 * one_day},
      sale{.id = 6, .shop = 2, .subtotal_fen = 2'500, .commission_fen = 125, .status = order_status::placed},
      sale{.id = 7,
           .placed_by = 2,
           .buyer = std::nullopt,
           .villager = 1,
           .subtotal_fen = 800,
           .commission_fen = 40,
           .status = order_status::cancelled,
           .method = cash},
      sale{
          .id = 8, .shop = 2, .subtotal_fen = 700, .commission_fen = 35, .status = delivered, .at = t0 - 400 * one_day},
  };
}
#pragma GCC diagnostic pop

struct post_step {
  entry_kind kind;
  storage::entry_links about;
  std::vector<posting> postings;
  unix_seconds at;
};
struct handin_step {
  std::int64_t partner_id, amount_fen;
  unix_seconds at;
};
struct payouts_step {
  unix_seconds at;
};
using money_step = std::variant<std::string, post_step, handin_step, payouts_step>;

inline std::string sql_of(std::optional<std::int64_t> v) { return v ? std::to_string(*v) : "NULL"; }

inline std::vector<money_step> sale_steps(const sale& s) {
  const bool paid = s.status != order_status::placed;
  order o;
  o.id = s.id;
  o.shop_id = s.shop;
  o.status = s.status;
  o.money = {s.subtotal_fen, 0, s.subtotal_fen, s.commission_fen, s.subtotal_fen - s.commission_fen, {}};
  if (s.fee) o.money.partner_fees.push_back(*s.fee);
  const bool cash = s.method == payment_method::cash_at_station;
  if (paid)
    o.paid_with = payment{s.method, std::nullopt, std::nullopt, cash ? std::optional(s.placed_by) : std::nullopt};
  const auto id = std::to_string(s.id), sub = std::to_string(s.subtotal_fen), at = std::to_string(s.at);
  std::vector<money_step> out;
  out.emplace_back(
      "INSERT INTO orders (id, shop_id, village_id, county_id, poverty_relief, status, placed_by, buyer_account_id, "
      "villager_id, subtotal_fen, delivery_method, delivery_fee_fen, total_fen, platform_commission_fen, "
      "shop_proceeds_fen, payment_method, payment_collected_by, created_at, updated_at) SELECT " +
      id + ", s.id, s.village_id, s.county_id, c.poverty_stricken, '" + std::string(to_string(s.status)) + "', " +
      std::to_string(s.placed_by) + ", " + sql_of(s.buyer) + ", " + sql_of(s.villager) + ", " + sub +
      ", 'station_pickup', 0, " + sub + ", " + std::to_string(s.commission_fen) + ", " +
      std::to_string(o.money.shop_proceeds_fen) + ", " +
      (paid ? "'" + std::string(to_string(s.method)) + "'" : std::string("NULL")) + ", " +
      sql_of(o.paid_with ? o.paid_with->collected_by : std::nullopt) + ", " + at + ", " + at +
      " FROM shops s JOIN counties c ON c.id = s.county_id WHERE s.id = " + std::to_string(s.shop));
  out.emplace_back(
      "INSERT INTO order_items (order_id, line_no, listing_id, title, unit, category, unit_price_fen, quantity, "
      "line_total_fen, commission_fen) VALUES (" +
      id + ", 1, " + std::to_string(s.shop) + ", '货', 'kg', 'fruit', " + sub + ", 1, " + sub + ", " +
      std::to_string(s.commission_fen) + ")");
  if (s.fee)
    out.emplace_back("INSERT INTO order_partner_fees (order_id, kind, partner_id, amount_fen) VALUES (" + id + ", '" +
                     std::string(to_string(s.fee->kind)) + "', " + std::to_string(s.fee->partner_id) + ", " +
                     std::to_string(s.fee->amount_fen) + ")");
  if (!paid) return out;
  storage::entry_links about;
  about.order_id = s.id;
  out.emplace_back(post_step{entry_kind::payment, about, payment_postings(o), s.at});
  if (s.status == order_status::delivered)
    out.emplace_back(post_step{entry_kind::delivery, about, delivery_postings(o), s.at + 3'600});
  if (s.status == order_status::cancelled)
    out.emplace_back(post_step{entry_kind::refund, about, refund_postings(o), s.at + 1'800});
  return out;
}

// The steps on PostgreSQL, each statement on its own (the payout run in one transaction).
inline storage::task<void> apply_steps(storage::pg::connection& c, std::vector<money_step> steps) {
  for (const auto& s : steps) {
    if (const auto* sql = std::get_if<std::string>(&s)) {
      co_await c.script(*sql);
    } else if (const auto* p = std::get_if<post_step>(&s)) {
      co_await storage::pg::post(c, p->kind, p->about, p->postings, p->at);
    } else if (const auto* h = std::get_if<handin_step>(&s)) {
      storage::handin_request r;
      r.caller.id = 4;
      r.caller.role = role::admin;
      r.partner_id = h->partner_id;
      r.amount_fen = h->amount_fen;
      r.now = h->at;
      const auto done = co_await storage::pg::record_handin(c, std::move(r));
      if (!done.ok()) throw std::runtime_error("hand-in refused");
    } else {
      co_await c.query("BEGIN");
      co_await storage::pg::run_payouts(c, std::get<payouts_step>(s).at);
      co_await c.query("COMMIT");
    }
  }
}

}  // namespace cunji::test
