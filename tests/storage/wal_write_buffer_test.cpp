// The WAL write buffer (storage/sqlite/wal_write_buffer.hpp): a connection that syncs the WAL at every
// commit writes it in few large writes, and nothing another connection or the writer itself
// reads is ever missing from the file.
#include "storage/sqlite/wal_write_buffer.hpp"

#include <catch2/catch.hpp>

#include "storage/sqlite/connection.hpp"
#include "support/scalar.hpp"
#include "support/temp_dir.hpp"

using namespace cunji;
using namespace cunji::storage;
using cunji::test::scalar;

namespace {
std::string integrity(connection& c) {
  auto q = c.prepare("PRAGMA integrity_check");
  q.step();
  return std::string(q.text(0));
}
}  // namespace

TEST_CASE("a commit's WAL frames are in the file before the commit returns, in few writes", "[storage][wal]") {
  test::temp_dir dir;
  const auto path = dir.file("buffered.db");
  connection w(path, open_mode::read_write, {.synchronous = "FULL"});
  w.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL) STRICT");
  connection r(path, open_mode::read_only);
  const auto before = wal_write_buffer_stats();
  constexpr int commits = 40, rows = 25;
  for (int i = 1; i <= commits; ++i) {
    w.run("BEGIN");
    for (int j = 0; j < rows; ++j) w.run("INSERT INTO t (v) VALUES (randomblob(900))");
    w.run("COMMIT");
    // Another connection reads the new frames straight from the file.
    REQUIRE(scalar(r, "SELECT count(*) FROM t") == i * rows);
    REQUIRE(scalar(r, "SELECT sum(length(v)) FROM t") == std::int64_t{i} * rows * 900);
  }
  const auto after = wal_write_buffer_stats();
  const auto in = after.writes_in - before.writes_in, out = after.writes_out - before.writes_out;
  // About 7 pages a commit, written by SQLite as a header and a page each.
  CHECK(in >= commits * 2 * 6);
  CHECK(out <= commits * 2);
  CHECK(integrity(r) == "ok");
}

TEST_CASE("the writer reads back frames it has not synced yet", "[storage][wal]") {
  test::temp_dir dir;
  const auto path = dir.file("spill.db");
  connection w(path, open_mode::read_write, {.synchronous = "FULL"});
  w.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL) STRICT; CREATE INDEX t_v ON t (v)");
  // A page cache of 10 pages: a large transaction spills changed pages into the WAL before it
  // commits (buffered, not synced), then reads them back and changes some of them again.
  w.exec("PRAGMA cache_size=10");
  const auto before = wal_write_buffer_stats();
  w.run("BEGIN");
  for (int j = 0; j < 3000; ++j) w.run("INSERT INTO t (v) VALUES (randomblob(300))");
  w.run("UPDATE t SET v = zeroblob(300) WHERE k % 7 = 0");
  CHECK(scalar(w, "SELECT count(*) FROM t WHERE v = zeroblob(300)") == 3000 / 7);
  CHECK(scalar(w, "SELECT sum(length(v)) FROM t") == 3000 * 300);
  w.run("COMMIT");
  CHECK(wal_write_buffer_stats().writes_in > before.writes_in);
  connection r(path, open_mode::read_only);
  CHECK(scalar(r, "SELECT count(*) FROM t WHERE v = zeroblob(300)") == 3000 / 7);
  CHECK(scalar(r, "SELECT count(*) FROM t INDEXED BY t_v WHERE v >= x''") == 3000);
  CHECK(integrity(r) == "ok");
}

TEST_CASE("a connection that does not sync every commit writes its WAL unbuffered", "[storage][wal]") {
  test::temp_dir dir;
  const auto path = dir.file("normal.db");
  connection w(path, open_mode::read_write, {.synchronous = "NORMAL"});
  w.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL) STRICT");
  connection r(path, open_mode::read_only);
  const auto before = wal_write_buffer_stats();
  for (int i = 1; i <= 10; ++i) {
    w.run("INSERT INTO t (v) VALUES (randomblob(900))");
    REQUIRE(scalar(r, "SELECT count(*) FROM t") == i);
  }
  CHECK(wal_write_buffer_stats().writes_in == before.writes_in);
}
