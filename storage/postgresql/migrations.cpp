#include "storage/postgresql/migrations.hpp"

#include <exception>
#include <string>

#include "storage/migration_list.hpp"
#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/pg_failure.hpp"

namespace cunji::embedded {
const std::vector<std::pair<std::string_view, std::string_view>>& pg_migrations();
}

namespace cunji::storage::pg {

namespace {

// The advisory lock's key: "cunji" in ASCII, so that a database administrator can tell it.
constexpr std::int64_t migration_lock = 0x63756e6a69;

task<int> apply(connection& c, const std::vector<migration>& all) {
  co_await c.query(
      "CREATE TABLE IF NOT EXISTS schema_version ("
      " version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)");
  const auto current_row = co_await c.query("SELECT coalesce(max(version), 0) FROM schema_version");
  int current = static_cast<int>(current_row.i64(0, 0));
  if (current > static_cast<int>(all.size()))
    throw pg_failure("database schema version " + std::to_string(current) + " is newer than this binary (" +
                         std::to_string(all.size()) + ")",
                     "22000");
  for (const auto& m : all) {
    if (m.version <= current) continue;
    // One script, one transaction: the migration and the row that records it.
    co_await c.script("BEGIN;\n" + std::string(m.sql) +
                      ";\nINSERT INTO schema_version (version, name, applied_at) VALUES (" + std::to_string(m.version) +
                      ", '" + std::string(m.name) + "', extract(epoch FROM now())::bigint);\nCOMMIT;");
    current = m.version;
  }
  co_return current;
}

}  // namespace

int latest_schema_version() { return static_cast<int>(numbered_migrations(embedded::pg_migrations()).size()); }

task<int> migrate(connection& c) {
  const auto all = numbered_migrations(embedded::pg_migrations());
  co_await c.query("SELECT pg_advisory_lock($1)", params(migration_lock));
  std::exception_ptr failed;
  int version = 0;
  try {
    version = co_await apply(c, all);
  } catch (...) {
    failed = std::current_exception();
  }
  // A failed script leaves its transaction open (aborted): end it, then unlock. A lost
  // connection has released the lock with its session.
  if (c.connected()) {
    try {
      if (!c.reusable()) co_await c.script("ROLLBACK");
      co_await c.query("SELECT pg_advisory_unlock($1)", params(migration_lock));
    } catch (...) {
      if (!failed) failed = std::current_exception();
    }
  }
  if (failed) std::rethrow_exception(failed);
  co_return version;
}

}  // namespace cunji::storage::pg
