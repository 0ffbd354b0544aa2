#include "storage/sql/reports.hpp"

#include <limits>
#include <map>
#include <optional>
#include <tuple>

#include "storage/sql/fee_schedule.hpp"
#include "storage/sql/sales_sql.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/transaction.hpp"

namespace cunji::storage {

namespace {

// The statements the reads run (named, for report_query_plans).
constexpr const char* cum_at_sql =
    "SELECT gmv_fen, orders FROM sales_cum WHERE scope_kind = ?1 AND scope_id = ?2 AND day <= ?3 "
    "ORDER BY day DESC LIMIT 1";
// ?1 scope, [?2, ?3) the period.
constexpr const char* distinct_buyers_sql =
    "SELECT count(*) FROM buyer_days WHERE scope = ?1 AND day >= ?2 AND day < ?3 "
    "AND (prev_day IS NULL OR prev_day < ?2)";
constexpr const char* counties_sql = "SELECT id, name, poverty_stricken FROM counties ORDER BY id";
constexpr const char* villages_sql = "SELECT id, county_id, active_shops FROM villages";
// Shops that sold to poverty relief in [?1, ?2): a loose scan over the shops in sales_daily (one
// seek per shop), and one seek per shop for a row in the period.
constexpr const char* poverty_shops_sql =
    "WITH RECURSIVE s(id) AS (SELECT (SELECT min(shop_id) FROM sales_daily) "
    "UNION ALL SELECT (SELECT min(shop_id) FROM sales_daily WHERE shop_id > s.id) FROM s WHERE s.id IS NOT NULL) "
    "SELECT count(*) FROM s WHERE s.id IS NOT NULL AND EXISTS (SELECT 1 FROM sales_daily d "
    "WHERE d.shop_id = s.id AND d.poverty_relief = 1 AND d.day >= ?1 AND d.day < ?2)";
constexpr const char* partner_sql =
    "SELECT coalesce(sum(assisted_buying_fen), 0), coalesce(sum(assisted_selling_fen), 0), coalesce(sum(orders), 0) "
    "FROM partner_daily WHERE partner_id = ?1 AND day >= ?2 AND day < ?3";

sales_totals cum_at(connection& c, int kind, std::int64_t id, day_number day) {
  auto q = c.prepare(cum_at_sql);
  q.bind_all(kind, id, day);
  if (!q.step()) return {};
  return {q.i64(0), q.i64(1)};
}

std::int64_t distinct_buyers(connection& c, std::int64_t scope, day_range period) {
  auto q = c.prepare(distinct_buyers_sql);
  q.bind_all(scope, period.from, period.to);
  q.step();
  return q.i64(0);
}

}  // namespace

sales_totals sales_through(connection& c, sales_scope scope, std::int64_t id, day_number day) {
  return cum_at(c, static_cast<int>(scope), id, day);
}

sales_totals sales_between(connection& c, sales_scope scope, std::int64_t id, day_range period) {
  if (period.from >= period.to) return {};
  const int kind = static_cast<int>(scope);
  const auto upto = cum_at(c, kind, id, period.to - 1);
  const auto before = cum_at(c, kind, id, period.from - 1);
  return {upto.gmv_fen - before.gmv_fen, upto.orders - before.orders};
}

std::vector<county_report_row> county_report(connection& c, day_range period, day_number today) {
  read_transaction snapshot(c);  // one snapshot for every read of the report
  const auto thresholds = load_fee_schedule(c).thresholds();
  std::vector<county_report_row> rows;
  std::map<std::int64_t, std::size_t> index;  // county id -> row
  {
    auto q = c.prepare(counties_sql);
    while (q.step()) {
      index[q.i64(0)] = rows.size();
      county_report_row r;
      r.county_id = q.i64(0);
      r.name = q.str(1);
      r.poverty_stricken = q.i64(2) != 0;
      rows.push_back(std::move(r));
    }
  }
  for (auto& r : rows) {
    const auto s = sales_between(c, sales_scope::county, r.county_id, period);
    r.gmv_fen = s.gmv_fen;
    r.orders = s.orders;
    r.distinct_buyers = distinct_buyers(c, r.county_id, period);
  }
  struct village_row {
    std::int64_t id, county_id, active_shops;
  };
  std::vector<village_row> villages;
  {
    auto q = c.prepare(villages_sql);
    while (q.step()) villages.push_back({q.i64(0), q.i64(1), q.i64(2)});
  }
  const auto window = gmv_window(today);
  for (const auto& v : villages) {
    const auto it = index.find(v.county_id);
    if (it == index.end()) continue;
    auto& r = rows[it->second];
    r.active_shops += v.active_shops;
    // Fewer active shops than the threshold: not a Taobao village whatever its GMV.
    if (!is_taobao_village(v.active_shops, std::numeric_limits<std::int64_t>::max(), thresholds)) continue;
    const auto gmv = sales_between(c, sales_scope::village, v.id, window).gmv_fen;
    if (is_taobao_village(v.active_shops, gmv, thresholds)) ++r.taobao_villages;
  }
  return rows;
}

poverty_relief_report poverty_report(connection& c, day_range period) {
  read_transaction snapshot(c);  // one snapshot for every read of the report
  poverty_relief_report r;
  std::vector<std::int64_t> counties;
  {
    auto q = c.prepare(counties_sql);
    while (q.step()) counties.push_back(q.i64(0));
  }
  for (const auto id : counties) {
    const auto s = sales_between(c, sales_scope::poverty_relief, id, period);
    if (s.orders == 0) continue;
    r.gmv_fen += s.gmv_fen;
    r.orders += s.orders;
    r.counties.push_back({id, s.gmv_fen});
  }
  r.distinct_buyers = distinct_buyers(c, 0, period);
  auto q = c.prepare(poverty_shops_sql);
  q.bind_all(period.from, period.to);
  q.step();
  r.shops = q.i64(0);
  return r;
}

partner_earnings partner_earnings_report(connection& c, std::int64_t partner_id, day_range period) {
  auto q = c.prepare(partner_sql);
  q.bind_all(partner_id, period.from, period.to);
  q.step();
  return {q.i64(0), q.i64(1), q.i64(2)};
}

std::vector<std::pair<std::string, std::string>> report_query_plans(connection& c) {
  std::vector<std::pair<std::string, std::string>> out;
  auto statements = std::vector<std::pair<const char*, const char*>>{
      {"sales_cum", cum_at_sql},  {"distinct_buyers", distinct_buyers_sql}, {"counties", counties_sql},
      {"villages", villages_sql}, {"poverty_shops", poverty_shops_sql},     {"partner_earnings", partner_sql}};
  for (const auto& s : monthly_statements()) statements.push_back(s);
  for (const auto& [name, sql] : statements) {
    auto q = c.prepare(std::string("EXPLAIN QUERY PLAN ") + sql);
    std::string plan;
    while (q.step()) plan += q.str(3) + "\n";
    out.emplace_back(name, std::move(plan));
  }
  return out;
}

}  // namespace cunji::storage
