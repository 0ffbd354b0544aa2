#pragma once
#include <string>

namespace cunji::storage {

// Copies the database at `from` into `to` with SQLite's online backup API inside one read
// transaction (WAL: the server's writer keeps committing meanwhile). Throws sqlite_error on failure.
void backup(const std::string& from, const std::string& to);

}  // namespace cunji::storage
