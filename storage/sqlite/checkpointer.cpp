#include "storage/sqlite/checkpointer.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <unistd.h>

namespace cunji::storage {

namespace {
// How long the writer's tail copy waits for readers on older snapshots (each read is short).
constexpr int tail_wait_ms = 10;
// After this long without a commit the WAL is copied whole and started over.
constexpr std::chrono::milliseconds idle_after{200};
// Passes that may follow one another to catch up before the writer copies whatever is left,
// so a writer faster than the copying still sees its WAL bounded.
constexpr int max_catch_up_passes = 8;
}  // namespace

checkpointer::checkpointer(const std::string& path, const connection_options& opts, checkpoint_sizes sizes)
    : conn_(path, open_mode::read_write, opts),
      pass_pages_(sizes.pass_pages > 0 ? sizes.pass_pages : 1),
      restart_pages_(sizes.restart_pages > pass_pages_ ? sizes.restart_pages : pass_pages_),
      tail_pages_(pass_pages_ / 64 > 0 ? pass_pages_ / 64 : 1),
      busy_timeout_ms_(opts.busy_timeout_ms) {
  // A descriptor of its own on the database file, for start_writeback (none: no hints).
  if (const char* f = sqlite3_db_filename(conn_.handle(), "main"); f && *f) db_fd_ = ::open(f, O_RDONLY | O_CLOEXEC);
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "cunji-checkpt");  // as top -H and perf show it
    loop();
  });
}

checkpointer::~checkpointer() {
  stop();
  if (db_fd_ >= 0) ::close(db_fd_);
}

void checkpointer::stop() {
  {
    std::lock_guard lk(m_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void checkpointer::watch(connection& writer_conn) {
  sqlite3_wal_hook(
      writer_conn.handle(),
      [](void* self, sqlite3*, const char*, int frames) {
        static_cast<checkpointer*>(self)->wal_size(frames);
        return SQLITE_OK;
      },
      this);
}

bool checkpointer::pass_due() const noexcept {
  if (tail_asked_) return false;
  const int left = frames_ - copied_;
  return left >= pass_pages_ || (frames_ >= restart_pages_ && frames_ >= retry_at_ && left > tail_pages_);
}

void checkpointer::wal_size(int frames) noexcept {
  bool wake = false;
  {
    std::lock_guard lk(m_);
    frames_ = frames;
    last_commit_ = std::chrono::steady_clock::now();
    idle_tried_ = false;
    wake = pass_due();
  }
  if (wake) cv_.notify_one();
}

void checkpointer::loop() {
  std::unique_lock lk(m_);
  int catch_up = 0;
  for (;;) {
    if (!cv_.wait_for(lk, idle_after, [&] { return stopping_ || pass_due(); })) {
      if (frames_ > 0 && !idle_tried_ && std::chrono::steady_clock::now() - last_commit_ >= idle_after)
        restart_while_idle(lk);
      continue;
    }
    if (stopping_) return;
    const auto generation = generation_;
    const int frames_before = frames_, copied_before = copied_;
    lk.unlock();
    int log = 0, copied = 0;
    const int rc = sqlite3_wal_checkpoint_v2(conn_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
    if (rc == SQLITE_OK && copied > copied_before) {
      if (frames_before >= restart_pages_) sync_copied_pages();  // catching up: the tail comes next
      else start_writeback();
    }
    lk.lock();
    if (generation != generation_) continue;  // the WAL restarted meanwhile: `copied` is of the old one
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      ++busy_;
      cv_.wait_for(lk, std::chrono::milliseconds(1), [&] { return stopping_; });
      continue;
    }
    ++passes_;
    // After an I/O error the writer's commits report their own; this pass counts as done.
    copied_ = rc == SQLITE_OK ? copied : frames_;
    if (copied_ <= copied_before) {
      // Nothing copied: every frame left is still needed by a reader on an older snapshot.
      // Try again after the writer's next commit (or a moment), not in a tight loop.
      cv_.wait_for(lk, std::chrono::milliseconds(5), [&] { return stopping_ || frames_ != frames_before; });
      continue;
    }
    if (frames_ < restart_pages_) {
      catch_up = 0;
    } else if (frames_ >= retry_at_ && (frames_ - copied_ <= tail_pages_ || ++catch_up >= max_catch_up_passes)) {
      catch_up = 0;
      tail_asked_ = true;
    }
  }
}

void checkpointer::start_writeback() noexcept {
  // A pass that the writer outran (it committed while the pass copied) copies pages into the
  // database file without syncing it: SQLite syncs the database only when a checkpoint reaches
  // the WAL's end, which under load only the RESTART does -- on the writer thread, where the
  // fsync would then write back every page copied since the previous restart, with every order
  // waiting. So each pass asks the kernel to start
  // writing its pages back now, in the background. A hint only: what makes them durable is
  // still SQLite's fsync before the WAL starts over.
  if (db_fd_ >= 0) ::sync_file_range(db_fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
}

void checkpointer::sync_copied_pages() noexcept {
  // A catch-up pass, shortly before the writer copies the tail: the pages copied so far are
  // made durable here, on this thread, while the writer goes on, so that the fsync of the
  // RESTART checkpoint, with every command waiting, has only the tail's pages to write. Only
  // more durable than SQLite asks for; an I/O error is reported to SQLite's own descriptor
  // by its own fsync all the same (each open file sees a writeback error).
  if (db_fd_ >= 0) ::fdatasync(db_fd_);
}

void checkpointer::restart_while_idle(std::unique_lock<std::mutex>& lk) {
  // The writer has been idle for a while: copy everything, so that readers, which look up
  // every page among the WAL's uncopied frames first, read the database file alone until the
  // next write, and that write starts the WAL over. RESTART takes the write lock while it works:
  // a writer arriving meanwhile waits for it (a few milliseconds at most: the copying is done
  // by the PASSIVE pass before it, and readers on older snapshots get tail_wait_ms).
  idle_tried_ = true;
  const auto generation = generation_;
  lk.unlock();
  int log = 0, copied = 0;
  sqlite3_wal_checkpoint_v2(conn_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
  const int rc = restart_checkpoint(conn_, copied);
  lk.lock();
  ++passes_;
  if (rc != SQLITE_OK) {
    ++busy_;  // tried again after the next commit and idle spell
    return;
  }
  ++idle_restarts_;
  // A commit that came in after the restart has set frames_ already; it counts from 0.
  if (generation == generation_) started_over(std::chrono::steady_clock::now() - last_commit_ >= idle_after);
}

int checkpointer::restart_checkpoint(connection& c, int& copied) {
  // Readers still on snapshots older than the last commit get tail_wait_ms to finish.
  sqlite3* db = c.handle();
  sqlite3_busy_timeout(db, tail_wait_ms);
  int log = 0;
  const int rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_RESTART, &log, &copied);
  sqlite3_busy_timeout(db, busy_timeout_ms_);
  return rc;
}

void checkpointer::started_over(bool no_commit_since) {
  ++generation_;
  if (no_commit_since) frames_ = 0;
  copied_ = retry_at_ = 0;
  tail_asked_ = false;
}

void checkpointer::copy_tail_if_asked(connection& writer_conn) {
  {
    std::lock_guard lk(m_);
    if (!tail_asked_) return;
  }
  // On the writer thread between its transactions, so no commit can come in between: a
  // RESTART checkpoint copies the rest and waits (briefly) for readers still on snapshots
  // older than that to finish; the writer's next commit then starts the WAL over from its
  // beginning. If a reader does not finish in time, the WAL goes on growing until the next
  // round tries again.
  int copied = 0;
  const int rc = restart_checkpoint(writer_conn, copied);
  std::lock_guard lk(m_);
  tail_asked_ = false;
  if (rc == SQLITE_OK) {
    ++tails_;
    started_over(true);
  } else {
    // A reader kept an old snapshot (a backup, say): try again once the WAL has grown by
    // another pass, not after every batch.
    ++busy_;
    if (copied > copied_) copied_ = copied;
    retry_at_ = frames_ + pass_pages_;
  }
}

checkpoint_stats checkpointer::stats() const noexcept {
  const auto tails = tails_.load(), idle = idle_restarts_.load();
  return {passes_.load(), tails, tails + idle, busy_.load(), idle};
}

}  // namespace cunji::storage
