#include "storage/sqlite/migrations.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "storage/sql/idempotency.hpp"
#include "storage/sql/phones.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/transaction.hpp"

namespace cunji::embedded {
const std::vector<std::pair<std::string_view, std::string_view>>& migrations();
}

namespace cunji::storage {

namespace {
struct migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Steps in C++ that run right after the migration of their version, in the same transaction:
// rules that are core's (normalize_phone) are not written a second time in SQL.
struct step {
  int version;
  void (*run)(connection&);
};
constexpr step steps[] = {{7, normalize_stored_phones}};

std::vector<migration> sorted_migrations() {
  std::vector<migration> out;
  for (const auto& [name, sql] : embedded::migrations()) {
    int v = 0;
    const auto [p, ec] = std::from_chars(name.data(), name.data() + name.size(), v);
    if (ec != std::errc{} || v <= 0 || *p != '_') throw std::logic_error("bad migration name: " + std::string(name));
    out.push_back({v, name, sql});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  for (std::size_t i = 0; i < out.size(); ++i)
    if (out[i].version != static_cast<int>(i) + 1) throw std::logic_error("migrations must be numbered 1, 2, 3...");
  return out;
}
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
    for (const auto& s : steps)
      if (s.version == m.version) s.run(c);
    c.run("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, unixepoch())", m.version, m.name);
    current = m.version;
  }
  tx.commit();
  return current;
}

}  // namespace cunji::storage
