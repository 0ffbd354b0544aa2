// Order reads, lists and moves on PostgreSQL (storage/sql/orders.cpp on SQLite); placement is
// in order_placement.cpp.
#include "storage/postgresql/sql/orders.hpp"

#include <limits>

#include "core/order_state.hpp"
#include "core/station.hpp"
#include "core/throttle.hpp"
#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/sql/catalog.hpp"
#include "storage/postgresql/sql/order_moves.hpp"
#include "storage/postgresql/sql/order_rows.hpp"

namespace cunji::storage::pg {

task<std::optional<purchase>> find_purchase(connection& c, std::int64_t id) {
  const auto head = co_await c.query(
      "SELECT id, placed_by, buyer_account_id, villager_id, created_at FROM purchases WHERE id = $1", params(id));
  if (head.rows() == 0) co_return std::nullopt;
  purchase p;
  p.id = head.i64(0, 0);
  p.placed_by = head.i64(0, 1);
  p.buyer_account_id = head.opt_i64(0, 2);
  p.villager_id = head.opt_i64(0, 3);
  p.created_at = head.i64(0, 4);
  const auto rows = co_await c.query(
      std::string("SELECT ") + order_cols + " FROM orders WHERE purchase_id = $1 ORDER BY id", params(id));
  for (int i = 0; i < rows.rows(); ++i) p.orders.push_back(read_order_row(rows, i));
  for (auto& o : p.orders) co_await load_details(c, o);
  co_return p;
}

task<std::optional<order>> find_order(connection& c, std::int64_t id) {
  const auto r = co_await c.query(std::string("SELECT ") + order_cols + " FROM orders WHERE id = $1", params(id));
  if (r.rows() == 0) co_return std::nullopt;
  auto o = read_order_row(r, 0);
  co_await load_details(c, o);
  co_return o;
}

task<order_parties> parties_of(connection& c, const order& o) {
  order_parties p;
  p.placed_by = o.placed_by;
  if (o.delivery == delivery_method::station_pickup) p.station = o.station_village_id;
  if (const auto s = co_await find_shop(c, o.shop_id)) {
    p.shop_owner = s->owner_account_id;
    p.shop_partner = s->partner_id;
  }
  co_return p;
}

task<order> as_seen_by(connection& c, account caller, order o) {
  if (!o.pickup_code) co_return o;
  const auto parties = co_await parties_of(c, o);
  if (!can_see_pickup_code(caller, parties)) o.pickup_code.reset();
  co_return o;
}

// The moves of an order run READ COMMITTED (order_store.cpp): the order's row is locked first,
// so that two moves of one order take turns and the second sees the first's outcome; what they
// do to stock and balances adds up whatever their order (stock = stock + q, balance triggers).
namespace {
task<void> lock_order(connection& c, std::int64_t id) {
  co_await c.query("SELECT 1 FROM orders WHERE id = $1 FOR NO KEY UPDATE", params(id));
}
}  // namespace

task<result<order>> transition_order(connection& c, transition_request r) {
  co_await lock_order(c, r.order_id);
  auto o = co_await find_order(c, r.order_id);
  if (!o) co_return error{errc::not_found, "No such order."};
  const auto parties = co_await parties_of(c, *o);
  if (auto denied = check_order_access(r.caller, parties, r.action)) co_return *denied;
  if (!r.invalid.empty()) co_return validation(r.invalid);
  if (!next_status(o->status, r.action, o->delivery)) co_return not_allowed(*o, r.action);
  switch (r.action) {
    case order_action::ship: co_await ship_order(c, *o, r.tracking, r.now); break;
    case order_action::arrive: co_await arrive_order(c, *o, r.now); break;
    case order_action::deliver: co_await deliver_order(c, *o, r.now); break;
    case order_action::cancel: co_await cancel_order(c, *o, r.reason, r.now); break;
    default: co_return not_allowed(*o, r.action);  // the other moves have use cases of their own
  }
  co_return co_await as_seen_by(c, r.caller, std::move(*o));
}

task<result<handover_outcome>> hand_over_order(connection& c, handover_request r) {
  co_await lock_order(c, r.order_id);
  auto o = co_await find_order(c, r.order_id);
  if (!o) co_return error{errc::not_found, "No such order."};
  const auto parties = co_await parties_of(c, *o);
  if (auto denied = check_order_access(r.caller, parties, order_action::hand_over)) co_return *denied;
  if (!r.invalid.empty()) co_return validation(r.invalid);
  if (!next_status(o->status, order_action::hand_over, o->delivery)) co_return not_allowed(*o, order_action::hand_over);
  const auto failures = co_await handover_failures(c, o->id, r.now - handover_throttle.window_s,
                                                   handover_throttle.max_failures);
  if (const auto wait = retry_after(failures, r.now, handover_throttle)) {
    error e{errc::rate_limited, "Too many wrong pickup codes for this parcel; try again later."};
    e.retry_after_s = *wait;
    co_return e;
  }
  if (!o->pickup_code || !same_code(*o->pickup_code, r.pickup_code)) {
    co_await record_handover_failure(c, o->id, r.now);
    co_return handover_outcome{std::nullopt, validation({{"pickup_code", "is not this parcel's code"}})};
  }
  co_await deliver_order(c, *o, r.now);
  auto delivered = co_await as_seen_by(c, r.caller, std::move(*o));
  co_return handover_outcome{std::move(delivered), std::nullopt};
}

task<std::vector<order>> list_orders(connection& c, order_list_filter f) {
  std::string sql = std::string("SELECT ") + order_cols + " FROM orders WHERE ";
  switch (f.as) {
    case order_view::seller:
      sql += "shop_id IN (SELECT id FROM shops WHERE owner_account_id = $1 OR partner_id = $1)";
      break;
    case order_view::buyer: sql += "placed_by = $1"; break;
    case order_view::admin: sql += "$1::bigint IS NOT NULL"; break;
  }
  sql += f.status ? " AND status = $2" : " AND $2::text IS NULL";
  sql += f.shop_id ? " AND shop_id = $5" : " AND $5::bigint IS NULL";
  sql += f.county_id ? " AND county_id = $6" : " AND $6::bigint IS NULL";
  sql += " AND id < $3 ORDER BY id DESC LIMIT $4";
  std::optional<std::string> status;
  if (f.status) status = std::string(to_string(*f.status));
  const auto before = f.page.after.empty() ? std::numeric_limits<std::int64_t>::max() : f.page.after.front();
  const auto r = co_await c.query(sql, params(f.caller.id, status, before, f.page.limit + 1, f.shop_id, f.county_id));
  std::vector<order> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_order_row(r, i));
  for (auto& o : out) {
    co_await load_details(c, o);
    o = co_await as_seen_by(c, f.caller, std::move(o));
  }
  co_return out;
}

task<std::vector<parcel>> list_parcels(connection& c, std::int64_t station_village_id, parcel_filter f) {
  std::string sql =
      "SELECT o.id, o.status, a.name, v.name, (SELECT count(*) FROM order_items i WHERE i.order_id = o.id), "
      "o.total_fen, o.shipped_at, o.arrived_at FROM orders o JOIN accounts a ON a.id = o.placed_by "
      "LEFT JOIN villagers v ON v.id = o.villager_id WHERE o.station_village_id = $1 AND o.id > $2 "
      "AND o.status IN ('shipped', 'at_station')";  // as the partial index says, so that it is used
  sql += f.status ? " AND o.status = $3" : " AND $3::text IS NULL";
  sql += " ORDER BY o.id LIMIT $4";
  std::optional<std::string> status;
  if (f.status) status = std::string(to_string(*f.status));
  const auto after = f.page.after.empty() ? std::int64_t{0} : f.page.after.front();
  const auto r = co_await c.query(sql, params(station_village_id, after, status, f.page.limit + 1));
  std::vector<parcel> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.i64(i, 0), parse_order_status(r.text(i, 1)).value_or(order_status::shipped), r.str(i, 2),
                   r.opt_str(i, 3), r.i64(i, 4), r.i64(i, 5), r.opt_i64(i, 6), r.opt_i64(i, 7)});
  co_return out;
}

}  // namespace cunji::storage::pg
