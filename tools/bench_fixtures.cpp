#include "storage/bench_fixtures.hpp"

#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

void tune_for_bulk_load(connection& c) { c.exec("PRAGMA temp_store=MEMORY"); }

}  // namespace cunji::storage
