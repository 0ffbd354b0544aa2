#pragma once
// Calendar months for the monthly reports. Pure rules; storage reads the rollups month by month
// with them (storage/sql/monthly.cpp).
//
// A month is a UTC calendar month, numbered from 1970-01 (month 0); its days are the UTC day
// numbers of core/sales.hpp, [first_day(m), first_day(m + 1)). An order counts in the month of
// its creation day, by core/sales.hpp's counting rule.
//
// Ranges. `from` and `to` are "YYYY-MM", both included. With neither, a report covers the last
// 12 whole months and the current one (13 months); with only `to`, the 13 months ending at `to`;
// with only `from`, from `from` to the current month. `to` may not be after the current month,
// `from` may not be after `to`, and a range holds at most max_report_months months.
//
// Taobao village at a month's end: the village rule (core/region.hpp, both thresholds reached)
// evaluated on the month's status day — its last day, or today for the current month — with
// GMV over the village window ending that day (core/sales.hpp) and, as its active shops, the
// shops of the village with a counting order created in that same window.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/sales.hpp"

namespace cunji {

// Months since 1970-01 (UTC); negative before.
using month_number = std::int64_t;

inline constexpr month_number default_report_months = 13;
inline constexpr month_number max_report_months = 36;

month_number month_of_day(day_number d) noexcept;
day_number first_day(month_number m) noexcept;
// The days of a month, [first day, first day of the next).
day_range days_of(month_number m) noexcept;
// The day a month's Taobao status is evaluated on: its last day, or `today` if earlier.
day_number status_day(month_number m, day_number today) noexcept;

// "YYYY-MM" (year 1970..9999, month 01..12, nothing else); nullopt if malformed.
std::optional<month_number> parse_month(std::string_view s) noexcept;
std::string format_month(month_number m);

// Months [from, to], both included.
struct month_range {
  month_number from = 0;
  month_number to = 0;
  constexpr month_number size() const noexcept { return to - from + 1; }
  constexpr bool operator==(const month_range&) const = default;
};

// The range of a monthly report from its `from` and `to` query parameters, with the defaults
// above. Errors (validation_failed) name the parameter: a malformed month names itself; `to`
// after the current month names `to`; from > to names `to` (or `from` when `to` was not
// given); more than max_report_months months names `from`.
result<month_range> report_months(std::optional<std::string_view> from, std::optional<std::string_view> to,
                                  day_number today);

// Does a shop that sold on `sale_days` (ascending) count as active on `day`: a sale in the
// village window ending that day?
bool sold_in_window(const std::vector<day_number>& sale_days, day_number day) noexcept;

}  // namespace cunji
