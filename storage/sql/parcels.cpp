// A station's parcels: station-pickup orders shipped to the partner's village or on its shelf,
// oldest first (the index orders_station_parcels holds exactly these rows).
#include "storage/sql/orders.hpp"
#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

std::vector<parcel> list_parcels(connection& c, std::int64_t station_village_id, const parcel_filter& f) {
  std::string sql =
      "SELECT o.id, o.status, a.name, v.name, (SELECT count(*) FROM order_items i WHERE i.order_id = o.id), "
      "o.total_fen, o.shipped_at, o.arrived_at FROM orders o JOIN accounts a ON a.id = o.placed_by "
      "LEFT JOIN villagers v ON v.id = o.villager_id WHERE o.station_village_id = ?1 AND o.id > ?2 "
      "AND o.status IN ('shipped', 'at_station')";  // as the partial index says, so that it is used
  if (f.status) sql += " AND o.status = ?3";
  sql += " ORDER BY o.id LIMIT ?4";
  auto q = c.prepare(sql);
  q.bind(1, station_village_id).bind(2, f.page.after.empty() ? std::int64_t{0} : f.page.after.front());
  if (f.status) q.bind(3, to_string(*f.status));
  q.bind(4, f.page.limit + 1);
  std::vector<parcel> out;
  while (q.step())
    out.push_back({q.i64(0), parse_order_status(q.text(1)).value_or(order_status::shipped), q.str(2), q.opt_str(3),
                   q.i64(4), q.i64(5), q.opt_i64(6), q.opt_i64(7)});
  return out;
}

}  // namespace cunji::storage
