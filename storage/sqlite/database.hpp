#pragma once
// The storage engine: migrations at open, one read-only connection per calling thread, and
// the single group-committing writer.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/cache/search_rankings.hpp"
#include "storage/sql/idempotency.hpp"
#include "storage/sqlite/checkpointer.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/writer.hpp"

namespace cunji::storage {

struct database_options {
  std::string path;
  std::string synchronous = "FULL";
  // With FULL: the writer's syncer makes each batch durable while the writer runs the next one
  // (writer_options::sync_behind; readers may see a write a sync before its caller is answered).
  bool sync_behind = true;
  int busy_timeout_ms = 5000;
  std::size_t max_batch = 1024;
  std::function<void(const writer_stats&)> on_batch{};
  std::function<void(const sync_stats&)> on_sync{};  // the syncer's syncs (sync behind)
  std::chrono::seconds maintenance_every{60};        // purging expired sessions, failures and answers
  // More jobs for the writer to run between batches (the order timers: sqlite_store).
  std::vector<writer_options::periodic_job> jobs{};
  std::size_t ranking_cache_bytes = 8 << 20;  // search_rankings' budget
  // Readers' PRAGMA mmap_size: they read the first this many bytes of the file through a
  // shared memory map instead of a pread into a private 2 MiB page cache per connection (which
  // SQLite empties whenever anything was committed). The mapped pages are the OS page cache;
  // they count in the RSS once touched, so the size bounds that too. In the benchmark's 1.1 GB
  // file the first 1 GiB holds nearly every page of the listings, their indexes and the search
  // postings, of which 64 MiB held 46% (docs/performance.md). SQLite caps it at 2047 MiB.
  std::int64_t reader_mmap_bytes = std::int64_t{1024} << 20;
  // When the checkpointer (storage/sqlite/checkpointer.hpp) copies the WAL into the database on its
  // own thread, and when the WAL starts over (the writer copying the short tail a pass left).
  checkpoint_sizes checkpoints{};
};

class database {
 public:
  // Opens (creating if needed) the database, applies migrations, starts the writer.
  explicit database(database_options opts);
  database(const database&) = delete;
  database& operator=(const database&) = delete;
  ~database();

  // This thread's read-only connection (opened on first use). Use it for one synchronous
  // read at a time; never hold a query across a suspension point.
  connection& reader();

  storage::writer& writer() noexcept { return *writer_; }

  // What committed writes have changed (for caches of reads), and the shared relevance
  // rankings that browse_listings keeps by them.
  const change_counters& changes() const noexcept { return writer_->changes(); }
  search_rankings& rankings() noexcept { return *rankings_; }
  const search_rankings& rankings() const noexcept { return *rankings_; }

  // Finishes every queued write and stops the writer and the checkpointer. Reads stay possible.
  void close_writer();

  checkpoint_stats checkpoint_counts() const noexcept { return checkpointer_->stats(); }

  // Where stored idempotent answers are (storage/sql/idempotency.hpp), for find_answer and
  // store_answer on any connection of this database.
  answer_index& answers() noexcept { return answers_; }

  const std::string& path() const noexcept { return opts_.path; }

 private:
  database_options opts_;
  std::uint64_t id_;
  std::mutex readers_m_;
  std::vector<std::unique_ptr<connection>> readers_;
  answer_index answers_;
  std::unique_ptr<checkpointer> checkpointer_;  // outlives the writer, which calls it
  std::unique_ptr<storage::writer> writer_;
  std::unique_ptr<search_rankings> rankings_;
};

// Deletes expired sessions, old login failures and expired idempotency records.
void purge_expired(connection& c, answer_index& answers, std::int64_t now);

}  // namespace cunji::storage
