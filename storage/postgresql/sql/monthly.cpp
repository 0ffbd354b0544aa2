// Monthly sales of a county or a village on PostgreSQL (the SQLite engine's:
// storage/sql/monthly.cpp), read from the rollups: sales_cum for GMV and orders, shop_months for
// active shops and a village's poverty-relief GMV, sales_daily for the days a village's shops
// sold on (its Taobao status).
#include <algorithm>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "core/months.hpp"
#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/sql/fee_schedule.hpp"
#include "storage/postgresql/sql/reports.hpp"

namespace cunji::storage::pg {

namespace {

// $1 the county or village, months [$2, $3]: per month, the shops that sold (and for a village
// its poverty-relief GMV), in month order.
constexpr const char* county_months_sql =
    "SELECT month, count(*), 0 FROM shop_months WHERE county_id = $1 AND month >= $2 AND month <= $3 "
    "GROUP BY month ORDER BY month";
constexpr const char* village_months_sql =
    "SELECT month, count(*), sum(poverty_relief_gmv_fen) FROM shop_months "
    "WHERE village_id = $1 AND month >= $2 AND month <= $3 GROUP BY month ORDER BY month";
// The shops of a village that sold in months [$2, $3].
constexpr const char* village_shops_sql =
    "SELECT DISTINCT shop_id FROM shop_months WHERE village_id = $1 AND month >= $2 AND month <= $3 ORDER BY shop_id";
// The days in [$2, $3] the shops $1 sold on, ascending per shop (each poverty-relief snapshot
// is one range of sales_daily's primary key).
constexpr const char* shop_days_sql =
    "SELECT shop_id, day FROM sales_daily WHERE shop_id = ANY ($1::bigint[]) AND poverty_relief IN (0, 1) "
    "AND day >= $2 AND day <= $3 GROUP BY shop_id, day ORDER BY shop_id, day";
// Shops whose sale days are read at once.
constexpr std::size_t shop_batch = 128;

// Every month of the range, with GMV and orders from scope `scope` of sales_cum: one seek at
// each month boundary, in one statement.
task<std::vector<month_figures>> sales_by_month(connection& c, sales_scope scope, std::int64_t id, month_range months) {
  std::vector<day_number> ends;
  for (auto m = months.from; m <= months.to + 1; ++m) ends.push_back(first_day(m) - 1);
  const auto cum = co_await sales_through(c, scope, id, std::move(ends));
  std::vector<month_figures> out;
  for (std::size_t i = 0; i + 1 < cum.size(); ++i) {
    month_figures f;
    f.month = months.from + static_cast<month_number>(i);
    f.gmv_fen = cum[i + 1].gmv_fen - cum[i].gmv_fen;
    f.orders = cum[i + 1].orders - cum[i].orders;
    out.push_back(f);
  }
  co_return out;
}

// Active shops (and poverty-relief GMV, if `with_poverty`) per month from shop_months.
task<void> add_shop_months(connection& c, const char* sql, std::int64_t id, month_range months,
                           std::vector<month_figures>& out, bool with_poverty) {
  const auto r = co_await c.query(sql, params(id, months.from, months.to));
  for (int i = 0; i < r.rows(); ++i) {
    auto& f = out[static_cast<std::size_t>(r.i64(i, 0) - months.from)];
    f.active_shops = r.i64(i, 1);
    if (with_poverty) f.poverty_relief_gmv_fen = r.i64(i, 2);
  }
}

// The shops of a village that sold in a span of days, each one's sale days in the span read on
// first use (with the next shops' too, a batch at a time).
class village_shops {
 public:
  village_shops(connection& c, std::int64_t village_id, day_range span) : c_(c), village_id_(village_id), span_(span) {}

  // How many of them sold in the village window ending `day`, counting no further than `enough`.
  task<std::int64_t> active_on(day_number day, std::int64_t enough) {
    if (!ids_) co_await read_ids();
    std::int64_t count = 0;
    for (std::size_t i = 0; i < ids_->size() && count < enough; ++i) {
      if (!days_[i]) co_await read_days(i);
      count += sold_in_window(*days_[i], day);
    }
    co_return count;
  }

 private:
  task<void> read_ids() {
    const auto r = co_await c_.query(village_shops_sql,
                                     params(village_id_, month_of_day(span_.from), month_of_day(span_.to - 1)));
    ids_.emplace();
    for (int i = 0; i < r.rows(); ++i) ids_->push_back(r.i64(i, 0));
    days_.resize(ids_->size());
  }

  // The days of the shops from `first` on (none of them read yet), a batch of them.
  task<void> read_days(std::size_t first) {
    const auto last = std::min(ids_->size(), first + shop_batch);
    std::vector<std::int64_t> batch(ids_->begin() + static_cast<std::ptrdiff_t>(first),
                                    ids_->begin() + static_cast<std::ptrdiff_t>(last));
    for (auto i = first; i < last; ++i) days_[i].emplace();
    const auto r = co_await c_.query(shop_days_sql, params(bigint_array(batch), span_.from, span_.to - 1));
    auto at = first;  // rows and ids are both in shop order
    for (int i = 0; i < r.rows(); ++i) {
      while ((*ids_)[at] != r.i64(i, 0)) ++at;
      days_[at]->push_back(r.i64(i, 1));
    }
  }

  connection& c_;
  std::int64_t village_id_;
  day_range span_;
  std::optional<std::vector<std::int64_t>> ids_;
  std::vector<std::optional<std::vector<day_number>>> days_;
};

}  // namespace

task<std::vector<month_figures>> county_monthly(connection& c, std::int64_t county_id, month_range months) {
  auto out = co_await sales_by_month(c, sales_scope::county, county_id, months);
  const auto poverty = co_await sales_by_month(c, sales_scope::poverty_relief, county_id, months);
  for (std::size_t i = 0; i < out.size(); ++i) out[i].poverty_relief_gmv_fen = poverty[i].gmv_fen;
  co_await add_shop_months(c, county_months_sql, county_id, months, out, false);
  co_return out;
}

task<std::vector<month_figures>> village_monthly(connection& c, std::int64_t village_id, month_range months,
                                                 day_number today) {
  auto out = co_await sales_by_month(c, sales_scope::village, village_id, months);
  co_await add_shop_months(c, village_months_sql, village_id, months, out, true);
  const auto thresholds = (co_await load_fee_schedule(c)).thresholds();
  // Each month's GMV over the village window ending on its status day: its last day and the
  // day before its first, in one statement.
  std::vector<day_number> bounds;
  for (const auto& f : out) {
    const auto w = gmv_window(status_day(f.month, today));
    bounds.push_back(w.to - 1);
    bounds.push_back(w.from - 1);
  }
  const auto cum = co_await sales_through(c, sales_scope::village, village_id, std::move(bounds));
  const day_range span{gmv_window(status_day(months.from, today)).from, status_day(months.to, today) + 1};
  village_shops shops(c, village_id, span);
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto& f = out[i];
    const auto gmv = cum[2 * i].gmv_fen - cum[2 * i + 1].gmv_fen;
    // GMV short of the threshold: not a Taobao village whatever its shops.
    if (!is_taobao_village(std::numeric_limits<std::int64_t>::max(), gmv, thresholds)) continue;
    const auto active = co_await shops.active_on(status_day(f.month, today), thresholds.min_shops);
    f.taobao_village = is_taobao_village(active, gmv, thresholds);
  }
  co_return out;
}

}  // namespace cunji::storage::pg
