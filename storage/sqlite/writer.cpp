#include "storage/sqlite/writer.hpp"

#include <pthread.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "storage/sqlite/transaction.hpp"
#include "storage/sqlite/wal_write_buffer.hpp"

namespace cunji::storage {

namespace {
// A new exception object like the one `e` holds (sqlite_error keeps its code).
std::exception_ptr copy_of(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const sqlite_error& x) {
    return std::make_exception_ptr(sqlite_error(x.code(), x.what()));
  } catch (const std::exception& x) {
    return std::make_exception_ptr(std::runtime_error(x.what()));
  } catch (...) {
    return std::make_exception_ptr(std::runtime_error("the writer's batch failed"));
  }
}
}  // namespace

writer::writer(connection conn, writer_options opts) : conn_(std::move(conn)), opts_(std::move(opts)) {
  sqlite3_update_hook(
      conn_.handle(),
      [](void* self, int operation, const char* db, const char* table, sqlite3_int64 rowid) {
        on_row_change(self, operation, db, table, rowid);
      },
      this);
  if (opts_.sync_behind)
    syncer_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "cunji-syncer");
      sync_loop();
    });
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "cunji-writer");  // as top -H and perf show it
    loop();
  });
}

// Called for every row inserted, updated or deleted in a rowid table, also by triggers and by
// FTS5 writing its index tables. What a listing read returns comes from listings, shops (who
// may see a draft), counties (poverty_relief) and listing_photos; relevance scores come from
// the search index, whose per-document sizes (listings_fts_docsize, a rowid table) change with every indexed
// document added, replaced or removed. A change that is later rolled back still counts: a
// needless bump costs a cache miss, a missed one would serve stale data.
void writer::on_row_change(void* self, int, const char*, const char* table, std::int64_t) {
  auto* w = static_cast<writer*>(self);
  if (std::strcmp(table, "listings") == 0 || std::strcmp(table, "shops") == 0 || std::strcmp(table, "counties") == 0 ||
      std::strcmp(table, "listing_photos") == 0)
    w->catalog_touched_ = true;
  else if (std::strcmp(table, "listings_fts_docsize") == 0) w->search_text_touched_ = true;
}

void writer::publish_changes() {
  if (catalog_touched_) changes_.bump_catalog();
  if (search_text_touched_) changes_.bump_search_text();
  catalog_touched_ = search_text_touched_ = false;
}

writer::~writer() { stop(); }

void writer::enqueue(std::unique_ptr<detail::command> cmd) {
  {
    std::lock_guard lk(m_);
    if (!stopping_) {
      queue_.push_back(std::move(cmd));
      cv_.notify_one();
      return;
    }
  }
  cmd->fail(std::make_exception_ptr(std::runtime_error("writer stopped")));
  cmd->complete();
}

void writer::stop() {
  {
    std::lock_guard lk(m_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard lk(sm_);
    sync_stopping_ = true;
  }
  scv_.notify_all();
  if (syncer_.joinable()) syncer_.join();
}

bool writer::commands_waiting() const {
  std::lock_guard lk(m_);
  return !queue_.empty();
}

std::size_t writer::batches() const noexcept {
  std::lock_guard lk(m_);
  return batches_;
}

void writer::loop() {
  using clock = std::chrono::steady_clock;
  std::vector<clock::time_point> due;
  for (const auto& job : opts_.periodic) due.push_back(clock::now() + job.every);
  std::deque<std::unique_ptr<detail::command>> batch;
  for (;;) {
    {
      std::unique_lock lk(m_);
      const auto next = due.empty() ? clock::now() + std::chrono::seconds(60)
                                    : *std::min_element(due.begin(), due.end());
      cv_.wait_until(lk, next, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      while (!queue_.empty() && batch.size() < opts_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    if (!batch.empty()) {
      run_batch(batch);
      if (opts_.between_batches) {
        try {
          opts_.between_batches(conn_);
        } catch (...) {
        }
      }
    }
    for (std::size_t i = 0; i < opts_.periodic.size(); ++i) {
      const auto now = clock::now();
      if (now < due[i]) continue;
      due[i] = now + opts_.periodic[i].every;
      try {
        transaction tx(conn_, transaction::mode::immediate);
        opts_.periodic[i].run(conn_);
        tx.commit();
      } catch (...) {  // the guard rolled back; the job runs again next period
      }
      publish_changes();
    }
  }
}

void writer::run_batch(std::deque<std::unique_ptr<detail::command>>& batch) {
  const auto start = std::chrono::steady_clock::now();
  bool committed = false;
  const auto deferred_before = wal_syncs_deferred();
  std::uint64_t seq = 0;
  try {
    transaction tx(conn_, transaction::mode::immediate);
    for (auto& c : batch) {
      auto& cmd = *c;
      savepoint sp(conn_);
      bool good = false;
      try {
        good = cmd.run(conn_);
      } catch (...) {
        cmd.fail(std::current_exception());
      }
      // Explicit, so that a failure to undo a command fails the batch instead of committing.
      if (good) sp.release();
      else sp.rollback();
    }
    {
      // Behind while commands wait for the writer (the next batch overlaps the sync), or while a
      // batch before this one waits for the syncer: this batch's answers wait for that sync
      // anyway, and a sync of its own would queue behind it at the disk with the writer stopped.
      // Otherwise there is nothing to overlap, and the COMMIT syncs by itself (no hand-over).
      const wal_sync_deferral defer(opts_.sync_behind && (commands_waiting() || !all_durable()));
      seq = committing_.fetch_add(1, std::memory_order_seq_cst) + 1;
      tx.commit();
    }
    committed = true;
  } catch (...) {
    // BEGIN, a savepoint or COMMIT failed (the guard rolled back): nothing of this batch is
    // durable, so every command that had succeeded is failed too. Each gets an exception
    // object of its own: their answers go to different threads, and one object shared between
    // them would be freed by whichever thread lets go of it last.
    const auto e = std::current_exception();
    for (auto& cmd : batch) cmd->fail(copy_of(e));  // also those never run
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  // Count the batch and publish its changes before answering anyone, so whoever sees an
  // answer also sees the count, and no cache serves what was there before the answered write.
  publish_changes();
  {
    std::lock_guard lk(m_);
    ++batches_;
  }
  if (opts_.on_batch) opts_.on_batch(writer_stats{batch.size(), elapsed, committed});
  if (opts_.sync_behind && seq != 0) {
    const bool owed = wal_syncs_deferred() != deferred_before;
    // A batch that put off no sync (it synced by itself, or wrote nothing) behind batches all
    // durable is answered here, without waking the syncer.
    if (!owed && durable_.load(std::memory_order_seq_cst) == seq - 1) {
      durable_.store(seq, std::memory_order_seq_cst);
      answer_all(batch);
      return;
    }
    // Otherwise, committed or not, its answers wait for the batches before it to be durable.
    sqlite3_file* wal = nullptr;
    sqlite3_file_control(conn_.handle(), "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal);
    {
      std::lock_guard lk(sm_);
      unsynced_.push_back(unsynced{seq, owed, wal, std::move(batch)});
    }
    scv_.notify_one();
    batch.clear();
    return;
  }
  if (seq != 0) durable_.store(seq, std::memory_order_seq_cst);
  answer_all(batch);
}

// Each command is destroyed as soon as it has answered (see op::complete).
void writer::answer_all(command_list& commands) noexcept {
  for (auto& cmd : commands) {
    cmd->complete();
    cmd.reset();
  }
  commands.clear();
}

// One sync serves every batch committed since the last one; then their commands are answered
// in order. A failed sync fails them all: their writes are committed and readers may have seen
// them, but whether they reached the disk is unknown, so no caller is told they did (a retry
// with the same Idempotency-Key finds the stored answer if it survived, or runs again).
void writer::sync_loop() {
  std::deque<unsynced> group;
  bool failed = false;
  for (;;) {
    {
      std::unique_lock lk(sm_);
      scv_.wait(lk, [&] { return sync_stopping_ || !unsynced_.empty(); });
      if (unsynced_.empty()) return;
      group.swap(unsynced_);
    }
    // After a failed sync, only a sync that succeeds makes anything durable again.
    bool owed = failed;
    for (const auto& u : group) owed = owed || u.owed;
    int rc = SQLITE_OK;
    if (owed) {
      const auto start = std::chrono::steady_clock::now();
      rc = sync_deferred_wal(group.back().wal);
      const auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
      if (opts_.on_sync) opts_.on_sync(sync_stats{group.size(), took, rc == SQLITE_OK});
    }
    failed = rc != SQLITE_OK;
    if (!failed) durable_.store(group.back().seq, std::memory_order_seq_cst);
    for (auto& u : group) {
      if (failed)
        for (auto& cmd : u.commands) cmd->fail(std::make_exception_ptr(sqlite_error(rc, "syncing the WAL failed")));
      answer_all(u.commands);
    }
    group.clear();
  }
}

}  // namespace cunji::storage
