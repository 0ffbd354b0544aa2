#include "storage/regions.hpp"

#include "storage/sqlite.hpp"

namespace cunji::storage {

namespace {
county read_county(const query& q) {
  return county{q.i64(0), q.str(1), q.str(2), q.i64(3) != 0, q.i64(4)};
}
village read_village(const query& q) { return village{q.i64(0), q.i64(1), q.str(2), q.i64(3)}; }
}  // namespace

county insert_county(connection& c, const std::string& name, const std::string& province, bool poverty_stricken,
                     unix_seconds now) {
  auto q = c.prepare(
      "INSERT INTO counties (name, province, poverty_stricken, created_at) VALUES (?, ?, ?, ?) "
      "RETURNING id, name, province, poverty_stricken, created_at");
  q.bind_all(name, province, poverty_stricken, now);
  q.step();
  return read_county(q);
}

result<village> insert_village(connection& c, std::int64_t county_id, const std::string& name, unix_seconds now) {
  if (!find_county(c, county_id)) return validation({{"county_id", "no such county"}});
  auto q = c.prepare(
      "INSERT INTO villages (county_id, name, created_at) VALUES (?, ?, ?) RETURNING id, county_id, name, created_at");
  q.bind_all(county_id, name, now);
  q.step();
  return read_village(q);
}

std::optional<county> find_county(connection& c, std::int64_t id) {
  auto q = c.prepare("SELECT id, name, province, poverty_stricken, created_at FROM counties WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_county(q);
}

std::optional<village> find_village(connection& c, std::int64_t id) {
  auto q = c.prepare("SELECT id, county_id, name, created_at FROM villages WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_village(q);
}

}  // namespace cunji::storage

namespace cunji::storage {
std::int64_t count_counties(connection& c) {
  auto q = c.prepare("SELECT count(*) FROM counties");
  q.step();
  return q.i64(0);
}
}  // namespace cunji::storage
