#pragma once
// The FTS5 API of a connection (for registering tokenizers and auxiliary functions).
// <sqlite3.h> stays inside storage/*.cpp.
struct sqlite3;
struct fts5_api;

namespace cunji::storage {

// The connection's fts5_api (version 2 or later). Throws sqlite_error if FTS5 is unavailable;
// `who` names the caller in the message.
fts5_api& fts5_api_of(sqlite3* db, const char* who);

}  // namespace cunji::storage
