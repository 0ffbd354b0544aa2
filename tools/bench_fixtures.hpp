#pragma once
// For tools that bulk-load a database through the ordinary storage functions (the benchmark
// generator, bench/gen_market.cpp). The server never calls these.
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

}  // namespace cunji::tools
