// A write command's savepoint journal (storage/sqlite/connection.cpp, statement_journal_bytes)
// stays in memory, for a command the size of a purchase or larger, instead of going to a
// temporary file.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "storage/sqlite/connection.hpp"
#include "support/scalar.hpp"
#include "support/temp_dir.hpp"

using namespace cunji;
using namespace cunji::storage;
using cunji::test::scalar;

namespace {
// A VFS over the default one that counts the savepoint journals SQLite writes to a file.
int subjournal_files = 0;
sqlite3_vfs counting_vfs;
sqlite3_vfs* default_vfs = nullptr;

int count_open(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  if (flags & SQLITE_OPEN_SUBJOURNAL) ++subjournal_files;
  return default_vfs->xOpen(default_vfs, name, f, flags, out_flags);
}

const char* register_counting_vfs() {
  static const bool done = [] {
    default_vfs = sqlite3_vfs_find(nullptr);
    counting_vfs = *default_vfs;  // its other methods, with their own pAppData
    counting_vfs.zName = "cunji_count_subjournals";
    counting_vfs.xOpen = count_open;
    return sqlite3_vfs_register(&counting_vfs, 0) == SQLITE_OK;
  }();
  REQUIRE(done);
  return counting_vfs.zName;
}

// Changes `pages` pages (a row each) inside a savepoint, rolls the savepoint back and commits;
// returns how many savepoint journals SQLite wrote to a file meanwhile.
int journal_files_for(int pages) {
  test::temp_dir dir;
  const auto path = dir.file("journal.db");
  connection setup(path, open_mode::read_write, {.synchronous = "FULL"});  // SQLite configured first
  setup.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL) STRICT");
  setup.run("BEGIN");
  for (int k = 1; k <= pages; ++k) setup.run("INSERT INTO t (k, v) VALUES (?, randomblob(3000))", k);
  setup.run("COMMIT");

  const std::string uri = std::string("file:") + path + "?vfs=" + register_counting_vfs();
  connection w(uri, open_mode::read_write, {.synchronous = "FULL"});
  subjournal_files = 0;
  w.run("BEGIN IMMEDIATE");
  w.run("SAVEPOINT command");
  w.run("UPDATE t SET v = zeroblob(3000)");  // every page, as it was, into the journal
  CHECK(scalar(w, "SELECT count(*) FROM t WHERE v = zeroblob(3000)") == pages);
  w.run("ROLLBACK TO command");
  w.run("RELEASE command");
  w.run("COMMIT");
  CHECK(scalar(w, "SELECT count(*) FROM t WHERE v = zeroblob(3000)") == 0);
  CHECK(scalar(w, "SELECT count(*) FROM t") == pages);
  return subjournal_files;
}
}  // namespace

TEST_CASE("a savepoint changing 25 pages keeps its journal in memory, and still rolls back", "[storage][wal]") {
  // 100 KiB of journal: SQLite's default (64 KiB) writes it to a file.
  CHECK(journal_files_for(25) == 0);
}

TEST_CASE("a savepoint changing 500 pages keeps its journal in memory, and still rolls back", "[storage][wal]") {
  // 2 MiB: one piece of 128 KiB or more would fail to spill (SQLITE_FULL) and the UPDATE throw.
  CHECK(journal_files_for(500) == 0);
}
