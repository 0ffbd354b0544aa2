#include "storage/sql/orders.hpp"

#include <algorithm>
#include <limits>
#include <set>

#include "storage/sql/catalog.hpp"
#include "storage/sql/fee_schedule.hpp"
#include "storage/sql/ledger.hpp"
#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

namespace {

constexpr const char* order_cols =
    "id, shop_id, village_id, county_id, poverty_relief, status, placed_by, buyer_account_id, villager_id, "
    "subtotal_fen, delivery_method, delivery_address, delivery_fee_fen, total_fen, platform_commission_fen, "
    "shop_proceeds_fen, payment_method, payment_reference, tracking, cancel_reason, created_at, updated_at";

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
  if (!q.is_null(16)) o.paid_with = payment{q.str(16), q.opt_str(17)};
  o.tracking = q.opt_str(18);
  o.cancel_reason = q.opt_str(19);
  o.created_at = q.i64(20);
  o.updated_at = q.i64(21);
  return o;
}

void load_details(connection& c, order& o) {
  {
    auto q = c.prepare(
        "SELECT listing_id, title, unit, category, unit_price_fen, quantity, line_total_fen, commission_fen "
        "FROM order_items WHERE order_id = ? ORDER BY line_no");
    q.bind(1, o.id);
    while (q.step())
      o.items.push_back(
          order_item{q.i64(0), q.str(1), q.str(2), q.str(3), q.i64(4), q.i64(5), q.i64(6), q.i64(7)});
  }
  auto q = c.prepare("SELECT partner_id, kind, amount_fen FROM order_partner_fees WHERE order_id = ? ORDER BY kind");
  q.bind(1, o.id);
  while (q.step())
    o.money.partner_fees.push_back(partner_fee{
        q.i64(0), q.text(1) == "assisted_selling" ? partner_fee_kind::assisted_selling : partner_fee_kind::assisted_buying,
        q.i64(2)});
}

struct checked_line {
  listing l;
  std::int64_t quantity;
};

}  // namespace

result<order> place_order(connection& c, const place_order_request& r, unix_seconds now) {
  std::vector<field_error> errors;
  const auto s = find_shop(c, r.shop_id);
  if (!s || s->status != shop_status::active) {
    errors.push_back({"shop_id", "is not an open shop"});
  } else if (s->owner_account_id == r.placer.id) {
    errors.push_back({"shop_id", "is your own shop"});
  }
  if (r.villager_id) {
    const auto v = find_villager(c, *r.villager_id);
    if (!v || v->village_id != r.placer.village_id)
      errors.push_back({"villager_id", "is not a villager of your village"});
  }
  std::vector<checked_line> lines;
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < r.items.size(); ++i) {
    const auto& item = r.items[i];
    const auto field = "items[" + std::to_string(i) + "].listing_id";
    if (!seen.insert(item.listing_id).second) {
      errors.push_back({field, "appears twice in the order"});
      continue;
    }
    auto l = find_listing(c, item.listing_id);
    if (!l || l->status != listing_status::active || l->shop_id != r.shop_id) {
      errors.push_back({field, "is not an active listing of this shop"});
      continue;
    }
    lines.push_back({std::move(*l), item.quantity});
  }
  if (!errors.empty()) return validation(std::move(errors));

  // All or nothing: check every line before taking anything.
  error short_of{errc::insufficient_stock, "Not enough stock for some listings; nothing was ordered."};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].l.stock < lines[i].quantity) {
      short_of.listing_ids.push_back(lines[i].l.id);
      short_of.errors.push_back({"items[" + std::to_string(i) + "].quantity",
                                 "only " + std::to_string(lines[i].l.stock) + " left"});
    }
  }
  if (!short_of.listing_ids.empty()) return short_of;
  for (const auto& line : lines) {
    c.run("UPDATE listings SET stock = stock - ?, version = version + 1, updated_at = ? WHERE id = ? AND stock >= ?",
          line.quantity, now, line.l.id, line.quantity);
    if (c.changes() != 1) throw sqlite_error(0, "stock changed under the writer");  // cannot happen: one writer
  }

  const auto schedule = load_fee_schedule(c);
  std::vector<priced_line> priced;
  for (const auto& line : lines) priced.push_back({line.l.price_fen, line.quantity, line.l.category, 0, 0});
  pricing_input in;
  in.poverty_county = lines.front().l.poverty_relief;
  in.delivery = r.delivery;
  if (r.villager_id) in.assisting_buyer_partner = r.placer.id;
  in.shop_partner = s->partner_id;
  const auto money = price_order(priced, in, schedule);

  order o;
  o.shop_id = s->id;
  o.village_id = s->village_id;
  o.county_id = s->county_id;
  o.poverty_relief = in.poverty_county;
  o.status = order_status::placed;
  o.placed_by = r.placer.id;
  if (!r.villager_id) o.buyer_account_id = r.placer.id;
  o.villager_id = r.villager_id;
  o.delivery = r.delivery;
  if (r.delivery == delivery_method::address) o.address = r.address;
  o.money = money;
  o.created_at = o.updated_at = now;
  c.run(
      "INSERT INTO orders (shop_id, village_id, county_id, poverty_relief, status, placed_by, buyer_account_id, "
      "villager_id, subtotal_fen, delivery_method, delivery_address, delivery_fee_fen, total_fen, "
      "platform_commission_fen, shop_proceeds_fen, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, 'placed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      o.shop_id, o.village_id, o.county_id, o.poverty_relief, o.placed_by, o.buyer_account_id, o.villager_id,
      money.subtotal_fen, to_string(o.delivery), o.address, money.delivery_fee_fen, money.total_fen,
      money.platform_commission_fen, money.shop_proceeds_fen, now, now);
  o.id = c.last_insert_rowid();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& l = lines[i].l;
    const auto& p = priced[i];
    c.run(
        "INSERT INTO order_items (order_id, line_no, listing_id, title, unit, category, unit_price_fen, quantity, "
        "line_total_fen, commission_fen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        o.id, static_cast<std::int64_t>(i), l.id, l.title, l.unit, l.category, p.unit_price_fen, p.quantity,
        p.line_total_fen, p.commission_fen);
    o.items.push_back({l.id, l.title, l.unit, l.category, p.unit_price_fen, p.quantity, p.line_total_fen,
                       p.commission_fen});
  }
  for (const auto& f : money.partner_fees)
    c.run("INSERT INTO order_partner_fees (order_id, kind, partner_id, amount_fen) VALUES (?, ?, ?, ?)", o.id,
          to_string(f.kind), f.partner_id, f.amount_fen);
  std::sort(o.money.partner_fees.begin(), o.money.partner_fees.end(),
            [](const auto& a, const auto& b) { return to_string(a.kind) < to_string(b.kind); });
  return o;
}

std::optional<order> find_order(connection& c, std::int64_t id) {
  auto q = c.prepare(std::string("SELECT ") + order_cols + " FROM orders WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  auto o = read_order_row(q);
  load_details(c, o);
  return o;
}

order_parties parties_of(connection& c, const order& o) {
  order_parties p;
  p.placed_by = o.placed_by;
  if (const auto s = find_shop(c, o.shop_id)) {
    p.shop_owner = s->owner_account_id;
    p.shop_partner = s->partner_id;
  }
  return p;
}

result<order> transition_order(connection& c, const transition_request& r, unix_seconds now) {
  auto o = find_order(c, r.order_id);
  if (!o) return error{errc::not_found, "No such order."};
  const auto parties = parties_of(c, *o);
  if (!can_see(r.actor, parties)) return error{errc::not_found, "No such order."};
  if (!can_act(r.actor, parties, r.action))
    return error{errc::forbidden, "You may not " + std::string(to_string(r.action)) + " this order."};
  const auto next = next_status(o->status, r.action);
  if (!next)
    return error{errc::invalid_transition, "An order that is " + std::string(to_string(o->status)) + " cannot be " +
                                               (r.action == order_action::ship      ? "shipped"
                                                : r.action == order_action::deliver ? "delivered"
                                                : r.action == order_action::cancel  ? "cancelled"
                                                                                    : "paid") +
                                               "."};
  const auto before = o->status;
  o->status = *next;
  o->updated_at = now;
  switch (r.action) {
    case order_action::pay:
      o->paid_with = r.paid_with;
      c.run("UPDATE orders SET status = 'paid', payment_method = ?, payment_reference = ?, updated_at = ? WHERE id = ?",
            r.paid_with->method, r.paid_with->reference, now, o->id);
      post_payment(c, *o, now);
      break;
    case order_action::ship:
      o->tracking = r.tracking;
      c.run("UPDATE orders SET status = 'shipped', tracking = ?, updated_at = ? WHERE id = ?", r.tracking, now, o->id);
      break;
    case order_action::deliver:
      c.run("UPDATE orders SET status = 'delivered', updated_at = ? WHERE id = ?", now, o->id);
      post_delivery(c, *o, now);
      break;
    case order_action::cancel:
      o->cancel_reason = r.reason;
      c.run("UPDATE orders SET status = 'cancelled', cancel_reason = ?, updated_at = ? WHERE id = ?", r.reason, now,
            o->id);
      // Stock comes back up to the listing maximum: if the owner has meanwhile set the stock to
      // stock_max, units beyond it are not restored (the CHECK on stock would otherwise fail the
      // cancellation, and with it the refund, every time).
      for (const auto& item : o->items)
        c.run("UPDATE listings SET stock = MIN(stock + ?, ?), version = version + 1, updated_at = ? WHERE id = ?",
              item.quantity, stock_max, now, item.listing_id);
      if (before == order_status::paid) post_refund(c, *o, now);
      break;
  }
  return *o;
}

std::vector<order> list_orders(connection& c, const order_list_filter& f) {
  std::string sql = std::string("SELECT ") + order_cols + " FROM orders WHERE ";
  if (f.as_seller)
    sql += "shop_id IN (SELECT id FROM shops WHERE owner_account_id = ?1 OR partner_id = ?1)";
  else
    sql += "placed_by = ?1";
  if (f.status) sql += " AND status = ?2";
  sql += " AND id < ?3 ORDER BY id DESC LIMIT ?4";
  auto q = c.prepare(sql);
  q.bind(1, f.caller.id);
  if (f.status) q.bind(2, to_string(*f.status));
  q.bind(3, f.before_id > 0 ? f.before_id : std::numeric_limits<std::int64_t>::max());
  q.bind(4, f.limit);
  std::vector<order> out;
  while (q.step()) out.push_back(read_order_row(q));
  for (auto& o : out) load_details(c, o);
  return out;
}

}  // namespace cunji::storage
