#pragma once
// The fee schedule row.
#include "core/fees.hpp"

namespace cunji::storage {

class connection;

fee_schedule load_fee_schedule(connection& c);
void save_fee_schedule(connection& c, const fee_schedule& s, unix_seconds now);

}  // namespace cunji::storage
