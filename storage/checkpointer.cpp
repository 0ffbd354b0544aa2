#include "storage/checkpointer.hpp"

#include <sqlite3.h>

namespace cunji::storage {

checkpointer::checkpointer(connection& writer, connection conn, int wal_pages)
    : conn_(std::move(conn)), writer_db_(writer.handle()), wal_pages_(wal_pages) {
  thread_ = std::thread([this] { loop(); });
  sqlite3_wal_hook(writer_db_, &checkpointer::on_commit, this);
}

checkpointer::~checkpointer() { stop(); }

// Runs on the writer thread after each commit, with the WAL's size in pages. Only signals.
int checkpointer::on_commit(void* self, sqlite3*, const char*, int wal_pages) {
  auto* c = static_cast<checkpointer*>(self);
  if (wal_pages >= c->wal_pages_) {
    std::lock_guard lk(c->m_);
    if (!c->wanted_) {
      c->wanted_ = true;
      c->cv_.notify_one();
    }
  }
  return SQLITE_OK;
}

void checkpointer::stop() {
  {
    std::lock_guard lk(m_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  sqlite3_wal_hook(writer_db_, nullptr, nullptr);
  // Back to SQLite's own checkpoints for whatever the writer connection still commits.
  sqlite3_wal_autocheckpoint(writer_db_, 1000);
}

std::uint64_t checkpointer::checkpoints() const {
  std::lock_guard lk(m_);
  return checkpoints_;
}

void checkpointer::loop() {
  for (;;) {
    {
      std::unique_lock lk(m_);
      cv_.wait(lk, [&] { return wanted_ || stopping_; });
      if (stopping_) return;
      wanted_ = false;
    }
    // An error (an I/O fault, a full disk) leaves the pages in the WAL, where they are just
    // as durable; the next commit past the mark asks again.
    sqlite3_wal_checkpoint_v2(conn_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    std::lock_guard lk(m_);
    ++checkpoints_;
  }
}

}  // namespace cunji::storage
