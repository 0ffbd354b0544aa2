#include "storage/postgresql/sql/order_rows.hpp"

#include "storage/postgresql/connection.hpp"

namespace cunji::storage::pg {

const char* const order_cols =
    "id, shop_id, village_id, county_id, poverty_relief, status, placed_by, buyer_account_id, villager_id, "
    "subtotal_fen, delivery_method, delivery_address, delivery_fee_fen, total_fen, platform_commission_fen, "
    "shop_proceeds_fen, payment_method, payment_reference, tracking, cancel_reason, created_at, updated_at, "
    "payment_id, payment_collected_by, shipped_at, delivered_at, station_village_id, pickup_code, arrived_at, "
    "purchase_id";

order read_order_row(const row_set& r, int i) {
  order o;
  o.id = r.i64(i, 0);
  o.shop_id = r.i64(i, 1);
  o.village_id = r.i64(i, 2);
  o.county_id = r.i64(i, 3);
  o.poverty_relief = r.i64(i, 4) != 0;
  o.status = parse_order_status(r.text(i, 5)).value_or(order_status::placed);
  o.placed_by = r.i64(i, 6);
  o.buyer_account_id = r.opt_i64(i, 7);
  o.villager_id = r.opt_i64(i, 8);
  o.money.subtotal_fen = r.i64(i, 9);
  o.delivery = parse_delivery_method(r.text(i, 10)).value_or(delivery_method::station_pickup);
  o.address = r.opt_str(i, 11);
  o.money.delivery_fee_fen = r.i64(i, 12);
  o.money.total_fen = r.i64(i, 13);
  o.money.platform_commission_fen = r.i64(i, 14);
  o.money.shop_proceeds_fen = r.i64(i, 15);
  if (!r.is_null(i, 16))
    o.paid_with = payment{parse_payment_method(r.text(i, 16)).value_or(payment_method::mobile), r.opt_str(i, 17),
                          r.opt_i64(i, 22), r.opt_i64(i, 23)};
  o.tracking = r.opt_str(i, 18);
  o.cancel_reason = r.opt_str(i, 19);
  o.created_at = r.i64(i, 20);
  o.updated_at = r.i64(i, 21);
  o.shipped_at = r.opt_i64(i, 24);
  o.delivered_at = r.opt_i64(i, 25);
  o.station_village_id = r.opt_i64(i, 26);
  o.pickup_code = r.opt_str(i, 27);
  o.arrived_at = r.opt_i64(i, 28);
  o.purchase_id = r.opt_i64(i, 29);
  return o;
}

task<void> load_details(connection& c, order& o) {
  const auto items = co_await c.query(
      "SELECT listing_id, title, unit, category, unit_price_fen, quantity, line_total_fen, commission_fen "
      "FROM order_items WHERE order_id = $1 ORDER BY line_no",
      params(o.id));
  for (int i = 0; i < items.rows(); ++i)
    o.items.push_back(order_item{items.i64(i, 0), items.str(i, 1), items.str(i, 2), items.str(i, 3), items.i64(i, 4),
                                 items.i64(i, 5), items.i64(i, 6), items.i64(i, 7)});
  const auto fees = co_await c.query(
      "SELECT partner_id, kind, amount_fen FROM order_partner_fees WHERE order_id = $1 ORDER BY kind", params(o.id));
  for (int i = 0; i < fees.rows(); ++i)
    o.money.partner_fees.push_back(
        partner_fee{fees.i64(i, 0), parse_partner_fee_kind(fees.text(i, 1)).value_or(partner_fee_kind::assisted_buying),
                    fees.i64(i, 2)});
}

}  // namespace cunji::storage::pg
