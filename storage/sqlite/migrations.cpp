#include "storage/sqlite/migrations.hpp"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "storage/migration_list.hpp"
#include "storage/sql/idempotency.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/migration_steps.hpp"
#include "storage/sqlite/transaction.hpp"

namespace cunji::embedded {
const std::vector<std::pair<std::string_view, std::string_view>>& migrations();
}

namespace cunji::storage {

namespace {
std::vector<migration> sorted_migrations() { return numbered_migrations(embedded::migrations()); }
}  // namespace

int latest_schema_version() { return static_cast<int>(sorted_migrations().size()); }

int migrate(connection& c) {
  const auto all = sorted_migrations();
  register_idempotency_functions(c.handle());  // migration 0005 computes key hashes
  // A failed migration or COMMIT rolls back (the guard); the first error is the one reported.
  transaction tx(c, transaction::mode::immediate);
  c.exec(
      "CREATE TABLE IF NOT EXISTS schema_version ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT");
  int current = 0;
  {
    auto q = c.prepare("SELECT coalesce(max(version), 0) FROM schema_version");
    if (q.step()) current = static_cast<int>(q.i64(0));
  }
  if (current > static_cast<int>(all.size()))
    throw std::runtime_error("database schema version " + std::to_string(current) + " is newer than this binary (" +
                             std::to_string(all.size()) + ")");
  for (const auto& m : all) {
    if (m.version <= current) continue;
    c.exec(m.sql);
    run_migration_step(c, m.version);
    c.run("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, unixepoch())", m.version, m.name);
    current = m.version;
  }
  tx.commit();
  return current;
}

}  // namespace cunji::storage
