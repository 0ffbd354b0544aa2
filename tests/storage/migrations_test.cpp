#include "storage/sqlite/migrations.hpp"

#include <catch2/catch.hpp>

#include "storage/sqlite/connection.hpp"
#include "support/temp_dir.hpp"

using namespace cunji::storage;

namespace {
int table_count(connection& c) {
  auto q = c.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  q.step();
  return static_cast<int>(q.i64(0));
}
}  // namespace

TEST_CASE("migrations apply from empty and are not re-applied on reopen", "[storage][migrations]") {
  cunji::test::temp_dir dir;
  const auto path = dir.file("m.db");
  int tables = 0;
  {
    connection c(path, open_mode::read_write);
    CHECK(migrate(c) == latest_schema_version());
    tables = table_count(c);
    CHECK(tables > 3);
    auto q = c.prepare("SELECT count(*) FROM schema_version");
    q.step();
    CHECK(q.i64(0) == latest_schema_version());
  }
  {
    connection c(path, open_mode::read_write);
    CHECK(migrate(c) == latest_schema_version());
    CHECK(table_count(c) == tables);
    auto q = c.prepare("SELECT count(*) FROM schema_version");
    q.step();
    CHECK(q.i64(0) == latest_schema_version());
    // The schema really is there: STRICT tables with their constraints.
    CHECK_THROWS_AS(c.run("INSERT INTO accounts (role, name, phone, password_hash, created_at) VALUES "
                          "('emperor', 'x', '12345', 'h', 0)"),
                    sqlite_error);
  }
}

TEST_CASE("a database newer than the binary is refused, and nothing changes", "[storage][migrations]") {
  cunji::test::temp_dir dir;
  connection c(dir.file("m.db"), open_mode::read_write);
  migrate(c);
  c.run("INSERT INTO schema_version (version, name, applied_at) VALUES (?, 'future', 0)", latest_schema_version() + 1);
  CHECK_THROWS(migrate(c));
  auto q = c.prepare("SELECT max(version) FROM schema_version");
  q.step();
  CHECK(q.i64(0) == latest_schema_version() + 1);
}

TEST_CASE("prepare rejects SQL holding more than one statement", "[storage][sqlite]") {
  connection c(":memory:", open_mode::read_write);
  CHECK_THROWS_AS(c.prepare("SELECT 1; SELECT 2"), sqlite_error);
  CHECK_NOTHROW(c.prepare("SELECT 1;"));
}
