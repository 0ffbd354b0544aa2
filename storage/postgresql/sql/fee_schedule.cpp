#include "storage/postgresql/sql/fee_schedule.hpp"

#include "storage/postgresql/connection.hpp"

namespace cunji::storage::pg {

std::vector<statement> fee_schedule_statements() {
  std::vector<statement> out;
  out.push_back(
      {"SELECT platform_commission_bps, poverty_county_commission_bps, assisted_buying_fee_bps, "
       "assisted_selling_fee_bps, address_delivery_fee_fen, taobao_village_min_shops, "
       "taobao_village_min_gmv_fen, unpaid_timeout_minutes, auto_deliver_days, station_hold_days "
       "FROM fee_schedule WHERE id = 1",
       {}});
  out.push_back({"SELECT category, bps FROM category_commission ORDER BY category", {}});
  return out;
}

fee_schedule fee_schedule_in(const row_set& r, const row_set& rates) {
  fee_schedule s;
  if (r.rows() == 1) {
    s.platform_commission_bps = r.i64(0, 0);
    s.poverty_county_commission_bps = r.i64(0, 1);
    s.assisted_buying_fee_bps = r.i64(0, 2);
    s.assisted_selling_fee_bps = r.i64(0, 3);
    s.address_delivery_fee_fen = r.i64(0, 4);
    s.taobao_village_min_shops = r.i64(0, 5);
    s.taobao_village_min_gmv_fen = r.i64(0, 6);
    s.unpaid_timeout_minutes = r.i64(0, 7);
    s.auto_deliver_days = r.i64(0, 8);
    s.station_hold_days = r.i64(0, 9);
  }
  for (int i = 0; i < rates.rows(); ++i) s.category_commission_bps[std::string(rates.text(i, 0))] = rates.i64(i, 1);
  return s;
}

task<fee_schedule> load_fee_schedule(connection& c) {
  const auto rows = co_await c.pipeline(fee_schedule_statements());
  co_return fee_schedule_in(rows[0], rows[1]);
}

task<void> save_fee_schedule(connection& c, const fee_schedule& s, unix_seconds now) {
  co_await c.query(
      "UPDATE fee_schedule SET platform_commission_bps = $1, poverty_county_commission_bps = $2, "
      "assisted_buying_fee_bps = $3, assisted_selling_fee_bps = $4, address_delivery_fee_fen = $5, "
      "taobao_village_min_shops = $6, taobao_village_min_gmv_fen = $7, unpaid_timeout_minutes = $8, "
      "auto_deliver_days = $9, station_hold_days = $10, updated_at = $11 WHERE id = 1",
      params(s.platform_commission_bps, s.poverty_county_commission_bps, s.assisted_buying_fee_bps,
             s.assisted_selling_fee_bps, s.address_delivery_fee_fen, s.taobao_village_min_shops,
             s.taobao_village_min_gmv_fen, s.unpaid_timeout_minutes, s.auto_deliver_days, s.station_hold_days, now));
  co_await c.query("DELETE FROM category_commission");
  for (const auto& rate : s.category_commission_bps)  // (no structured binding across co_await: GCC 12)
    co_await c.query("INSERT INTO category_commission (category, bps) VALUES ($1, $2)",
                     params(rate.first, rate.second));
}

}  // namespace cunji::storage::pg
