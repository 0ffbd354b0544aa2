#include "storage/sql/orders.hpp"

#include <algorithm>
#include <limits>

#include "core/ordering.hpp"
#include "core/station.hpp"
#include "storage/sql/catalog.hpp"
#include "storage/sql/fee_schedule.hpp"
#include "storage/sql/ledger.hpp"
#include "storage/sql/order_moves.hpp"
#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

namespace {

constexpr const char* order_cols =
    "id, shop_id, village_id, county_id, poverty_relief, status, placed_by, buyer_account_id, villager_id, "
    "subtotal_fen, delivery_method, delivery_address, delivery_fee_fen, total_fen, platform_commission_fen, "
    "shop_proceeds_fen, payment_method, payment_reference, tracking, cancel_reason, created_at, updated_at, "
    "payment_id, payment_collected_by, shipped_at, delivered_at, station_village_id, pickup_code, arrived_at, "
    "purchase_id";

order read_order_row(const query& q) {
  order o;
  o.id = q.i64(0);
  o.shop_id = q.i64(1);
  o.village_id = q.i64(2);
  o.county_id = q.i64(3);
  o.poverty_relief = q.i64(4) != 0;
  o.status = parse_order_status(q.text(5)).value_or(order_status::placed);
  o.placed_by = q.i64(6);
  o.buyer_account_id = q.opt_i64(7);
  o.villager_id = q.opt_i64(8);
  o.money.subtotal_fen = q.i64(9);
  o.delivery = parse_delivery_method(q.text(10)).value_or(delivery_method::station_pickup);
  o.address = q.opt_str(11);
  o.money.delivery_fee_fen = q.i64(12);
  o.money.total_fen = q.i64(13);
  o.money.platform_commission_fen = q.i64(14);
  o.money.shop_proceeds_fen = q.i64(15);
  if (!q.is_null(16))
    o.paid_with = payment{parse_payment_method(q.text(16)).value_or(payment_method::mobile), q.opt_str(17),
                          q.opt_i64(22), q.opt_i64(23)};
  o.tracking = q.opt_str(18);
  o.cancel_reason = q.opt_str(19);
  o.created_at = q.i64(20);
  o.updated_at = q.i64(21);
  o.shipped_at = q.opt_i64(24);
  o.delivered_at = q.opt_i64(25);
  o.station_village_id = q.opt_i64(26);
  o.pickup_code = q.opt_str(27);
  o.arrived_at = q.opt_i64(28);
  o.purchase_id = q.opt_i64(29);
  return o;
}

void load_details(connection& c, order& o) {
  {
    auto q = c.prepare(
        "SELECT listing_id, title, unit, category, unit_price_fen, quantity, line_total_fen, commission_fen "
        "FROM order_items WHERE order_id = ? ORDER BY line_no");
    q.bind(1, o.id);
    while (q.step())
      o.items.push_back(order_item{q.i64(0), q.str(1), q.str(2), q.str(3), q.i64(4), q.i64(5), q.i64(6), q.i64(7)});
  }
  auto q = c.prepare("SELECT partner_id, kind, amount_fen FROM order_partner_fees WHERE order_id = ? ORDER BY kind");
  q.bind(1, o.id);
  while (q.step())
    o.money.partner_fees.push_back(
        partner_fee{q.i64(0), parse_partner_fee_kind(q.text(1)).value_or(partner_fee_kind::assisted_buying), q.i64(2)});
}

// The rows a placement is checked against (core::check_placement).
placement read_placement(connection& c, const place_order_request& r) {
  placement p;
  p.placer = r.caller;
  p.shop_id = r.shop_id;
  p.shop_row = find_shop(c, r.shop_id);
  p.villager_id = r.villager_id;
  if (r.villager_id) p.villager_row = find_villager(c, *r.villager_id);
  for (const auto& item : r.items) {
    p.lines.push_back({item.listing_id, item.quantity});
    p.listings.push_back(find_listing(c, item.listing_id));
  }
  return p;
}
// Every village with a partner is a service station.
bool is_station(connection& c, std::int64_t village_id) {
  auto q = c.prepare("SELECT 1 FROM accounts WHERE role = 'partner' AND village_id = ? LIMIT 1");
  q.bind(1, village_id);
  return q.step();
}

// Inserts a new order with its lines and partner fees; sets its id.
void insert_order(connection& c, order& o) {
  const auto& m = o.money;
  c.run(
      "INSERT INTO orders (shop_id, village_id, county_id, poverty_relief, status, placed_by, buyer_account_id, "
      "villager_id, subtotal_fen, delivery_method, delivery_address, delivery_fee_fen, total_fen, "
      "platform_commission_fen, shop_proceeds_fen, created_at, updated_at, station_village_id, pickup_code, "
      "purchase_id) VALUES (?, ?, ?, ?, 'placed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      o.shop_id, o.village_id, o.county_id, o.poverty_relief, o.placed_by, o.buyer_account_id, o.villager_id,
      m.subtotal_fen, to_string(o.delivery), o.address, m.delivery_fee_fen, m.total_fen, m.platform_commission_fen,
      m.shop_proceeds_fen, o.created_at, o.updated_at, o.station_village_id, o.pickup_code, o.purchase_id);
  o.id = c.last_insert_rowid();
  for (std::size_t i = 0; i < o.items.size(); ++i) {
    const auto& it = o.items[i];
    c.run(
        "INSERT INTO order_items (order_id, line_no, listing_id, title, unit, category, unit_price_fen, quantity, "
        "line_total_fen, commission_fen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        o.id, static_cast<std::int64_t>(i), it.listing_id, it.title, it.unit, it.category, it.unit_price_fen,
        it.quantity, it.line_total_fen, it.commission_fen);
  }
  for (const auto& f : m.partner_fees)
    c.run("INSERT INTO order_partner_fees (order_id, kind, partner_id, amount_fen) VALUES (?, ?, ?, ?)", o.id,
          to_string(f.kind), f.partner_id, f.amount_fen);
}

// How the placer wants its order(s): delivery, the villager, the station. A station that is not
// a village with a partner is a field error, reported with the other bad fields.
struct checked_terms {
  order_terms terms;
  std::optional<field_error> no_station;
};
checked_terms terms_for(connection& c, const account& caller, delivery_method delivery,
                        const std::optional<std::string>& address, std::optional<std::int64_t> villager_id,
                        std::optional<std::int64_t> station_village_id) {
  checked_terms t{order_terms{delivery, address, villager_id, std::nullopt, std::nullopt}, std::nullopt};
  if (delivery == delivery_method::station_pickup) {
    t.terms.station = station_for(caller, station_village_id);
    if (!t.terms.station || !is_station(c, *t.terms.station))
      t.no_station = field_error{"delivery.station_village_id", "is not a village with a service station (a partner)"};
  }
  return t;
}

// Takes the stock of lines that passed the check, and stores their order (id set).
order store_order(connection& c, const account& caller, const shop& s, const std::vector<checked_line>& lines,
                  const order_terms& terms, const fee_schedule& schedule, std::optional<std::int64_t> purchase_id,
                  unix_seconds now) {
  for (const auto& line : lines) {
    c.run("UPDATE listings SET stock = stock - ?, version = version + 1, updated_at = ? WHERE id = ? AND stock >= ?",
          line.quantity, now, line.l.id, line.quantity);
    if (c.rows_changed() != 1) throw sqlite_error(0, "stock changed under the writer");  // cannot happen: one writer
  }
  auto o = make_order(caller, s, lines, terms, schedule, now);
  o.purchase_id = purchase_id;
  insert_order(c, o);
  return o;
}

}  // namespace

result<order> place_order(connection& c, const place_order_request& r) {
  if (!can_place_orders(r.caller)) return error{errc::forbidden, "Admins do not place orders."};
  if (!r.invalid.empty()) return validation(r.invalid);
  auto [terms, no_station] = terms_for(c, r.caller, r.delivery, r.address, r.villager_id, r.station_village_id);
  if (r.delivery == delivery_method::station_pickup) terms.pickup_code = r.pickup_code;
  const auto p = read_placement(c, r);
  auto checked = check_placement(p);
  if (no_station) {  // with the other bad fields, before any stock is looked at
    auto e = !checked && checked.err().code == errc::validation_failed ? std::move(checked).err() : validation({});
    e.errors.push_back(*no_station);
    return e;
  }
  if (!checked) return std::move(checked).err();
  return store_order(c, r.caller, *p.shop_row, checked.value(), terms, load_fee_schedule(c), std::nullopt, r.now);
}

result<purchase> place_purchase(connection& c, const place_purchase_request& r) {
  if (!can_place_orders(r.caller)) return error{errc::forbidden, "Admins do not place orders."};
  if (!r.invalid.empty()) return validation(r.invalid);
  auto [terms, no_station] = terms_for(c, r.caller, r.delivery, r.address, r.villager_id, r.station_village_id);
  purchase_placement p;
  p.placer = r.caller;
  for (const auto& line : r.lines) {
    p.lines.push_back({line.listing_id, line.quantity});
    p.listings.push_back(find_listing(c, line.listing_id));
  }
  for (const auto& g : group_by_shop(p.listings)) {
    auto s = find_shop(c, g.shop_id);
    if (s) p.shops.push_back(std::move(*s));
  }
  p.villager_id = r.villager_id;
  if (r.villager_id) p.villager_row = find_villager(c, *r.villager_id);
  p.station_error = no_station;
  auto checked = check_purchase(p);
  if (!checked) return std::move(checked).err();
  const auto& to_store = checked.value();

  purchase out;
  out.placed_by = r.caller.id;
  if (!r.villager_id) out.buyer_account_id = r.caller.id;
  out.villager_id = r.villager_id;
  out.created_at = r.now;
  c.run("INSERT INTO purchases (placed_by, buyer_account_id, villager_id, created_at) VALUES (?, ?, ?, ?)",
        out.placed_by, out.buyer_account_id, out.villager_id, out.created_at);
  out.id = c.last_insert_rowid();
  const auto schedule = load_fee_schedule(c);
  for (std::size_t k = 0; k < to_store.size(); ++k) {
    if (r.delivery == delivery_method::station_pickup)
      terms.pickup_code = k < r.pickup_codes.size() ? std::optional(r.pickup_codes[k]) : std::nullopt;
    const auto& [s, lines] = to_store[k];
    out.orders.push_back(store_order(c, r.caller, s, lines, terms, schedule, out.id, r.now));
  }
  return out;
}

std::optional<purchase> find_purchase(connection& c, std::int64_t id) {
  purchase p;
  {
    auto q = c.prepare("SELECT id, placed_by, buyer_account_id, villager_id, created_at FROM purchases WHERE id = ?");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    p.id = q.i64(0);
    p.placed_by = q.i64(1);
    p.buyer_account_id = q.opt_i64(2);
    p.villager_id = q.opt_i64(3);
    p.created_at = q.i64(4);
  }
  static const std::string sql = std::string("SELECT ") + order_cols + " FROM orders WHERE purchase_id = ? ORDER BY id";
  auto q = c.prepare(sql);
  q.bind(1, id);
  while (q.step()) p.orders.push_back(read_order_row(q));
  for (auto& o : p.orders) load_details(c, o);
  return p;
}

std::optional<order> find_order(connection& c, std::int64_t id) {
  static const std::string sql = std::string("SELECT ") + order_cols + " FROM orders WHERE id = ?";
  auto q = c.prepare(sql);  // made once: every move of an order reads it
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  auto o = read_order_row(q);
  load_details(c, o);
  return o;
}

order_parties parties_of(connection& c, const order& o) {
  order_parties p;
  p.placed_by = o.placed_by;
  if (o.delivery == delivery_method::station_pickup) p.station = o.station_village_id;
  if (const auto s = find_shop(c, o.shop_id)) {
    p.shop_owner = s->owner_account_id;
    p.shop_partner = s->partner_id;
  }
  return p;
}

order as_seen_by(connection& c, const account& caller, order o) {
  if (o.pickup_code && !can_see_pickup_code(caller, parties_of(c, o))) o.pickup_code.reset();
  return o;
}

result<order> transition_order(connection& c, const transition_request& r) {
  auto o = find_order(c, r.order_id);
  if (!o) return error{errc::not_found, "No such order."};
  if (auto denied = check_order_access(r.caller, parties_of(c, *o), r.action)) return *denied;
  if (!r.invalid.empty()) return validation(r.invalid);
  if (!next_status(o->status, r.action, o->delivery)) return not_allowed(*o, r.action);
  switch (r.action) {
    case order_action::ship: ship_order(c, *o, r.tracking, r.now); break;
    case order_action::arrive: arrive_order(c, *o, r.now); break;
    case order_action::deliver: deliver_order(c, *o, r.now); break;
    case order_action::cancel: cancel_order(c, *o, r.reason, r.now); break;
    default: return not_allowed(*o, r.action);  // the other moves have use cases of their own
  }
  return as_seen_by(c, r.caller, std::move(*o));
}

result<handover_outcome> hand_over_order(connection& c, const handover_request& r) {
  auto o = find_order(c, r.order_id);
  if (!o) return error{errc::not_found, "No such order."};
  if (auto denied = check_order_access(r.caller, parties_of(c, *o), order_action::hand_over)) return *denied;
  if (!r.invalid.empty()) return validation(r.invalid);
  if (!next_status(o->status, order_action::hand_over, o->delivery)) return not_allowed(*o, order_action::hand_over);
  const auto failures = handover_failures(c, o->id, r.now - handover_throttle.window_s, handover_throttle.max_failures);
  if (const auto wait = retry_after(failures, r.now, handover_throttle)) {
    error e{errc::rate_limited, "Too many wrong pickup codes for this parcel; try again later."};
    e.retry_after_s = *wait;
    return e;
  }
  if (!o->pickup_code || !same_code(*o->pickup_code, r.pickup_code)) {
    record_handover_failure(c, o->id, r.now);
    return handover_outcome{std::nullopt, validation({{"pickup_code", "is not this parcel's code"}})};
  }
  deliver_order(c, *o, r.now);
  return handover_outcome{as_seen_by(c, r.caller, std::move(*o)), std::nullopt};
}

std::vector<order> list_orders(connection& c, const order_list_filter& f) {
  std::string sql = std::string("SELECT ") + order_cols + " FROM orders WHERE ";
  switch (f.as) {
    case order_view::seller:
      sql += "shop_id IN (SELECT id FROM shops WHERE owner_account_id = ?1 OR partner_id = ?1)";
      break;
    case order_view::buyer: sql += "placed_by = ?1"; break;
    case order_view::admin: sql += "?1 = ?1"; break;
  }
  if (f.status) sql += " AND status = ?2";
  if (f.shop_id) sql += " AND shop_id = ?5";
  if (f.county_id) sql += " AND county_id = ?6";
  sql += " AND id < ?3 ORDER BY id DESC LIMIT ?4";
  auto q = c.prepare(sql);
  q.bind(1, f.caller.id);
  if (f.status) q.bind(2, to_string(*f.status));
  if (f.shop_id) q.bind(5, *f.shop_id);
  if (f.county_id) q.bind(6, *f.county_id);
  q.bind(3, f.page.after.empty() ? std::numeric_limits<std::int64_t>::max() : f.page.after.front());
  q.bind(4, f.page.limit + 1);
  std::vector<order> out;
  while (q.step()) out.push_back(read_order_row(q));
  for (auto& o : out) {
    load_details(c, o);
    o = as_seen_by(c, f.caller, std::move(o));
  }
  return out;
}

}  // namespace cunji::storage
