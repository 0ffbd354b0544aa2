#pragma once
// For tools that bulk-load a database through the ordinary storage functions (the benchmark
// generator, bench/gen_market.cpp). The server never calls these.
#include <cstdint>

#include "core/time.hpp"

namespace cunji::storage {
class connection;
}

namespace cunji::tools {

// Keeps the statement and savepoint journals of this connection in memory instead of spilling
// them to temporary files (PRAGMA temp_store=MEMORY). A bulk load runs many thousands of
// statements inside one writer command's SAVEPOINT; with temporary files every statement's
// journal pages become pwrite calls. Takes effect from the next transaction: call it from the
// first writer command of the load, before anything has used temporary storage.
void tune_for_bulk_load(storage::connection& c);

// What settle_history did.
struct settled {
  std::int64_t unpaid_cancelled = 0, auto_delivered = 0, returned_to_shop = 0, refunds_confirmed = 0;
  bool done = false;  // nothing is left to settle
};

// One step of bringing a generated history to rest at `now`, as a server running all along
// would have left it: one run of the order timers (unpaid orders cancelled, parcels delivered or
// returned) and up to `limit` pending refunds confirmed by the provider a minute after they
// were made. Call it (one writer command each) until `done`. Without it, the server that later
// serves the data spends its first minutes cancelling and refunding history while it is measured.
settled settle_history(storage::connection& c, unix_seconds now, int limit = 5000);

}  // namespace cunji::tools
