#include "storage/sql/fee_schedule.hpp"

#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

fee_schedule load_fee_schedule(connection& c) {
  fee_schedule s;
  {
    auto q = c.prepare(
        "SELECT platform_commission_bps, poverty_county_commission_bps, assisted_buying_fee_bps, "
        "assisted_selling_fee_bps, address_delivery_fee_fen, taobao_village_min_shops, taobao_village_min_gmv_fen, "
        "unpaid_timeout_minutes, auto_deliver_days, station_hold_days FROM fee_schedule WHERE id = 1");
    if (q.step()) {
      s.platform_commission_bps = q.i64(0);
      s.poverty_county_commission_bps = q.i64(1);
      s.assisted_buying_fee_bps = q.i64(2);
      s.assisted_selling_fee_bps = q.i64(3);
      s.address_delivery_fee_fen = q.i64(4);
      s.taobao_village_min_shops = q.i64(5);
      s.taobao_village_min_gmv_fen = q.i64(6);
      s.unpaid_timeout_minutes = q.i64(7);
      s.auto_deliver_days = q.i64(8);
      s.station_hold_days = q.i64(9);
    }
  }
  auto q = c.prepare("SELECT category, bps FROM category_commission ORDER BY category");
  while (q.step()) s.category_commission_bps[q.str(0)] = q.i64(1);
  return s;
}

void save_fee_schedule(connection& c, const fee_schedule& s, unix_seconds now) {
  c.run(
      "UPDATE fee_schedule SET platform_commission_bps = ?, poverty_county_commission_bps = ?, "
      "assisted_buying_fee_bps = ?, assisted_selling_fee_bps = ?, address_delivery_fee_fen = ?, "
      "taobao_village_min_shops = ?, taobao_village_min_gmv_fen = ?, unpaid_timeout_minutes = ?, "
      "auto_deliver_days = ?, station_hold_days = ?, updated_at = ? WHERE id = 1",
      s.platform_commission_bps, s.poverty_county_commission_bps, s.assisted_buying_fee_bps, s.assisted_selling_fee_bps,
      s.address_delivery_fee_fen, s.taobao_village_min_shops, s.taobao_village_min_gmv_fen, s.unpaid_timeout_minutes,
      s.auto_deliver_days, s.station_hold_days, now);
  c.run("DELETE FROM category_commission");
  for (const auto& [category, bps] : s.category_commission_bps)
    c.run("INSERT INTO category_commission (category, bps) VALUES (?, ?)", category, bps);
}

}  // namespace cunji::storage
