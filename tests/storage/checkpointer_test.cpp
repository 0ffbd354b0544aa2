// The background checkpointer (storage/sqlite/checkpointer.hpp): under a writer that never pauses,
// and with readers coming and going, the WAL is copied into the database and starts over, so
// it stays bounded; nothing written is lost across a close and reopen.
#include "storage/sqlite/checkpointer.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "storage/sqlite/database.hpp"
#include "support/scalar.hpp"
#include "support/temp_dir.hpp"

using namespace cunji;
using namespace cunji::storage;
using cunji::test::scalar;

namespace {
struct outcome {
  std::uintmax_t largest_wal = 0;
  checkpoint_stats counts;
  std::int64_t reads = 0;
};

// 30,000 rows in batches of 50 from one thread while another reads all along, as the HTTP
// threads do; notes the WAL's largest size.
outcome run_workload(const std::string& path, checkpoint_sizes sizes) {
  constexpr int rows = 30000, per_batch = 50;
  outcome out;
  database db({.path = path, .checkpoints = sizes});
  db.writer().submit_sync([](connection& c) -> result<unit> {
    c.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT; CREATE INDEX t_v ON t (v)");
    return unit{};
  });
  std::atomic<bool> done{false};
  std::atomic<std::int64_t> reads{0};
  std::thread reader([&] {
    while (!done) {
      auto& c = db.reader();
      if (scalar(c, "SELECT count(*) FROM (SELECT k FROM t ORDER BY k DESC LIMIT 10)") >= 0) ++reads;
    }
  });
  for (int b = 0; b < rows / per_batch; ++b) {
    // Random values spread the index writes over many pages.
    db.writer().submit_sync([b](connection& c) -> result<unit> {
      for (int i = 0; i < per_batch; ++i)
        c.run("INSERT INTO t (k, v) VALUES (?, hex(randomblob(24)))", static_cast<std::int64_t>(b) * per_batch + i);
      return unit{};
    });
    std::error_code ec;
    const auto size = std::filesystem::file_size(path + "-wal", ec);
    if (!ec) out.largest_wal = std::max(out.largest_wal, size);
  }
  done = true;
  reader.join();
  out.counts = db.checkpoint_counts();
  out.reads = reads;
  return out;
}
}  // namespace

TEST_CASE("a steady writer's WAL is copied in the background and starts over", "[storage][checkpoint]") {
  test::temp_dir dir;
  const auto path = dir.file("c.db");
  const auto bounded = run_workload(path, {.pass_pages = 64, .restart_pages = 256});
  const auto& seen = bounded.counts;
  INFO("passes " << seen.passes << ", tails " << seen.tails << ", restarts " << seen.restarts << ", busy " << seen.busy
                 << ", reads " << bounded.reads << ", largest WAL " << bounded.largest_wal);
  CHECK(bounded.reads > 0);
  CHECK(seen.passes > 0);
  CHECK(seen.tails > 0);
  CHECK(seen.restarts > 0);
  // Passes that find nothing to copy wait for the next commit instead of spinning.
  CHECK(seen.passes < 30000 / 50 * 4);

  // Closed: everything is in the database file.
  {
    connection c(path, open_mode::read_write);
    CHECK(scalar(c, "SELECT count(*) FROM t") == 30000);
    CHECK(scalar(c, "SELECT count(*) FROM t INDEXED BY t_v WHERE v > ''") == 30000);
    auto q = c.prepare("PRAGMA integrity_check");
    REQUIRE(q.step());
    CHECK(q.str(0) == "ok");
  }

  // The same work with the WAL never restarted: it holds every page written, several times
  // what the restarts let it reach.
  const auto unbounded = run_workload(dir.file("u.db"), {.pass_pages = 64, .restart_pages = 1 << 30});
  INFO("without restarts: largest WAL " << unbounded.largest_wal);
  CHECK(unbounded.counts.restarts == 0);
  CHECK(bounded.largest_wal * 3 < unbounded.largest_wal);
}

TEST_CASE("when the writer goes idle the WAL is copied whole and starts over", "[storage][checkpoint]") {
  test::temp_dir dir;
  const auto path = dir.file("i.db");
  // Sizes the writes below never reach: only the idle restart empties the WAL.
  database db({.path = path, .checkpoints = {.pass_pages = 100000, .restart_pages = 100000}});
  db.writer().submit_sync([](connection& c) -> result<unit> {
    c.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT");
    for (int i = 0; i < 2000; ++i) c.run("INSERT INTO t (k, v) VALUES (?, hex(randomblob(100)))", i);
    return unit{};
  });
  // A reader on the newest snapshot does not hold it up; a reader that stays in a transaction
  // across the idle spell does, and the restart waits for the next idle spell after a commit.
  auto& r = db.reader();
  r.run("BEGIN");
  CHECK(scalar(r, "SELECT count(*) FROM t") == 2000);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  CHECK(db.checkpoint_counts().idle_restarts == 0);
  r.run("COMMIT");
  db.writer().submit_sync([](connection& c) -> result<unit> {
    c.run("INSERT INTO t (k, v) VALUES (2000, 'last')");
    return unit{};
  });
  for (int i = 0; i < 100 && db.checkpoint_counts().idle_restarts == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(db.checkpoint_counts().idle_restarts == 1);
  // Everything was copied, so the next commit starts the WAL over: it holds that commit's
  // frame or two, not the dozens written before.
  db.writer().submit_sync([](connection& c) -> result<unit> {
    c.run("INSERT INTO t (k, v) VALUES (2001, 'after')");
    return unit{};
  });
  connection other(path, open_mode::read_write);
  auto q = other.prepare("PRAGMA wal_checkpoint(PASSIVE)");
  REQUIRE(q.step());
  INFO("frames in the WAL: " << q.i64(1));
  CHECK(q.i64(1) <= 3);
  CHECK(scalar(db.reader(), "SELECT count(*) FROM t") == 2002);
}
