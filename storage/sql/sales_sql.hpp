#pragma once
// SQL forms of core/sales.hpp's rules, for the reports and the rollup check.
#include <string>

namespace cunji::storage {

// The UTC day of a Unix-seconds column, as core::day_of computes it (floor division).
inline std::string day_of_sql(const std::string& col) {
  return "((" + col + " - (" + col + " < 0) * 86399) / 86400)";
}

// The statuses that count as sales (core::counts_as_sale) as an SQL list: "('paid', ...)".
const std::string& counting_statuses_sql();

}  // namespace cunji::storage
