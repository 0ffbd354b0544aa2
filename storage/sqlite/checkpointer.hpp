#pragma once
// Copies the WAL into the database file on a thread of its own, so the writer's COMMIT does not.
//
// SQLite's own scheme (wal_autocheckpoint) makes the COMMIT that takes the WAL past N pages copy
// all of them into the database and fsync it, on the writer thread, while every order of the
// next batch waits; on a large database those are N scattered page writes. Here:
//  - after each commit the writer reports the WAL's size (a WAL hook, so SQLite's automatic
//    checkpoints are off); each time `pass_pages` more are in it, the checkpointer thread runs
//    a PASSIVE checkpoint on its own connection: it copies what no reader still needs,
//    without blocking the writer or the readers. Readers look pages up only among the frames
//    not copied yet, so passes keep their reads cheap. Larger passes copy a page changed many
//    times once (orders of one buyer, of one shop, of one listing), so fewer, larger passes
//    write less (docs/adr/0004-checkpointer-thread.md has the figures). A pass that
//    the writer outran does not sync the database file (SQLite syncs it only when a checkpoint
//    reaches the WAL's end; until then the WAL is what counts), so after each pass the kernel
//    is asked to start writing the copied pages back (start_writeback);
//  - a steady writer keeps appending meanwhile, so the WAL is never wholly copied when the
//    writer starts its next transaction, and only then can SQLite start it over from the
//    beginning (otherwise it grows without end). So once it holds `restart_pages`, passes
//    follow one another to catch up (up to 8), each syncing the database file on this thread
//    (sync_copied_pages) so that the writer's sync below has only the tail's pages to write,
//    and once a pass has left only a short tail (pass_pages / 64), the checkpointer asks the
//    writer to copy that tail itself,
//    between two batches (copy_tail_if_asked), with a RESTART checkpoint: everything is
//    copied and the next commit starts the WAL over, unless a reader stays on an old snapshot
//    for more than a few milliseconds (then it is tried again when the WAL has grown by
//    another pass). Restarting seldom keeps the writer's share of the copying small;
//  - when the writer has committed nothing for 200 ms, the checkpointer runs the RESTART
//    checkpoint itself (restart_while_idle), so that after a burst of writes the readers go
//    back to reading the database file alone.
// Durability is SQLite's: a checkpoint syncs the WAL before copying, the WAL starts over only
// after a checkpoint that reached its end has synced the database, and an interrupted one is
// simply redone from the WAL.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

struct checkpoint_sizes {
  int pass_pages = 32000;      // a background pass once the WAL holds this many uncopied pages
  int restart_pages = 128000;  // the WAL starts over once it holds this many pages (~530 MB)
};

struct checkpoint_stats {
  std::uint64_t passes = 0;         // background PASSIVE checkpoints
  std::uint64_t tails = 0;          // tails copied by the writer
  std::uint64_t restarts = 0;       // times the WAL started over: tails + idle_restarts
  std::uint64_t busy = 0;           // checkpoints cut short by another one or by a reader
  std::uint64_t idle_restarts = 0;  // restarts by the checkpointer while the writer was idle
};

class checkpointer {
 public:
  checkpointer(const std::string& path, const connection_options& opts, checkpoint_sizes sizes);
  checkpointer(const checkpointer&) = delete;
  checkpointer& operator=(const checkpointer&) = delete;
  ~checkpointer();

  // Installs the WAL hook on the writer's connection (before the writer thread starts).
  void watch(connection& writer_conn);
  // Writer thread, between batches: copies the WAL's tail if a round asked for it. The
  // writer's connection must have been opened with the same connection_options.
  void copy_tail_if_asked(connection& writer_conn);
  void stop();
  checkpoint_stats stats() const noexcept;

 private:
  void wal_size(int frames) noexcept;
  bool pass_due() const noexcept;  // with m_ held
  void restart_while_idle(std::unique_lock<std::mutex>& lk);
  // After a pass: the kernel starts writing the copied pages to the database file.
  void start_writeback() noexcept;
  // After a catch-up pass: the copied pages are synced to the database file (fdatasync).
  void sync_copied_pages() noexcept;
  // A RESTART checkpoint on `c` that waits only briefly for readers; SQLite's result code.
  int restart_checkpoint(connection& c, int& copied);
  // After a RESTART checkpoint succeeded (m_ held): the next commit starts the WAL over.
  void started_over(bool no_commit_since);
  void loop();

  connection conn_;
  const int pass_pages_, restart_pages_, tail_pages_;
  const int busy_timeout_ms_;  // of both connections, restored after a RESTART checkpoint
  mutable std::mutex m_;
  std::condition_variable cv_;
  bool stopping_ = false;
  int frames_ = 0;                // WAL frames after the writer's last commit
  int copied_ = 0;                // frames copied so far (since the WAL last started over)
  std::uint64_t generation_ = 0;  // WAL restarts seen; a pass's result is for its generation
  bool tail_asked_ = false;
  int retry_at_ = 0;  // after a cut-short tail: the WAL size at which to try again
  std::atomic<std::uint64_t> passes_{0}, tails_{0}, busy_{0}, idle_restarts_{0};
  std::chrono::steady_clock::time_point last_commit_{};
  bool idle_tried_ = false;  // an idle restart was tried since the last commit
  int db_fd_ = -1;           // the database file, for start_writeback and sync_copied_pages
  std::thread thread_;
};

}  // namespace cunji::storage
