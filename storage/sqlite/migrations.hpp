#pragma once
// Numbered SQL migrations under storage/sqlite/migrations/, embedded in the binary.
#include <string_view>

namespace cunji::storage {

class connection;

// Applies every migration newer than the database's recorded version, all in one
// transaction, and records each. Returns the schema version afterwards. Throws on failure
// (and then nothing was applied).
int migrate(connection& c);

// The highest migration version that this binary knows.
int latest_schema_version();

}  // namespace cunji::storage
