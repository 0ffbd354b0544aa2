#pragma once
// The fee schedule row on PostgreSQL.
#include "core/fees.hpp"
#include "storage/common.hpp"

namespace cunji::storage::pg {

class connection;

task<fee_schedule> load_fee_schedule(connection& c);
task<void> save_fee_schedule(connection& c, const fee_schedule& s, unix_seconds now);

}  // namespace cunji::storage::pg
