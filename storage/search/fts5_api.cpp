#include "storage/search/fts5_api.hpp"

#include <sqlite3.h>

#include <memory>
#include <string>

#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

fts5_api& fts5_api_of(sqlite3* db, const char* who) {
  const std::string w(who);
  if (db == nullptr) throw sqlite_error(SQLITE_MISUSE, w + ": no connection");
  fts5_api* api = nullptr;
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &raw, nullptr);
  std::unique_ptr<sqlite3_stmt, stmt_deleter> st(raw);
  if (rc != SQLITE_OK) throw_sqlite(db, rc, w + ": FTS5 unavailable");
  rc = sqlite3_bind_pointer(raw, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  if (rc != SQLITE_OK) throw_sqlite(db, rc, w + ": bind");
  rc = sqlite3_step(raw);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) throw_sqlite(db, rc, w + ": step");
  if (api == nullptr || api->iVersion < 2) throw sqlite_error(SQLITE_ERROR, w + ": no usable fts5_api");
  return *api;
}

}  // namespace cunji::storage
