#pragma once
// Sales figures and reports, read from the rollups that migration 0004 keeps with triggers on
// orders (never from orders themselves), and the check that recomputes those rollups from
// orders. The counting rules and the day arithmetic are core/sales.hpp's.
//
// Cost of each read (no read scans orders):
//   sales_between:           two seeks in sales_cum
//   county_report:           per county two seeks in sales_cum and one range of buyer_days_by_day
//                            (the buyer-days of the county in the period, one index entry each);
//                            one pass over villages, and two seeks per village that has enough
//                            active shops to be a Taobao village
//   poverty_report:          two seeks in sales_cum per county, one range of buyer_days_by_day
//                            (scope 0), and two seeks in sales_daily per shop that ever sold
//   partner_earnings_report: one range of partner_daily (at most one row per day of the period)
//   county_monthly:          n + 1 seeks in sales_cum for GMV and orders, n + 1 more for poverty
//                            relief (n months), and one range of shop_months_by_county (one
//                            entry per shop and month with sales: 2,000 shops x 13 months is at
//                            most 26,000 entries)
//   village_monthly:         the same in sales_cum (village scope) and in shop_months' primary
//                            key; for the Taobao status two seeks in sales_cum per month and, in
//                            a month whose GMV reaches the threshold, the village's shops until
//                            min_shops of them are found active: per shop, read once, two ranges
//                            of sales_daily (its days with sales over the months and the 365
//                            days before them). Measured (26 orders per shop over 13 months):
//                            a county of 2,000 shops 2 ms; a village of 2,000 shops 5-11 ms
//                            (35 ms when every shop's days are read)
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/region.hpp"
#include "core/sales.hpp"
#include "storage/reports.hpp"

namespace cunji::storage {

class connection;

struct sales_totals {
  std::int64_t gmv_fen = 0;  // sum of subtotal_fen
  std::int64_t orders = 0;
  bool operator==(const sales_totals&) const = default;
};

// Counting sales of a village, a county, or the poverty-relief orders of a county, created on
// days in `period`.
enum class sales_scope { village = 1, county = 2, poverty_relief = 3 };
sales_totals sales_between(connection& c, sales_scope scope, std::int64_t id, day_range period);
// The same, created on days <= `day` (one seek).
sales_totals sales_through(connection& c, sales_scope scope, std::int64_t id, day_number day);

// Every county, in id order, in one read snapshot; Taobao status with the fee schedule's
// thresholds.
std::vector<county_report_row> county_report(connection& c, day_range period, day_number today);

// Counting orders with poverty_relief (the order's snapshot) created in `period`.
poverty_relief_report poverty_report(connection& c, day_range period);

partner_earnings partner_earnings_report(connection& c, std::int64_t partner_id, day_range period);

// Months of a county or a village, oldest first, every month of `months` listed (zeros
// included), in one read snapshot; the village's Taobao status with the fee schedule's
// thresholds (core/months.hpp). The caller checks that the county or village exists.
std::vector<month_figures> county_monthly(connection& c, std::int64_t county_id, month_range months);
std::vector<month_figures> village_monthly(connection& c, std::int64_t village_id, month_range months,
                                           day_number today);

// Recomputes every rollup from orders and order_partner_fees and describes each difference
// (at most `max_mismatches`); empty when they agree. check_ledger runs it too.
std::vector<std::string> check_rollups(connection& c, std::size_t max_mismatches = 100);

// The statements of county_monthly and village_monthly, as (name, SQL) pairs.
std::vector<std::pair<const char*, const char*>> monthly_statements();

// EXPLAIN QUERY PLAN of each statement the reads above run, as (name, plan) pairs, so tests can
// prove that they are index-driven.
std::vector<std::pair<std::string, std::string>> report_query_plans(connection& c);

}  // namespace cunji::storage
