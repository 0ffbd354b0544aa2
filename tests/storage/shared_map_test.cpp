// The readers' shared memory map (storage/sqlite/shared_map.hpp): one map per file for every
// reader, kept across the writer's commits, and every row as the writer left it, also in pages
// the file grew by after the map was made.
#include "storage/sqlite/shared_map.hpp"

#include <catch2/catch.hpp>

#include "storage/sqlite/connection.hpp"
#include "support/scalar.hpp"
#include "support/temp_dir.hpp"

using namespace cunji;
using namespace cunji::storage;
using cunji::test::scalar;

TEST_CASE("readers share one map of the file, kept across commits and as the file grows", "[storage][mmap]") {
  test::temp_dir dir;
  const auto path = dir.file("mapped.db");
  connection w(path, open_mode::read_write, {.synchronous = "FULL"});
  w.exec("PRAGMA wal_autocheckpoint=0");  // the test copies the WAL into the file itself
  w.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL) STRICT");
  w.run(
      "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 200) "
      "INSERT INTO t (v) SELECT randomblob(900) FROM s");
  w.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  const connection_options mapped{.mmap_bytes = std::int64_t{64} << 20};
  connection r1(path, open_mode::read_only, mapped), r2(path, open_mode::read_only, mapped);
  const auto before = shared_map_stats();
  constexpr int rounds = 30;
  for (int i = 1; i <= rounds; ++i) {
    w.run("BEGIN");
    w.run(
        "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 20) "
        "INSERT INTO t (v) SELECT randomblob(900) FROM s");
    w.run("UPDATE t SET v = zeroblob(900) WHERE k = ?", std::int64_t{i});
    w.run("COMMIT");
    if (i % 3 == 0) w.exec("PRAGMA wal_checkpoint(PASSIVE)");  // the file grows under the map
    for (auto* r : {&r1, &r2}) {
      REQUIRE(scalar(*r, "SELECT count(*) FROM t") == 200 + 20 * i);
      REQUIRE(scalar(*r, "SELECT count(*) FROM t WHERE v = zeroblob(900)") == i);
      REQUIRE(scalar(*r, "SELECT sum(length(v)) FROM t") == std::int64_t{200 + 20 * i} * 900);
    }
  }
  const auto after = shared_map_stats();
  CHECK(after.maps - before.maps == 1);          // one map for both readers, every commit
  CHECK(after.fetches - before.fetches > 1000);  // and the readers read through it
  auto q = r1.prepare("PRAGMA integrity_check");
  REQUIRE(q.step());
  CHECK(q.text(0) == "ok");
}

TEST_CASE("a reader without a map reads with xRead", "[storage][mmap]") {
  test::temp_dir dir;
  const auto path = dir.file("unmapped.db");
  connection w(path, open_mode::read_write, {.synchronous = "FULL"});
  w.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT");
  w.run("INSERT INTO t (v) VALUES ('村集')");
  const auto before = shared_map_stats();
  connection r(path, open_mode::read_only);
  CHECK(scalar(r, "SELECT count(*) FROM t WHERE v = '村集'") == 1);
  CHECK(shared_map_stats().fetches == before.fetches);
}
