#include "tools/bench_fixtures.hpp"

#include "storage/sqlite/connection.hpp"

namespace cunji::tools {

void tune_for_bulk_load(storage::connection& c) { c.exec("PRAGMA temp_store=MEMORY"); }

}  // namespace cunji::tools
