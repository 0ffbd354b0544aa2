#include "storage/sql/reports.hpp"

#include <limits>
#include <map>
#include <optional>
#include <tuple>

#include "storage/sql/fee_schedule.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/transaction.hpp"

namespace cunji::storage {

namespace {

// The UTC day of a Unix-seconds column, as core::day_of computes it (floor division).
std::string day_of_sql(const std::string& col) { return "((" + col + " - (" + col + " < 0) * 86399) / 86400)"; }
constexpr const char* counting = "('paid', 'shipped', 'delivered')";


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
    const auto s = sales_between(c, sales_scope::poverty_county, id, period);
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
  for (const auto& [name, sql] : std::vector<std::pair<const char*, const char*>>{
           {"sales_cum", cum_at_sql},
           {"distinct_buyers", distinct_buyers_sql},
           {"counties", counties_sql},
           {"villages", villages_sql},
           {"poverty_shops", poverty_shops_sql},
           {"partner_earnings", partner_sql}}) {
    auto q = c.prepare(std::string("EXPLAIN QUERY PLAN ") + sql);
    std::string plan;
    while (q.step()) plan += q.str(3) + "\n";
    out.emplace_back(name, std::move(plan));
  }
  return out;
}

std::vector<std::string> check_rollups(connection& c, std::size_t max_mismatches) {
  std::vector<std::string> out;
  std::size_t found = 0;
  auto mismatch = [&](std::string m) {
    if (found++ < max_mismatches) out.push_back(std::move(m));
  };
  auto n = [](std::int64_t v) { return std::to_string(v); };
  auto opt = [](const query& q, int col) { return q.is_null(col) ? std::string("none") : std::to_string(q.i64(col)); };
  const auto day = day_of_sql("created_at");
  const auto key = std::string("coalesce(buyer_account_id, -villager_id, 0)");
  const auto counts = std::string(" status IN ") + counting;

  read_transaction snapshot(c);  // one snapshot for every read of the report
  // sales_daily: per shop, poverty-relief snapshot and day.
  {
    auto q = c.prepare(
        "WITH t AS (SELECT shop_id, poverty_relief, " + day + " AS day, min(village_id) AS village_id, "
        "min(county_id) AS county_id, sum(subtotal_fen) AS gmv, count(*) AS n FROM orders WHERE" + counts +
        " GROUP BY shop_id, poverty_relief, 3) "
        "SELECT coalesce(t.shop_id, d.shop_id), coalesce(t.poverty_relief, d.poverty_relief), coalesce(t.day, d.day), "
        "t.gmv, t.n, d.gmv_fen, d.orders FROM t FULL JOIN sales_daily d "
        "ON d.shop_id = t.shop_id AND d.poverty_relief = t.poverty_relief AND d.day = t.day "
        "WHERE t.gmv IS NOT d.gmv_fen OR t.n IS NOT d.orders OR t.village_id IS NOT d.village_id "
        "OR t.county_id IS NOT d.county_id");
    while (q.step())
      mismatch("sales_daily shop " + n(q.i64(0)) + " poverty_relief " + n(q.i64(1)) + " day " + n(q.i64(2)) +
               " holds " + opt(q, 5) + " fen in " + opt(q, 6) + " orders; orders say " + opt(q, 3) + " fen in " +
               opt(q, 4));
  }
  // partner_daily: fees of counting orders per partner and day.
  {
    auto q = c.prepare(
        "WITH t AS (SELECT f.partner_id, " + day_of_sql("o.created_at") + " AS day, "
        "sum(CASE f.kind WHEN 'assisted_buying' THEN f.amount_fen ELSE 0 END) AS b, "
        "sum(CASE f.kind WHEN 'assisted_selling' THEN f.amount_fen ELSE 0 END) AS s, count(DISTINCT o.id) AS n "
        "FROM order_partner_fees f JOIN orders o ON o.id = f.order_id WHERE o." + counts.substr(1) +
        " GROUP BY f.partner_id, 2) "
        "SELECT coalesce(t.partner_id, p.partner_id), coalesce(t.day, p.day), t.b, t.s, t.n, "
        "p.assisted_buying_fen, p.assisted_selling_fen, p.orders FROM t FULL JOIN partner_daily p "
        "ON p.partner_id = t.partner_id AND p.day = t.day "
        "WHERE t.b IS NOT p.assisted_buying_fen OR t.s IS NOT p.assisted_selling_fen OR t.n IS NOT p.orders");
    while (q.step())
      mismatch("partner_daily partner " + n(q.i64(0)) + " day " + n(q.i64(1)) + " holds " + opt(q, 5) + "/" +
               opt(q, 6) + " fen in " + opt(q, 7) + " orders; orders say " + opt(q, 2) + "/" + opt(q, 3) +
               " fen in " + opt(q, 4));
  }
  // sales_cum: each row must be the running total up to its day, and every day with counting
  // orders must have a row.
  {
    auto truth = c.prepare(
        "SELECT 1, village_id, " + day + ", sum(subtotal_fen), count(*) FROM orders WHERE" + counts +
        " GROUP BY 2, 3 UNION ALL "
        "SELECT 2, county_id, " + day + ", sum(subtotal_fen), count(*) FROM orders WHERE" + counts +
        " GROUP BY 2, 3 UNION ALL "
        "SELECT 3, county_id, " + day + ", sum(subtotal_fen), count(*) FROM orders WHERE" + counts +
        " AND poverty_relief = 1 GROUP BY 2, 3 ORDER BY 1, 2, 3");
    auto cum = c.prepare("SELECT scope_kind, scope_id, day, gmv_fen, orders FROM sales_cum ORDER BY 1, 2, 3");
    using key_t = std::tuple<std::int64_t, std::int64_t, std::int64_t>;
    constexpr auto end = std::numeric_limits<std::int64_t>::max();
    auto key_of = [&](bool more, const query& q) {
      return more ? key_t{q.i64(0), q.i64(1), q.i64(2)} : key_t{end, end, end};
    };
    bool t_more = truth.step(), c_more = cum.step();
    std::pair<std::int64_t, std::int64_t> scope{0, 0};
    sales_totals running;
    while (t_more || c_more) {
      const auto tk = key_of(t_more, truth), ck = key_of(c_more, cum);
      const auto next = std::min(tk, ck);
      if (std::pair{std::get<0>(next), std::get<1>(next)} != scope) {
        scope = {std::get<0>(next), std::get<1>(next)};
        running = {};
      }
      const auto where = "sales_cum scope " + n(std::get<0>(next)) + "/" + n(std::get<1>(next)) + " day " +
                         n(std::get<2>(next));
      if (tk == next) {
        running.gmv_fen += truth.i64(3);
        running.orders += truth.i64(4);
        t_more = truth.step();
      }
      if (ck == next) {
        if (cum.i64(3) != running.gmv_fen || cum.i64(4) != running.orders)
          mismatch(where + " holds " + n(cum.i64(3)) + " fen in " + n(cum.i64(4)) + " orders; orders say " +
                   n(running.gmv_fen) + " fen in " + n(running.orders));
        c_more = cum.step();
      } else {
        mismatch(where + " is missing");
      }
    }
  }
  // buyer_days: counts per scope, buyer and day, and the prev_day chain.
  {
    auto truth = c.prepare(
        "SELECT county_id, " + key + ", " + day + ", count(*) FROM orders WHERE" + counts +
        " GROUP BY 1, 2, 3 UNION ALL "
        "SELECT 0, " + key + ", " + day + ", count(*) FROM orders WHERE" + counts +
        " AND poverty_relief = 1 GROUP BY 2, 3 ORDER BY 1, 2, 3");
    auto rows = c.prepare("SELECT scope, buyer_key, day, orders, prev_day FROM buyer_days ORDER BY 1, 2, 3");
    using key_t = std::tuple<std::int64_t, std::int64_t, std::int64_t>;
    constexpr auto end = std::numeric_limits<std::int64_t>::max();
    auto key_of = [&](bool more, const query& q) {
      return more ? key_t{q.i64(0), q.i64(1), q.i64(2)} : key_t{end, end, end};
    };
    bool t_more = truth.step(), r_more = rows.step();
    std::optional<key_t> last_row;
    while (t_more || r_more) {
      const auto tk = key_of(t_more, truth), rk = key_of(r_more, rows);
      const auto next = std::min(tk, rk);
      const auto where = "buyer_days scope " + n(std::get<0>(next)) + " buyer " + n(std::get<1>(next)) + " day " +
                         n(std::get<2>(next));
      const std::int64_t expected = tk == next ? truth.i64(3) : 0;
      if (rk == next) {
        if (rows.i64(3) != expected)
          mismatch(where + " holds " + n(rows.i64(3)) + " orders; orders say " + n(expected));
        const bool same_buyer = last_row && std::get<0>(*last_row) == std::get<0>(rk) &&
                                std::get<1>(*last_row) == std::get<1>(rk);
        const auto want_prev = same_buyer ? std::optional<std::int64_t>(std::get<2>(*last_row)) : std::nullopt;
        if (rows.opt_i64(4) != want_prev)
          mismatch(where + " has prev_day " + opt(rows, 4) + ", not " +
                   (want_prev ? n(*want_prev) : std::string("none")));
        last_row = rk;
        r_more = rows.step();
      } else {
        mismatch(where + " is missing (" + n(expected) + " orders)");
      }
      if (tk == next) t_more = truth.step();
    }
  }
  // The counters of migration 0002 that village statistics read.
  {
    auto q = c.prepare(
        "SELECT s.id, s.active_listings, (SELECT count(*) FROM listings l WHERE l.shop_id = s.id AND "
        "l.status = 'active') AS n FROM shops s WHERE s.active_listings != n");
    while (q.step())
      mismatch("shop " + n(q.i64(0)) + " counts " + n(q.i64(1)) + " active listings, not " + n(q.i64(2)));
  }
  {
    auto q = c.prepare(
        "SELECT v.id, v.active_shops, (SELECT count(*) FROM shops s WHERE s.village_id = v.id AND "
        "s.status = 'active' AND EXISTS (SELECT 1 FROM listings l WHERE l.shop_id = s.id AND l.status = 'active')) "
        "AS n FROM villages v WHERE v.active_shops != n");
    while (q.step())
      mismatch("village " + n(q.i64(0)) + " counts " + n(q.i64(1)) + " active shops, not " + n(q.i64(2)));
  }
  return out;
}

}  // namespace cunji::storage
