#pragma once
// Sales figures and reports on PostgreSQL (the SQLite engine's: storage/sql/reports.hpp), read
// from the rollups the schema's triggers keep on orders (never from orders themselves), and the
// check that recomputes those rollups from orders. The counting rules and the day arithmetic
// are core/sales.hpp's and core/months.hpp's. A report that reads several statements runs in
// the caller's snapshot (engine::snapshot).
//
// The same seeks as on SQLite, in fewer round trips: the seeks of every county (or every
// month) go in one statement, and a village's shops' sale days are read a batch of shops at a
// time when its Taobao status needs them.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/months.hpp"
#include "core/sales.hpp"
#include "storage/reports.hpp"

namespace cunji::storage::pg {

class connection;

struct sales_totals {
  std::int64_t gmv_fen = 0;  // sum of subtotal_fen
  std::int64_t orders = 0;
  bool operator==(const sales_totals&) const = default;
};

// Counting sales of a village, a county, or the poverty-relief orders of a county (the
// scope_kind of sales_cum).
enum class sales_scope { village = 1, county = 2, poverty_relief = 3 };
// Those created on days <= each of `days`, in that order: one seek in sales_cum per day, in
// one statement.
task<std::vector<sales_totals>> sales_through(connection& c, sales_scope scope, std::int64_t id,
                                              std::vector<day_number> days);
// Those created on days in `period`.
task<sales_totals> sales_between(connection& c, sales_scope scope, std::int64_t id, day_range period);

// Every county, in id order; Taobao status with the fee schedule's thresholds.
task<std::vector<county_report_row>> county_report(connection& c, day_range period, day_number today);

// Counting orders with poverty_relief (the order's snapshot) created in `period`.
task<poverty_relief_report> poverty_report(connection& c, day_range period);

task<partner_earnings> partner_earnings_report(connection& c, std::int64_t partner_id, day_range period);

// Months of a county or a village, oldest first, every month of `months` listed (zeros
// included); the village's Taobao status with the fee schedule's thresholds (core/months.hpp).
// The caller checks that the county or village exists.
task<std::vector<month_figures>> county_monthly(connection& c, std::int64_t county_id, month_range months);
task<std::vector<month_figures>> village_monthly(connection& c, std::int64_t village_id, month_range months,
                                                 day_number today);

// Recomputes every rollup from orders and order_partner_fees and describes each difference
// (at most `max_mismatches`); empty when they agree. check_ledger runs it too.
task<std::vector<std::string>> check_rollups(connection& c, std::size_t max_mismatches = 100);

}  // namespace cunji::storage::pg
