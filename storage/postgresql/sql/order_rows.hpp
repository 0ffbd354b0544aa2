#pragma once
// Reading orders on PostgreSQL: the columns, a row, and its lines and partner fees.
#include "core/order.hpp"
#include "storage/common.hpp"

namespace cunji::storage::pg {

class connection;
class row_set;

// The columns read_order_row reads, in its order.
extern const char* const order_cols;
order read_order_row(const row_set& r, int row);
// The order's lines and partner fees.
task<void> load_details(connection& c, order& o);

}  // namespace cunji::storage::pg
