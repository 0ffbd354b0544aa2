#pragma once
// The fee schedule row on PostgreSQL.
#include <vector>

#include "core/fees.hpp"
#include "storage/common.hpp"
#include "storage/postgresql/connection.hpp"

namespace cunji::storage::pg {

task<fee_schedule> load_fee_schedule(connection& c);
// The same as two statements for a pipeline (the row, then the category rates), and the
// schedule their rows hold.
std::vector<statement> fee_schedule_statements();
fee_schedule fee_schedule_in(const row_set& row, const row_set& rates);
task<void> save_fee_schedule(connection& c, const fee_schedule& s, unix_seconds now);

}  // namespace cunji::storage::pg
