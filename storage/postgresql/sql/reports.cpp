#include "storage/postgresql/sql/reports.hpp"

#include <limits>
#include <map>

#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/sql/fee_schedule.hpp"

namespace cunji::storage::pg {

namespace {

// The cumulative sales row of scope (`kind`, `id`) at or before `day`, joined as `alias`: one
// seek in sales_cum's primary key.
std::string cum_at(const char* alias, const char* kind, const char* id, const char* day) {
  return std::string(" LEFT JOIN LATERAL (SELECT gmv_fen, orders FROM sales_cum WHERE scope_kind = ") + kind +
         " AND scope_id = " + id + " AND day <= " + day + " ORDER BY day DESC LIMIT 1) " + alias + " ON true";
}

// Distinct buyers of a scope in [from, to): their first day in the period, one index entry each.
std::string distinct_buyers(const char* scope, const char* from, const char* to) {
  return std::string("(SELECT count(*) FROM buyer_days d WHERE d.scope = ") + scope + " AND d.day >= " + from +
         " AND d.day < " + to + " AND (d.prev_day IS NULL OR d.prev_day < " + from + "))";
}

// The sales of scope `kind` of each county c between the days `before` and `upto` (the day
// before the period and its last day): two seeks.
std::string county_sales(const char* kind, const char* upto, const char* before) {
  return std::string(
             "coalesce(u.gmv_fen, 0) - coalesce(b.gmv_fen, 0), coalesce(u.orders, 0) - coalesce(b.orders, 0) "
             "FROM counties c") +
         cum_at("u", kind, "c.id", upto) + cum_at("b", kind, "c.id", before);
}

// Villages (county, active shops) and, for those with enough active shops ($1) to be a Taobao
// village, their GMV over the window whose last day is $2 and whose day before the first is $3.
constexpr const char* villages_sql =
    "SELECT v.county_id, v.active_shops, CASE WHEN v.active_shops >= $1 THEN "
    "coalesce((SELECT gmv_fen FROM sales_cum WHERE scope_kind = 1 AND scope_id = v.id AND day <= $2 "
    "ORDER BY day DESC LIMIT 1), 0) - "
    "coalesce((SELECT gmv_fen FROM sales_cum WHERE scope_kind = 1 AND scope_id = v.id AND day <= $3 "
    "ORDER BY day DESC LIMIT 1), 0) END FROM villages v";

// Shops that sold to poverty relief in [$1, $2): a loose scan over the shops in sales_daily (one
// seek per shop), and one seek per shop for a row in the period.
constexpr const char* poverty_shops_sql =
    "WITH RECURSIVE s(id) AS (SELECT (SELECT min(shop_id) FROM sales_daily) "
    "UNION ALL SELECT (SELECT min(shop_id) FROM sales_daily WHERE shop_id > s.id) FROM s WHERE s.id IS NOT NULL) "
    "SELECT count(*) FROM s WHERE s.id IS NOT NULL AND EXISTS (SELECT 1 FROM sales_daily d "
    "WHERE d.shop_id = s.id AND d.poverty_relief = 1 AND d.day >= $1 AND d.day < $2)";

}  // namespace

task<std::vector<sales_totals>> sales_through(connection& c, sales_scope scope, std::int64_t id,
                                              std::vector<day_number> days) {
  const auto r = co_await c.query(
      "SELECT coalesce(s.gmv_fen, 0), coalesce(s.orders, 0) FROM unnest($3::bigint[]) WITH ORDINALITY AS t (d, i)" +
          cum_at("s", "$1", "$2", "t.d") + " ORDER BY t.i",
      params(static_cast<int>(scope), id, bigint_array(days)));
  std::vector<sales_totals> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back({r.i64(i, 0), r.i64(i, 1)});
  co_return out;
}

task<sales_totals> sales_between(connection& c, sales_scope scope, std::int64_t id, day_range period) {
  if (period.from >= period.to) co_return sales_totals{};
  std::vector<day_number> days{period.to - 1, period.from - 1};
  const auto cum = co_await sales_through(c, scope, id, std::move(days));
  co_return sales_totals{cum[0].gmv_fen - cum[1].gmv_fen, cum[0].orders - cum[1].orders};
}

task<std::vector<county_report_row>> county_report(connection& c, day_range period, day_number today) {
  const auto thresholds = (co_await load_fee_schedule(c)).thresholds();
  const bool empty = period.from >= period.to;  // no sales, and no buyers
  const auto counties = co_await c.query("SELECT c.id, c.name, c.poverty_stricken, " +
                                             distinct_buyers("c.id", "$1", "$2") + ", " +
                                             county_sales("2", "$3", "$4") + " ORDER BY c.id",
                                         params(period.from, period.to, period.to - 1, period.from - 1));
  std::vector<county_report_row> rows;
  std::map<std::int64_t, std::size_t> index;  // county id -> row
  for (int i = 0; i < counties.rows(); ++i) {
    county_report_row r;
    r.county_id = counties.i64(i, 0);
    r.name = std::string(counties.text(i, 1));
    r.poverty_stricken = counties.i64(i, 2) != 0;
    r.distinct_buyers = counties.i64(i, 3);
    r.gmv_fen = empty ? 0 : counties.i64(i, 4);
    r.orders = empty ? 0 : counties.i64(i, 5);
    index[r.county_id] = rows.size();
    rows.push_back(std::move(r));
  }
  const auto window = gmv_window(today);
  const auto villages = co_await c.query(villages_sql, params(thresholds.min_shops, window.to - 1, window.from - 1));
  for (int i = 0; i < villages.rows(); ++i) {
    const auto it = index.find(villages.i64(i, 0));
    if (it == index.end()) continue;
    auto& r = rows[it->second];
    const auto shops = villages.i64(i, 1);
    r.active_shops += shops;
    // Fewer active shops than the threshold: not a Taobao village whatever its GMV.
    if (!is_taobao_village(shops, std::numeric_limits<std::int64_t>::max(), thresholds)) continue;
    if (is_taobao_village(shops, villages.opt_i64(i, 2).value_or(0), thresholds)) ++r.taobao_villages;
  }
  co_return rows;
}

task<poverty_relief_report> poverty_report(connection& c, day_range period) {
  poverty_relief_report report;
  if (period.from < period.to) {
    const auto counties = co_await c.query("SELECT c.id, " + county_sales("3", "$1", "$2") + " ORDER BY c.id",
                                           params(period.to - 1, period.from - 1));
    for (int i = 0; i < counties.rows(); ++i) {
      const sales_totals s{counties.i64(i, 1), counties.i64(i, 2)};
      if (s.orders == 0) continue;
      report.gmv_fen += s.gmv_fen;
      report.orders += s.orders;
      report.counties.push_back({counties.i64(i, 0), s.gmv_fen});
    }
  }
  const auto buyers = co_await c.query("SELECT " + distinct_buyers("$1", "$2", "$3"),
                                       params(0, period.from, period.to));
  report.distinct_buyers = buyers.i64(0, 0);
  const auto shops = co_await c.query(poverty_shops_sql, params(period.from, period.to));
  report.shops = shops.i64(0, 0);
  co_return report;
}

task<partner_earnings> partner_earnings_report(connection& c, std::int64_t partner_id, day_range period) {
  const auto r = co_await c.query(
      "SELECT coalesce(sum(assisted_buying_fen), 0), coalesce(sum(assisted_selling_fen), 0), "
      "coalesce(sum(orders), 0) FROM partner_daily WHERE partner_id = $1 AND day >= $2 AND day < $3",
      params(partner_id, period.from, period.to));
  co_return partner_earnings{r.i64(0, 0), r.i64(0, 1), r.i64(0, 2)};
}

}  // namespace cunji::storage::pg
