// Placing orders and purchases on PostgreSQL (storage/sql/orders.cpp on SQLite). The rows are
// read and checked as on SQLite (core::check_placement), then the stock is taken by conditional
// UPDATEs (storage/postgresql/stock.hpp) inside a savepoint. Under READ COMMITTED another order
// may take the stock between the check and the take: the take then finds too little, is rolled
// back to the savepoint, and the placement is read and checked again, so that a refusal names
// the stock as it is now.
#include <algorithm>

#include "core/ordering.hpp"
#include "core/purchase.hpp"
#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/sql/catalog.hpp"
#include "storage/postgresql/sql/fee_schedule.hpp"
#include "storage/postgresql/sql/orders.hpp"
#include "storage/postgresql/stock.hpp"

namespace cunji::storage::pg {

namespace {

// Times a placement is checked again after losing its stock to another order before it gives up.
constexpr int placement_attempts = 3;

// Every village with a partner is a service station.
statement station_check(std::int64_t village_id) {
  return {"SELECT 1 FROM accounts WHERE role = 'partner' AND village_id = $1 LIMIT 1", params(village_id)};
}

task<bool> is_station(connection& c, std::int64_t village_id) {
  auto st = station_check(village_id);
  co_return (co_await c.query(std::move(st.sql), std::move(st.values))).rows() > 0;
}

// How the placer wants its order(s): delivery, the villager, the station. A station that is not
// a village with a partner is a field error, reported with the other bad fields.
struct checked_terms {
  order_terms terms;
  std::optional<field_error> no_station;
};
task<checked_terms> terms_for(connection& c, account caller, delivery_method delivery,
                              std::optional<std::string> address, std::optional<std::int64_t> villager_id,
                              std::optional<std::int64_t> station_village_id) {
  checked_terms t{order_terms{delivery, address, villager_id, std::nullopt, std::nullopt}, std::nullopt};
  if (delivery == delivery_method::station_pickup) {
    t.terms.station = station_for(caller, station_village_id);
    bool station = false;
    if (t.terms.station) station = co_await is_station(c, *t.terms.station);
    if (!station)
      t.no_station = field_error{"delivery.station_village_id", "is not a village with a service station (a partner)"};
  }
  co_return t;
}

// What an order is checked and priced against, read in one round trip: the station's check
// (for station pickup), the shop, the villager, each listing, the fee schedule.
struct order_reads {
  checked_terms terms;
  placement p;
  fee_schedule schedule;
};
task<order_reads> read_for_order(connection& c, const place_order_request& r) {
  order_reads out;
  out.terms = {order_terms{r.delivery, r.address, r.villager_id, std::nullopt, std::nullopt}, std::nullopt};
  auto& t = out.terms;
  std::vector<statement> reads;
  if (r.delivery == delivery_method::station_pickup) {
    t.terms.station = station_for(r.caller, r.station_village_id);
    t.terms.pickup_code = r.pickup_code;
    if (t.terms.station) reads.push_back(station_check(*t.terms.station));
  }
  const bool station_read = !reads.empty();
  reads.push_back(shop_by_id(r.shop_id));
  if (r.villager_id) reads.push_back(villager_by_id(*r.villager_id));
  for (const auto& item : r.items) reads.push_back(listing_by_id(item.listing_id));
  for (auto& st : fee_schedule_statements()) reads.push_back(std::move(st));
  const auto rows = co_await c.pipeline(std::move(reads));

  std::size_t k = 0;
  if (r.delivery == delivery_method::station_pickup && !(station_read && rows[k++].rows() > 0))
    t.no_station = field_error{"delivery.station_village_id", "is not a village with a service station (a partner)"};
  auto& p = out.p;
  p.placer = r.caller;
  p.shop_id = r.shop_id;
  p.shop_row = shop_in(rows[k++]);
  p.villager_id = r.villager_id;
  if (r.villager_id) p.villager_row = villager_in(rows[k++]);
  for (const auto& item : r.items) {
    p.lines.push_back({item.listing_id, item.quantity});
    p.listings.push_back(listing_in(rows[k++]));
  }
  out.schedule = fee_schedule_in(rows[k], rows[k + 1]);
  co_return out;
}

// Inserts a new order with its lines and partner fees, after `before` (the release of the
// stock's savepoint), in one round trip; sets its id. The lines and fees take the order's id
// from the sequence the INSERT just used.
task<void> insert_order(connection& c, order& o, std::vector<statement> before = {}) {
  const auto& m = o.money;
  std::vector<statement> rows = std::move(before);
  const auto at = rows.size();
  rows.push_back(
      {"INSERT INTO orders (shop_id, village_id, county_id, poverty_relief, status, placed_by, buyer_account_id, "
       "villager_id, subtotal_fen, delivery_method, delivery_address, delivery_fee_fen, total_fen, "
       "platform_commission_fen, shop_proceeds_fen, created_at, updated_at, station_village_id, pickup_code, "
       "purchase_id) VALUES ($1, $2, $3, $4, 'placed', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
       "$18, $19) RETURNING id",
       params(o.shop_id, o.village_id, o.county_id, o.poverty_relief ? 1 : 0, o.placed_by, o.buyer_account_id,
              o.villager_id, m.subtotal_fen, std::string(to_string(o.delivery)), o.address, m.delivery_fee_fen,
              m.total_fen, m.platform_commission_fen, m.shop_proceeds_fen, o.created_at, o.updated_at,
              o.station_village_id, o.pickup_code, o.purchase_id)});
  for (std::size_t i = 0; i < o.items.size(); ++i) {
    const auto& it = o.items[i];
    rows.push_back(
        {"INSERT INTO order_items (order_id, line_no, listing_id, title, unit, category, unit_price_fen, "
         "quantity, line_total_fen, commission_fen) VALUES (currval(pg_get_serial_sequence('orders', 'id')), $1, "
         "$2, $3, $4, $5, $6, $7, $8, $9)",
         params(static_cast<std::int64_t>(i), it.listing_id, it.title, it.unit, it.category, it.unit_price_fen,
                it.quantity, it.line_total_fen, it.commission_fen)});
  }
  for (const auto& f : m.partner_fees)
    rows.push_back(
        {"INSERT INTO order_partner_fees (order_id, kind, partner_id, amount_fen) "
         "VALUES (currval(pg_get_serial_sequence('orders', 'id')), $1, $2, $3)",
         params(std::string(to_string(f.kind)), f.partner_id, f.amount_fen)});
  const auto done = co_await c.pipeline(std::move(rows));
  o.id = done[at].i64(0, 0);
}

// Takes the stock of every line inside savepoint "stock" (one round trip), or (another order
// took some since it was read) none of it: then it is rolled back to the savepoint and false is
// returned. When it is taken, the savepoint is left for the next statements to release
// (release_stock), in their round trip.
task<bool> took_stock(connection& c, std::vector<stock_line> lines, unix_seconds now) {
  std::vector<statement> before;
  before.push_back({"SAVEPOINT stock", {}});
  const auto short_of = co_await take_stock(c, std::move(lines), now, std::move(before));
  if (!short_of.empty()) co_await c.query("ROLLBACK TO SAVEPOINT stock");
  co_return short_of.empty();
}

std::vector<statement> release_stock() {
  std::vector<statement> out;
  out.push_back({"RELEASE SAVEPOINT stock", {}});
  return out;
}

void add_lines(std::vector<stock_line>& to, const std::vector<checked_line>& lines) {
  for (const auto& l : lines) to.push_back({l.l.id, l.quantity});
}

error stock_moved() {
  return error{errc::conflict, "The stock of these listings kept changing while ordering; try again."};
}

// One attempt at place_order: its outcome, or nullopt if the stock went between check and take.
task<std::optional<result<order>>> try_place_order(connection& c, const place_order_request& r) {
  auto reads = co_await read_for_order(c, r);
  const auto& t = reads.terms;
  const auto& p = reads.p;
  auto checked = check_placement(p);
  if (t.no_station) {  // with the other bad fields, before any stock is looked at
    auto e = !checked && checked.err().code == errc::validation_failed ? std::move(checked).err() : validation({});
    e.errors.push_back(*t.no_station);
    co_return e;
  }
  if (!checked) co_return std::move(checked).err();
  std::vector<stock_line> take;
  add_lines(take, checked.value());
  const bool taken = co_await took_stock(c, std::move(take), r.now);
  if (!taken) co_return std::nullopt;
  auto o = make_order(r.caller, *p.shop_row, checked.value(), t.terms, reads.schedule, r.now);
  co_await insert_order(c, o, release_stock());
  co_return o;
}

// Takes the stock of every shop's lines at once (in listing-id order across the shops), then
// stores the purchase and one order per shop, each with its own pickup code; nullopt if the
// stock went.
task<std::optional<result<purchase>>> store_purchase(connection& c, const place_purchase_request& r, order_terms terms,
                                                     const checked_shops& to_store) {
  std::vector<stock_line> take;
  for (const auto& g : to_store) add_lines(take, g.second);
  const bool taken = co_await took_stock(c, std::move(take), r.now);
  if (!taken) co_return std::nullopt;
  co_await c.query("RELEASE SAVEPOINT stock");
  purchase out;
  out.placed_by = r.caller.id;
  if (!r.villager_id) out.buyer_account_id = r.caller.id;
  out.villager_id = r.villager_id;
  out.created_at = r.now;
  const auto id = co_await c.query(
      "INSERT INTO purchases (placed_by, buyer_account_id, villager_id, created_at) VALUES ($1, $2, $3, $4) "
      "RETURNING id",
      params(out.placed_by, out.buyer_account_id, out.villager_id, out.created_at));
  out.id = id.i64(0, 0);
  const auto schedule = co_await load_fee_schedule(c);
  for (std::size_t k = 0; k < to_store.size(); ++k) {
    if (r.delivery == delivery_method::station_pickup)
      terms.pickup_code = k < r.pickup_codes.size() ? std::optional(r.pickup_codes[k]) : std::nullopt;
    auto o = make_order(r.caller, to_store[k].first, to_store[k].second, terms, schedule, r.now);
    o.purchase_id = out.id;
    co_await insert_order(c, o);
    out.orders.push_back(std::move(o));
  }
  co_return result<purchase>(std::move(out));
}

// One attempt at place_purchase, as try_place_order.
task<std::optional<result<purchase>>> try_place_purchase(connection& c, const place_purchase_request& r) {
  auto t = co_await terms_for(c, r.caller, r.delivery, r.address, r.villager_id, r.station_village_id);
  purchase_placement p;
  p.placer = r.caller;
  for (const auto& line : r.lines) {
    p.lines.push_back({line.listing_id, line.quantity});
    p.listings.push_back(co_await find_listing(c, line.listing_id));
  }
  for (const auto& g : group_by_shop(p.listings)) {
    auto s = co_await find_shop(c, g.shop_id);
    if (s) p.shops.push_back(std::move(*s));
  }
  p.villager_id = r.villager_id;
  if (r.villager_id) p.villager_row = co_await find_villager(c, *r.villager_id);
  p.station_error = t.no_station;
  auto checked = check_purchase(p);
  if (!checked) co_return std::move(checked).err();
  co_return co_await store_purchase(c, r, t.terms, checked.value());
}

}  // namespace

task<result<order>> place_order(connection& c, place_order_request r) {
  if (!can_place_orders(r.caller)) co_return error{errc::forbidden, "Admins do not place orders."};
  if (!r.invalid.empty()) co_return validation(r.invalid);
  for (int attempt = 0; attempt < placement_attempts; ++attempt) {
    auto out = co_await try_place_order(c, r);
    if (out) co_return std::move(*out);
  }
  co_return stock_moved();
}

task<result<purchase>> place_purchase(connection& c, place_purchase_request r) {
  if (!can_place_orders(r.caller)) co_return error{errc::forbidden, "Admins do not place orders."};
  if (!r.invalid.empty()) co_return validation(r.invalid);
  for (int attempt = 0; attempt < placement_attempts; ++attempt) {
    auto out = co_await try_place_purchase(c, r);
    if (out) co_return std::move(*out);
  }
  co_return stock_moved();
}

}  // namespace cunji::storage::pg
