#include "storage/postgresql/sql/regions.hpp"

#include <algorithm>

#include "storage/postgresql/connection.hpp"

namespace cunji::storage::pg {

namespace {
constexpr const char* county_cols = "id, name, province, poverty_stricken, created_at";
constexpr const char* village_cols = "id, county_id, name, created_at, active_shops";

county read_county(const row_set& r, int i) {
  return county{r.i64(i, 0), std::string(r.text(i, 1)), std::string(r.text(i, 2)), r.i64(i, 3) != 0, r.i64(i, 4)};
}
village read_village(const row_set& r, int i) {
  village v{r.i64(i, 0), r.i64(i, 1), std::string(r.text(i, 2)), r.i64(i, 3)};
  v.active_shops = r.i64(i, 4);
  return v;
}

// Village columns and gmv_365d_fen: the village's cumulative sales (sales_cum, scope 1) up to
// $1 (the window's last day) minus those up to $2 (the day before its first).
constexpr const char* village_stats_cols =
    "v.id, v.county_id, v.name, v.created_at, v.active_shops, "
    "coalesce((SELECT gmv_fen FROM sales_cum WHERE scope_kind = 1 AND scope_id = v.id AND day <= $1 "
    "ORDER BY day DESC LIMIT 1), 0) - "
    "coalesce((SELECT gmv_fen FROM sales_cum WHERE scope_kind = 1 AND scope_id = v.id AND day <= $2 "
    "ORDER BY day DESC LIMIT 1), 0)";
village read_village_stats(const row_set& r, int i) {
  auto v = read_village(r, i);
  v.gmv_365d_fen = r.i64(i, 5);
  return v;
}
}  // namespace

task<county> insert_county(connection& c, std::string name, std::string province, bool poverty_stricken,
                           unix_seconds now) {
  const auto r = co_await c.query(std::string("INSERT INTO counties (name, province, poverty_stricken, created_at) "
                                              "VALUES ($1, $2, $3, $4) RETURNING ") +
                                      county_cols,
                                  params(name, province, poverty_stricken ? 1 : 0, now));
  co_return read_county(r, 0);
}

task<std::optional<county>> update_county(connection& c, std::int64_t id, county_patch p) {
  auto cur = co_await find_county(c, id);
  if (!cur) co_return std::nullopt;
  if (p.name) cur->name = *p.name;
  if (p.province) cur->province = *p.province;
  if (p.poverty_stricken) cur->poverty_stricken = *p.poverty_stricken;
  co_await c.query("UPDATE counties SET name = $1, province = $2, poverty_stricken = $3 WHERE id = $4",
                   params(cur->name, cur->province, cur->poverty_stricken ? 1 : 0, id));
  co_return cur;
}

task<std::optional<county>> find_county(connection& c, std::int64_t id) {
  const auto r = co_await c.query(std::string("SELECT ") + county_cols + " FROM counties WHERE id = $1", params(id));
  if (r.rows() == 0) co_return std::nullopt;
  co_return read_county(r, 0);
}

task<std::vector<county>> list_counties(connection& c, std::optional<bool> poverty_stricken, std::int64_t after_id,
                                        int limit) {
  std::string sql = std::string("SELECT ") + county_cols + " FROM counties WHERE id > $1";
  sql += poverty_stricken ? " AND poverty_stricken = $3" : " AND $3::int IS NULL";
  sql += " ORDER BY id LIMIT $2";
  std::optional<int> flag;
  if (poverty_stricken) flag = *poverty_stricken ? 1 : 0;
  const auto r = co_await c.query(sql, params(after_id, limit, flag));
  std::vector<county> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_county(r, i));
  co_return out;
}

task<result<village>> insert_village(connection& c, std::int64_t county_id, std::string name, unix_seconds now) {
  const auto county_row = co_await find_county(c, county_id);
  if (!county_row) co_return validation({{"county_id", "no such county"}});
  const auto r = co_await c.query(
      std::string("INSERT INTO villages (county_id, name, created_at) VALUES ($1, $2, $3) RETURNING ") + village_cols,
      params(county_id, name, now));
  co_return read_village(r, 0);
}

task<std::optional<village>> find_village(connection& c, std::int64_t id) {
  const auto r = co_await c.query(std::string("SELECT ") + village_cols + " FROM villages WHERE id = $1", params(id));
  if (r.rows() == 0) co_return std::nullopt;
  co_return read_village(r, 0);
}

task<std::optional<village>> find_village(connection& c, std::int64_t id, day_number today) {
  const auto w = gmv_window(today);
  const auto r = co_await c.query(std::string("SELECT ") + village_stats_cols + " FROM villages v WHERE v.id = $3",
                                  params(w.to - 1, w.from - 1, id));
  if (r.rows() == 0) co_return std::nullopt;
  co_return read_village_stats(r, 0);
}

task<std::vector<village>> list_villages(connection& c, village_filter f, taobao_village_thresholds t) {
  std::string sql = std::string("SELECT ") + village_stats_cols + " FROM villages v WHERE v.id > $3";
  sql += f.county_id ? " AND v.county_id = $4" : " AND $4::bigint IS NULL";
  // A village with fewer active shops than the threshold is not a Taobao village whatever its
  // GMV: skipped without reading its sales.
  sql += f.taobao_village == true ? " AND v.active_shops >= $5" : " AND $5::bigint IS NOT NULL";
  sql += " ORDER BY v.id LIMIT $6";
  const auto w = gmv_window(f.today);
  // With the Taobao filter, rows are read in batches and filtered until the page is full.
  const int limit = f.page.limit + 1;
  const int batch = f.taobao_village ? std::max(limit, 128) : limit;
  std::vector<village> out;
  std::int64_t after = f.page.after.empty() ? 0 : f.page.after.front();
  while (static_cast<int>(out.size()) < limit) {
    const auto r = co_await c.query(sql, params(w.to - 1, w.from - 1, after, f.county_id, t.min_shops, batch));
    for (int i = 0; i < r.rows() && static_cast<int>(out.size()) < limit; ++i) {
      auto v = read_village_stats(r, i);
      after = v.id;
      v.taobao_village = taobao_status(v, t);
      if (!f.taobao_village || v.taobao_village == *f.taobao_village) out.push_back(std::move(v));
    }
    if (r.rows() < batch) break;
  }
  co_return out;
}

}  // namespace cunji::storage::pg
