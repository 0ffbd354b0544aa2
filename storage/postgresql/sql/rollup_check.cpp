// The rollups the schema's triggers keep (sales_daily, sales_cum, buyer_days, partner_daily,
// shop_months, the active counters, and search_stats) recomputed from orders on PostgreSQL, and every
// difference described (check_rollups; the SQLite engine's: storage/sql/rollup_check.cpp).
// unix_day and day_month are the schema's forms of core::day_of and core::month_of_day.
#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <tuple>

#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/sql/reports.hpp"
#include "storage/postgresql/sql/row_cursor.hpp"
#include "storage/sql/sales_sql.hpp"  // counting_statuses_sql (text only)

namespace cunji::storage::pg {

namespace {

class findings {
 public:
  explicit findings(std::size_t max) : max_(max) {}
  void add(std::string m) {
    if (found_++ < max_) out_.push_back(std::move(m));
  }
  std::vector<std::string> take() { return std::move(out_); }

 private:
  std::size_t max_;
  std::size_t found_ = 0;
  std::vector<std::string> out_;
};

std::string n(std::int64_t v) { return std::to_string(v); }
std::string opt(const row_set& r, int row, int col) { return r.is_null(row, col) ? "none" : n(r.i64(row, col)); }
std::string opt(const row_cursor& r, int col) { return r.is_null(col) ? "none" : n(r.i64(col)); }

using key3 = std::tuple<std::int64_t, std::int64_t, std::int64_t>;
// The first three columns of the current row, or past-the-end when there is none.
key3 key_of(bool more, const row_cursor& r) {
  constexpr auto end = std::numeric_limits<std::int64_t>::max();
  return more ? key3{r.i64(0), r.i64(1), r.i64(2)} : key3{end, end, end};
}

std::string counting_orders() { return std::string(" status IN ") + storage::counting_statuses_sql(); }

// sales_daily: per shop, poverty-relief snapshot and day.
task<void> check_sales_daily(connection& c, findings& bad) {
  const auto r = co_await c.query(
      "WITH t AS (SELECT shop_id, poverty_relief, unix_day(created_at) AS day, min(village_id) AS village_id, "
      "min(county_id) AS county_id, sum(subtotal_fen) AS gmv, count(*) AS n FROM orders WHERE" +
      counting_orders() +
      " GROUP BY shop_id, poverty_relief, 3) "
      "SELECT coalesce(t.shop_id, d.shop_id), coalesce(t.poverty_relief, d.poverty_relief), coalesce(t.day, d.day), "
      "t.gmv, t.n, d.gmv_fen, d.orders FROM t FULL JOIN sales_daily d "
      "ON d.shop_id = t.shop_id AND d.poverty_relief = t.poverty_relief AND d.day = t.day "
      "WHERE t.gmv IS DISTINCT FROM d.gmv_fen OR t.n IS DISTINCT FROM d.orders "
      "OR t.village_id IS DISTINCT FROM d.village_id OR t.county_id IS DISTINCT FROM d.county_id ORDER BY 1, 2, 3");
  for (int i = 0; i < r.rows(); ++i)
    bad.add("sales_daily shop " + n(r.i64(i, 0)) + " poverty_relief " + n(r.i64(i, 1)) + " day " + n(r.i64(i, 2)) +
            " holds " + opt(r, i, 5) + " fen in " + opt(r, i, 6) + " orders; orders say " + opt(r, i, 3) + " fen in " +
            opt(r, i, 4));
}

// shop_months: per village, month and shop, its days with sales and its poverty-relief GMV.
task<void> check_shop_months(connection& c, findings& bad) {
  const auto r = co_await c.query(
      "WITH t AS (SELECT village_id, day_month(unix_day(created_at)) AS month, shop_id, min(county_id) AS county_id, "
      "count(DISTINCT poverty_relief * 100000000 + unix_day(created_at)) AS days, "
      "sum(poverty_relief * subtotal_fen) AS pgmv FROM orders WHERE" +
      counting_orders() +
      " GROUP BY 1, 2, 3) "
      "SELECT coalesce(t.village_id, m.village_id), coalesce(t.month, m.month), coalesce(t.shop_id, m.shop_id), "
      "t.days, t.pgmv, m.days, m.poverty_relief_gmv_fen FROM t FULL JOIN shop_months m "
      "ON m.village_id = t.village_id AND m.month = t.month AND m.shop_id = t.shop_id "
      "WHERE t.days IS DISTINCT FROM m.days OR t.pgmv IS DISTINCT FROM m.poverty_relief_gmv_fen "
      "OR t.county_id IS DISTINCT FROM m.county_id ORDER BY 1, 2, 3");
  for (int i = 0; i < r.rows(); ++i)
    bad.add("shop_months village " + n(r.i64(i, 0)) + " month " + n(r.i64(i, 1)) + " shop " + n(r.i64(i, 2)) +
            " holds " + opt(r, i, 5) + " days, " + opt(r, i, 6) + " poverty-relief fen; orders say " + opt(r, i, 3) +
            ", " + opt(r, i, 4));
}

// partner_daily: fees of counting orders per partner and day.
task<void> check_partner_daily(connection& c, findings& bad) {
  const auto r = co_await c.query(
      "WITH t AS (SELECT f.partner_id, unix_day(o.created_at) AS day, "
      "sum(CASE f.kind WHEN 'assisted_buying' THEN f.amount_fen ELSE 0 END) AS b, "
      "sum(CASE f.kind WHEN 'assisted_selling' THEN f.amount_fen ELSE 0 END) AS s, count(DISTINCT o.id) AS n "
      "FROM order_partner_fees f JOIN orders o ON o.id = f.order_id WHERE o." +
      counting_orders().substr(1) +
      " GROUP BY f.partner_id, 2) "
      "SELECT coalesce(t.partner_id, p.partner_id), coalesce(t.day, p.day), t.b, t.s, t.n, "
      "p.assisted_buying_fen, p.assisted_selling_fen, p.orders FROM t FULL JOIN partner_daily p "
      "ON p.partner_id = t.partner_id AND p.day = t.day WHERE t.b IS DISTINCT FROM p.assisted_buying_fen "
      "OR t.s IS DISTINCT FROM p.assisted_selling_fen OR t.n IS DISTINCT FROM p.orders ORDER BY 1, 2");
  for (int i = 0; i < r.rows(); ++i)
    bad.add("partner_daily partner " + n(r.i64(i, 0)) + " day " + n(r.i64(i, 1)) + " holds " + opt(r, i, 5) + "/" +
            opt(r, i, 6) + " fen in " + opt(r, i, 7) + " orders; orders say " + opt(r, i, 2) + "/" + opt(r, i, 3) +
            " fen in " + opt(r, i, 4));
}

// sales_cum: each row must be the running total up to its day, and every day with counting
// orders must have a row.
task<void> check_sales_cum(connection& c, findings& bad) {
  const auto counts = counting_orders();
  row_cursor truth(c, "SELECT 1, village_id, unix_day(created_at), sum(subtotal_fen), count(*) FROM orders WHERE" +
                          counts +
                          " GROUP BY 2, 3 UNION ALL "
                          "SELECT 2, county_id, unix_day(created_at), sum(subtotal_fen), count(*) FROM orders WHERE" +
                          counts +
                          " GROUP BY 2, 3 UNION ALL "
                          "SELECT 3, county_id, unix_day(created_at), sum(subtotal_fen), count(*) FROM orders WHERE" +
                          counts + " AND poverty_relief = 1 GROUP BY 2, 3 ORDER BY 1, 2, 3");
  row_cursor cum(c, "SELECT scope_kind, scope_id, day, gmv_fen, orders FROM sales_cum ORDER BY 1, 2, 3");
  bool t_more = co_await truth.next(), c_more = co_await cum.next();
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
      t_more = co_await truth.next();
    }
    if (ck != next) {
      bad.add(where + " is missing");
      continue;
    }
    if (cum.i64(3) != running.gmv_fen || cum.i64(4) != running.orders)
      bad.add(where + " holds " + n(cum.i64(3)) + " fen in " + n(cum.i64(4)) + " orders; orders say " +
              n(running.gmv_fen) + " fen in " + n(running.orders));
    c_more = co_await cum.next();
  }
}

// buyer_days: counts per scope, buyer and day, and the prev_day chain.
task<void> check_buyer_days(connection& c, findings& bad) {
  const std::string key = "coalesce(buyer_account_id, -villager_id, 0)";
  const auto counts = counting_orders();
  row_cursor truth(c, "SELECT county_id, " + key + ", unix_day(created_at), count(*) FROM orders WHERE" + counts +
                          " GROUP BY 1, 2, 3 UNION ALL SELECT 0, " + key +
                          ", unix_day(created_at), count(*) FROM orders WHERE" + counts +
                          " AND poverty_relief = 1 GROUP BY 2, 3 ORDER BY 1, 2, 3");
  row_cursor rows(c, "SELECT scope, buyer_key, day, orders, prev_day FROM buyer_days ORDER BY 1, 2, 3");
  bool t_more = co_await truth.next(), r_more = co_await rows.next();
  std::optional<key3> last_row;
  while (t_more || r_more) {
    const auto tk = key_of(t_more, truth), rk = key_of(r_more, rows);
    const auto next = std::min(tk, rk);
    const auto where = "buyer_days scope " + n(std::get<0>(next)) + " buyer " + n(std::get<1>(next)) + " day " +
                       n(std::get<2>(next));
    const std::int64_t expected = tk == next ? truth.i64(3) : 0;
    if (tk == next) t_more = co_await truth.next();
    if (rk != next) {
      bad.add(where + " is missing (" + n(expected) + " orders)");
      continue;
    }
    if (rows.i64(3) != expected) bad.add(where + " holds " + n(rows.i64(3)) + " orders; orders say " + n(expected));
    const bool same_buyer = last_row && std::get<0>(*last_row) == std::get<0>(rk) &&
                            std::get<1>(*last_row) == std::get<1>(rk);
    const auto want_prev = same_buyer ? std::optional<std::int64_t>(std::get<2>(*last_row)) : std::nullopt;
    if (rows.opt_i64(4) != want_prev)
      bad.add(where + " has prev_day " + opt(rows, 4) + ", not " + (want_prev ? n(*want_prev) : std::string("none")));
    last_row = rk;
    r_more = co_await rows.next();
  }
}

// The counters that village statistics read: a shop's active listings, a village's active shops.
task<void> check_active_counters(connection& c, findings& bad) {
  const auto shops = co_await c.query(
      "SELECT id, active_listings, n FROM (SELECT s.id, s.active_listings, (SELECT count(*) FROM listings l "
      "WHERE l.shop_id = s.id AND l.status = 'active') AS n FROM shops s) x WHERE active_listings <> n ORDER BY id");
  for (int i = 0; i < shops.rows(); ++i)
    bad.add("shop " + n(shops.i64(i, 0)) + " counts " + n(shops.i64(i, 1)) + " active listings, not " +
            n(shops.i64(i, 2)));
  const auto villages = co_await c.query(
      "SELECT id, active_shops, n FROM (SELECT v.id, v.active_shops, (SELECT count(*) FROM shops s "
      "WHERE s.village_id = v.id AND s.status = 'active' AND EXISTS (SELECT 1 FROM listings l "
      "WHERE l.shop_id = s.id AND l.status = 'active')) AS n FROM villages v) x WHERE active_shops <> n ORDER BY id");
  for (int i = 0; i < villages.rows(); ++i)
    bad.add("village " + n(villages.i64(i, 0)) + " counts " + n(villages.i64(i, 1)) + " active shops, not " +
            n(villages.i64(i, 2)));
}

// bm25's collection statistics (search_stats): the listings and their total search length.
task<void> check_search_stats(connection& c, findings& bad) {
  const auto r = co_await c.query(
      "SELECT s.listings, s.positions, l.n, l.positions FROM search_stats s, (SELECT count(*) AS n, "
      "coalesce(sum(search_length), 0) AS positions FROM listings) l WHERE (s.listings, s.positions) <> (l.n, "
      "l.positions)");
  for (int i = 0; i < r.rows(); ++i)
    bad.add("search_stats counts " + n(r.i64(i, 0)) + " listings of " + n(r.i64(i, 1)) + " search positions, not " +
            n(r.i64(i, 2)) + " of " + n(r.i64(i, 3)));
}

}  // namespace

task<std::vector<std::string>> check_rollups(connection& c, std::size_t max_mismatches) {
  findings bad(max_mismatches);
  co_await check_sales_daily(c, bad);
  co_await check_partner_daily(c, bad);
  co_await check_shop_months(c, bad);
  co_await check_sales_cum(c, bad);
  co_await check_buyer_days(c, bad);
  co_await check_active_counters(c, bad);
  co_await check_search_stats(c, bad);
  co_return bad.take();
}

}  // namespace cunji::storage::pg
