#include "storage/sql/regions.hpp"

#include <algorithm>

#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

namespace {
constexpr const char* county_cols = "id, name, province, poverty_stricken, created_at";
constexpr const char* village_cols = "id, county_id, name, created_at, active_shops";

county read_county(const query& q) { return county{q.i64(0), q.str(1), q.str(2), q.i64(3) != 0, q.i64(4)}; }
village read_village(const query& q) {
  village v{q.i64(0), q.i64(1), q.str(2), q.i64(3)};
  v.active_shops = q.i64(4);
  return v;
}

// Village columns and gmv_365d_fen: the village's cumulative sales (sales_cum, scope 1) up to
// ?1 (the window's last day) minus those up to ?2 (the day before its first).
constexpr const char* village_stats_cols =
    "v.id, v.county_id, v.name, v.created_at, v.active_shops, "
    "coalesce((SELECT gmv_fen FROM sales_cum WHERE scope_kind = 1 AND scope_id = v.id AND day <= ?1 "
    "ORDER BY day DESC LIMIT 1), 0) - "
    "coalesce((SELECT gmv_fen FROM sales_cum WHERE scope_kind = 1 AND scope_id = v.id AND day <= ?2 "
    "ORDER BY day DESC LIMIT 1), 0)";
village read_village_stats(const query& q) {
  auto v = read_village(q);
  v.gmv_365d_fen = q.i64(5);
  return v;
}
}  // namespace

county insert_county(connection& c, const std::string& name, const std::string& province, bool poverty_stricken,
                     unix_seconds now) {
  auto q = c.prepare(std::string("INSERT INTO counties (name, province, poverty_stricken, created_at) "
                                 "VALUES (?, ?, ?, ?) RETURNING ") +
                     county_cols);
  q.bind_all(name, province, poverty_stricken, now);
  q.step();
  return read_county(q);
}

std::optional<county> update_county(connection& c, std::int64_t id, const county_patch& p) {
  auto cur = find_county(c, id);
  if (!cur) return std::nullopt;
  if (p.name) cur->name = *p.name;
  if (p.province) cur->province = *p.province;
  if (p.poverty_stricken) cur->poverty_stricken = *p.poverty_stricken;
  c.run("UPDATE counties SET name = ?, province = ?, poverty_stricken = ? WHERE id = ?", cur->name, cur->province,
        cur->poverty_stricken, id);
  return cur;
}

std::optional<county> find_county(connection& c, std::int64_t id) {
  auto q = c.prepare(std::string("SELECT ") + county_cols + " FROM counties WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_county(q);
}

std::vector<county> list_counties(connection& c, std::optional<bool> poverty_stricken, std::int64_t after_id,
                                  int limit) {
  std::string sql = std::string("SELECT ") + county_cols + " FROM counties WHERE id > ?";
  if (poverty_stricken) sql += " AND poverty_stricken = ?";
  sql += " ORDER BY id LIMIT ?";
  auto q = c.prepare(sql);
  if (poverty_stricken) q.bind_all(after_id, *poverty_stricken, limit);
  else q.bind_all(after_id, limit);
  std::vector<county> out;
  while (q.step()) out.push_back(read_county(q));
  return out;
}

std::int64_t count_counties(connection& c) {
  auto q = c.prepare("SELECT count(*) FROM counties");
  q.step();
  return q.i64(0);
}

result<village> insert_village(connection& c, std::int64_t county_id, const std::string& name, unix_seconds now) {
  if (!find_county(c, county_id)) return validation({{"county_id", "no such county"}});
  auto q = c.prepare(std::string("INSERT INTO villages (county_id, name, created_at) VALUES (?, ?, ?) RETURNING ") +
                     village_cols);
  q.bind_all(county_id, name, now);
  q.step();
  return read_village(q);
}

std::optional<village> find_village(connection& c, std::int64_t id) {
  auto q = c.prepare(std::string("SELECT ") + village_cols + " FROM villages WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_village(q);
}

std::optional<village> find_village(connection& c, std::int64_t id, day_number today) {
  const auto w = gmv_window(today);
  auto q = c.prepare(std::string("SELECT ") + village_stats_cols + " FROM villages v WHERE v.id = ?3");
  q.bind_all(w.to - 1, w.from - 1, id);
  if (!q.step()) return std::nullopt;
  return read_village_stats(q);
}

std::vector<village> list_villages(connection& c, const village_filter& f, const taobao_village_thresholds& t) {
  std::string sql = std::string("SELECT ") + village_stats_cols + " FROM villages v WHERE v.id > ?3";
  if (f.county_id) sql += " AND v.county_id = ?4";
  // A village with fewer active shops than the threshold is not a Taobao village whatever its
  // GMV: skipped without reading its sales.
  if (f.taobao_village == true) sql += " AND v.active_shops >= ?5";
  sql += " ORDER BY v.id LIMIT ?6";
  const auto w = gmv_window(f.today);
  // With the Taobao filter, rows are read in batches and filtered until the page is full.
  const int limit = f.page.limit + 1;
  const int batch = f.taobao_village ? std::max(limit, 128) : limit;
  std::vector<village> out;
  std::int64_t after = f.page.after.empty() ? 0 : f.page.after.front();
  while (static_cast<int>(out.size()) < limit) {
    auto q = c.prepare(sql);
    q.bind_all(w.to - 1, w.from - 1, after, f.county_id.value_or(0), t.min_shops, batch);
    int read = 0;
    while (static_cast<int>(out.size()) < limit && q.step()) {
      ++read;
      auto v = read_village_stats(q);
      after = v.id;
      v.taobao_village = taobao_status(v, t);
      if (!f.taobao_village || v.taobao_village == *f.taobao_village) out.push_back(std::move(v));
    }
    if (read < batch) break;
  }
  return out;
}

}  // namespace cunji::storage
