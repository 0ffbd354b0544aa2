// The writer's WAL buffer (storage/wal_buffer.hpp): fewer, larger writes, and nothing else
// changes: every committed row is seen by other connections and after a reopen, whatever the
// size of the transaction (the buffer goes out in 64 KiB pieces, as the unix VFS writes at most
// 128 KiB per call, and is written out early past 8 MiB).
#include "storage/wal_buffer.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "storage/database.hpp"
#include "support/fault_vfs.hpp"
#include "support/temp_dir.hpp"

using namespace cunji;
using namespace cunji::storage;

namespace {

// Commits `batches` transactions of `rows` rows of `bytes` bytes each; returns the writes the
// database's files received meanwhile.
std::int64_t write_rows(database& db, int batches, int rows, int bytes) {
  auto& vfs = test::fault_vfs::get();
  const auto before = vfs.count(test::io_op::write);
  for (int b = 0; b < batches; ++b) {
    const auto done = db.writer().submit_sync([&](connection& c) -> result<int> {
      for (int r = 0; r < rows; ++r)
        c.run("INSERT INTO blobs (batch, body) VALUES (?, ?)", b, std::string(static_cast<std::size_t>(bytes), 'x'));
      return rows;
    });
    REQUIRE(done.ok());
  }
  return vfs.count(test::io_op::write) - before;
}

std::int64_t count_rows(connection& c) {
  auto q = c.prepare("SELECT count(*) FROM blobs");
  REQUIRE(q.step());
  return q.i64(0);
}

void make_table(database& db) {
  REQUIRE(db.writer()
              .submit_sync([](connection& c) -> result<int> {
                c.exec("CREATE TABLE IF NOT EXISTS blobs (id INTEGER PRIMARY KEY, batch INTEGER, body BLOB)");
                return 0;
              })
              .ok());
}

}  // namespace

TEST_CASE("the WAL buffer writes a commit's frames in few writes", "[storage][wal_buffer]") {
  test::temp_dir dir;
  test::fault_vfs::get();  // registers it: it counts the writes
  std::int64_t writes[2] = {0, 0};
  for (const bool buffered : {false, true}) {
    const auto path = dir.file(buffered ? "buffered.db" : "plain.db");
    database db({.path = test::fault_vfs::uri(path), .checkpoint_wal_pages = 0, .buffer_wal = buffered});
    make_table(db);
    writes[buffered] = write_rows(db, 20, 30, 600);  // about 5 pages per commit
    CHECK(count_rows(db.reader()) == 20 * 30);
  }
  INFO("writes without the buffer: " << writes[0] << ", with it: " << writes[1]);
  // Unbuffered: two writes per frame (header and page). Buffered: about one per commit.
  CHECK(writes[0] >= 20 * 2 * 4);
  CHECK(writes[1] <= writes[0] / 4);
}

TEST_CASE("the WAL buffer loses nothing, whatever the size of a transaction", "[storage][wal_buffer]") {
  test::temp_dir dir;
  const auto path = dir.file("big.db");
  std::int64_t expected = 0;
  {
    database db({.path = path});
    make_table(db);
    // Each frame is 4,120 bytes: 32 frames are 131,840 bytes; appends end at every kind of
    // offset, from one page to more than the 8 MiB the buffer holds before writing out.
    for (const int rows : {1, 7, 31, 32, 33, 64, 500, 2500}) {
      write_rows(db, 1, rows, 3000);  // about one page per row
      expected += rows;
      CHECK(count_rows(db.reader()) == expected);  // another connection sees each commit
    }
  }
  database db({.path = path});
  CHECK(count_rows(db.reader()) == expected);
  auto q = db.reader().prepare("PRAGMA integrity_check");
  REQUIRE(q.step());
  CHECK(q.str(0) == "ok");
}

TEST_CASE("a URI's vfs= gets the WAL buffer over that VFS", "[storage][wal_buffer]") {
  const auto plain = with_wal_buffer("/tmp/x.db");
  CHECK(plain.path == "/tmp/x.db");
  CHECK(plain.vfs.rfind("cunji_walbuf_", 0) == 0);
  test::fault_vfs::get();
  const auto uri = with_wal_buffer("file:/tmp/x.db?mode=rwc&vfs=cunji_fault&cache=private");
  CHECK(uri.path == "file:/tmp/x.db?mode=rwc&vfs=cunji_walbuf_cunji_fault&cache=private");
  CHECK(uri.vfs.empty());
  CHECK(with_wal_buffer("file:/tmp/x.db?vfs=cunji_fault").path == "file:/tmp/x.db?vfs=cunji_walbuf_cunji_fault");
}
