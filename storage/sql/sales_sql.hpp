#pragma once
// SQL forms of core/sales.hpp's rules, for the reports and the rollup check.
#include <string>

namespace cunji::storage {

// The UTC day of a Unix-seconds column, as core::day_of computes it (floor division).
inline std::string day_of_sql(const std::string& col) { return "((" + col + " - (" + col + " < 0) * 86399) / 86400)"; }

// The month (core::month_number, months since 1970-01) of a UTC day-number expression.
inline std::string month_of_sql(const std::string& day) {
  return "((CAST(strftime('%Y', (" + day +
         ") * 86400, 'unixepoch') AS INTEGER) - 1970) * 12 + "
         "CAST(strftime('%m', (" +
         day + ") * 86400, 'unixepoch') AS INTEGER) - 1)";
}

// The statuses that count as sales (core::counts_as_sale) as an SQL list: "('paid', ...)".
const std::string& counting_statuses_sql();

}  // namespace cunji::storage
