// Monthly sales of a county or a village (storage/sql/reports.hpp), read from the rollups:
// sales_cum for GMV and orders, shop_months (migration 0016) for active shops and a village's
// poverty-relief GMV, sales_daily for the days a village's shops sold on (its Taobao status).
#include <algorithm>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "core/months.hpp"
#include "storage/sql/fee_schedule.hpp"
#include "storage/sql/reports.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/transaction.hpp"

namespace cunji::storage {

namespace {

// ?1 the county or village, months [?2, ?3]: per month, the shops that sold (and for a village
// its poverty-relief GMV), in month order.
constexpr const char* county_months_sql =
    "SELECT month, count(*), 0 FROM shop_months WHERE county_id = ?1 AND month >= ?2 AND month <= ?3 "
    "GROUP BY month";
constexpr const char* village_months_sql =
    "SELECT month, count(*), sum(poverty_relief_gmv_fen) FROM shop_months "
    "WHERE village_id = ?1 AND month >= ?2 AND month <= ?3 GROUP BY month";
// The shops of a village that sold in months [?2, ?3].
constexpr const char* village_shops_sql =
    "SELECT DISTINCT shop_id FROM shop_months WHERE village_id = ?1 AND month >= ?2 AND month <= ?3";
// The days in [?2, ?3] a shop sold on, ascending (each poverty-relief snapshot is one range).
constexpr const char* shop_days_sql =
    "SELECT DISTINCT day FROM sales_daily WHERE shop_id = ?1 AND poverty_relief IN (0, 1) "
    "AND day >= ?2 AND day <= ?3 ORDER BY day";

// Every month of the range, with GMV and orders from scope `scope` of sales_cum: one seek at
// each month boundary.
std::vector<month_figures> sales_by_month(connection& c, sales_scope scope, std::int64_t id, month_range months) {
  std::vector<month_figures> out;
  auto before = sales_through(c, scope, id, first_day(months.from) - 1);
  for (auto m = months.from; m <= months.to; ++m) {
    const auto upto = sales_through(c, scope, id, first_day(m + 1) - 1);
    month_figures f;
    f.month = m;
    f.gmv_fen = upto.gmv_fen - before.gmv_fen;
    f.orders = upto.orders - before.orders;
    out.push_back(f);
    before = upto;
  }
  return out;
}

// Active shops (and poverty-relief GMV, if `with_poverty`) per month from shop_months.
void add_shop_months(connection& c, const char* sql, std::int64_t id, month_range months,
                     std::vector<month_figures>& out, bool with_poverty) {
  auto q = c.prepare(sql);
  q.bind_all(id, months.from, months.to);
  while (q.step()) {
    auto& f = out[static_cast<std::size_t>(q.i64(0) - months.from)];
    f.active_shops = q.i64(1);
    if (with_poverty) f.poverty_relief_gmv_fen = q.i64(2);
  }
}

// The shops of a village that sold in a span of days, each one's sale days in the span read on
// first use.
class village_shops {
 public:
  village_shops(connection& c, std::int64_t village_id, day_range span) : c_(c), span_(span) {
    auto q = c.prepare(village_shops_sql);
    q.bind_all(village_id, month_of_day(span.from), month_of_day(span.to - 1));
    while (q.step()) ids_.push_back(q.i64(0));
    days_.resize(ids_.size());
  }

  // How many of them sold in the village window ending `day`, counting no further than `enough`.
  std::int64_t active_on(day_number day, std::int64_t enough) {
    std::int64_t n = 0;
    for (std::size_t i = 0; i < ids_.size() && n < enough; ++i) n += sold_in_window(days(i), day);
    return n;
  }

 private:
  const std::vector<day_number>& days(std::size_t i) {
    if (!days_[i]) {
      auto q = c_.prepare(shop_days_sql);
      q.bind_all(ids_[i], span_.from, span_.to - 1);
      days_[i].emplace();
      while (q.step()) days_[i]->push_back(q.i64(0));
    }
    return *days_[i];
  }

  connection& c_;
  day_range span_;
  std::vector<std::int64_t> ids_;
  std::vector<std::optional<std::vector<day_number>>> days_;
};

}  // namespace

std::vector<std::pair<const char*, const char*>> monthly_statements() {
  return {{"county_months", county_months_sql},
          {"village_months", village_months_sql},
          {"village_shops", village_shops_sql},
          {"shop_days", shop_days_sql}};
}

std::vector<month_figures> county_monthly(connection& c, std::int64_t county_id, month_range months) {
  read_transaction snapshot(c);  // one snapshot for every read of the report
  auto out = sales_by_month(c, sales_scope::county, county_id, months);
  const auto poverty = sales_by_month(c, sales_scope::poverty_relief, county_id, months);
  for (std::size_t i = 0; i < out.size(); ++i) out[i].poverty_relief_gmv_fen = poverty[i].gmv_fen;
  add_shop_months(c, county_months_sql, county_id, months, out, false);
  return out;
}

std::vector<month_figures> village_monthly(connection& c, std::int64_t village_id, month_range months,
                                           day_number today) {
  read_transaction snapshot(c);  // one snapshot for every read of the report
  auto out = sales_by_month(c, sales_scope::village, village_id, months);
  add_shop_months(c, village_months_sql, village_id, months, out, true);
  const auto thresholds = load_fee_schedule(c).thresholds();
  const day_range span{gmv_window(status_day(months.from, today)).from, status_day(months.to, today) + 1};
  village_shops shops(c, village_id, span);
  for (auto& f : out) {
    const auto day = status_day(f.month, today);
    const auto gmv = sales_between(c, sales_scope::village, village_id, gmv_window(day)).gmv_fen;
    // GMV short of the threshold: not a Taobao village whatever its shops.
    if (!is_taobao_village(std::numeric_limits<std::int64_t>::max(), gmv, thresholds)) continue;
    f.taobao_village = is_taobao_village(shops.active_on(day, thresholds.min_shops), gmv, thresholds);
  }
  return out;
}

}  // namespace cunji::storage
