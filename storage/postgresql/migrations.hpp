#pragma once
// The PostgreSQL schema: numbered SQL files (storage/postgresql/migrations/), embedded at build
// time, applied in order and recorded in schema_version, as the SQLite engine does with its own.
#include "storage/common.hpp"

namespace cunji::storage::pg {

class connection;

// The number of the last migration this binary carries.
int latest_schema_version();

// Brings the database to latest_schema_version() and returns it. Under a session advisory lock,
// so that servers starting together apply each migration exactly once: the others wait, then
// find nothing left to do. Each migration and its schema_version row commit together. Throws
// pg_failure if the database is newer than this binary, or a migration fails (that migration
// then leaves nothing behind).
task<int> migrate(connection& c);

}  // namespace cunji::storage::pg
