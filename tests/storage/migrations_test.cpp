#include "storage/sqlite/migrations.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/sql/accounts.hpp"
#include "storage/sql/idempotency.hpp"
#include "storage/sql/phones.hpp"
#include "storage/sqlite/connection.hpp"
#include "support/temp_dir.hpp"

namespace cunji::embedded {
const std::vector<std::pair<std::string_view, std::string_view>>& migrations();
}

using namespace cunji::storage;

namespace {
int table_count(connection& c) {
  auto q = c.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  q.step();
  return static_cast<int>(q.i64(0));
}

// Applies the migrations up to `version` only, as a binary of that time did.
void migrate_to(connection& c, int version) {
  register_idempotency_functions(c.handle());  // migration 0005 computes key hashes
  c.exec(
      "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) "
      "STRICT");
  for (const auto& [name, sql] : cunji::embedded::migrations()) {
    const int v = std::stoi(std::string(name.substr(0, 4)));
    if (v > version) continue;
    c.exec(sql);
    c.run("INSERT INTO schema_version VALUES (?, ?, 0)", v, name);
  }
}

std::string phone_of(connection& c, const char* table, std::int64_t id) {
  auto q = c.prepare(std::string("SELECT coalesce(phone, 'NULL') FROM ") + table + " WHERE id = ?");
  q.bind(1, id);
  REQUIRE(q.step());
  return q.str(0);
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

TEST_CASE("migration 0011: stored phones take their normal form, and collisions are listed, not merged",
          "[storage][migrations][phone]") {
  cunji::test::temp_dir dir;
  connection c(dir.file("old.db"), open_mode::read_write);
  migrate_to(c, 6);
  c.exec(
      "INSERT INTO counties (id, name, province, poverty_stricken, created_at) VALUES (1, '城口县', '重庆市', 1, 0)");
  c.exec("INSERT INTO villages (id, county_id, name, created_at) VALUES (1, 1, '岚天村', 0)");
  const std::pair<int, const char*> accounts[] = {
      {1, "+8613900139000"},                        // alone: rewritten
      {2, "13800138000"},                           // already normal
      {3, "+8613800138000"},                        // its normal form is account 2's: listed
      {4, "+8613700137000"},                        // 4 and 5 would share one number: both listed
      {5, "008613700137000"}, {6, "+85291234567"},  // not a mainland number: kept
      {7, "+861065529988"},                         // a Beijing landline: trunk 0
  };
  for (const auto& [id, phone] : accounts)
    c.run("INSERT INTO accounts (id, role, name, phone, password_hash, created_at) VALUES (?, 'buyer', 'x', ?, 'h', 0)",
          id, phone);
  c.exec(
      "INSERT INTO villagers (id, village_id, name, phone, registered_by, created_at) VALUES "
      "(1, 1, '张奶奶', '+8613600136000', 1, 0), (2, 1, '李爷爷', NULL, 1, 0), (3, 1, '王婶', '13500135000', 1, 0)");

  CHECK(migrate(c) == latest_schema_version());
  CHECK(phone_of(c, "accounts", 1) == "13900139000");
  CHECK(phone_of(c, "accounts", 2) == "13800138000");
  CHECK(phone_of(c, "accounts", 3) == "+8613800138000");
  CHECK(phone_of(c, "accounts", 4) == "+8613700137000");
  CHECK(phone_of(c, "accounts", 5) == "008613700137000");
  CHECK(phone_of(c, "accounts", 6) == "+85291234567");
  CHECK(phone_of(c, "accounts", 7) == "01065529988");
  CHECK(phone_of(c, "villagers", 1) == "13600136000");
  CHECK(phone_of(c, "villagers", 2) == "NULL");
  CHECK(phone_of(c, "villagers", 3) == "13500135000");

  auto conflicts = phone_conflicts(c);
  REQUIRE(conflicts.size() == 3);
  CHECK(conflicts[0].account_id == 3);
  CHECK(conflicts[0].phone == "+8613800138000");
  CHECK(conflicts[0].normal_phone == "13800138000");
  CHECK(conflicts[1].account_id == 4);
  CHECK(conflicts[2].account_id == 5);
  CHECK(conflicts[2].normal_phone == "13700137000");

  // While listed, the shared number cannot be registered a third time.
  const auto taken = insert_account(c, {cunji::role::buyer, "新人", "13700137000", "pw", std::nullopt}, "h", 0);
  REQUIRE_FALSE(taken.ok());
  CHECK(taken.err().code == cunji::errc::conflict);
  CHECK(insert_account(c, {cunji::role::buyer, "新人", "13400134000", "pw", std::nullopt}, "h", 0).ok());

  // The step ran once, with its migration: a reopen changes nothing.
  c.run("UPDATE accounts SET phone = '+8613300133000' WHERE id = 6");
  CHECK(migrate(c) == latest_schema_version());
  CHECK(phone_of(c, "accounts", 6) == "+8613300133000");
  CHECK(phone_conflicts(c).size() == 3);
}
