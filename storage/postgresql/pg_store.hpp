#pragma once
// The PostgreSQL engine behind the storage seam (storage/store.hpp): a pool of connections to
// one database (a libpq connection string or URI, several hosts allowed), its schema migrated at
// construction. The database sockets are waited for on a thread of the store's own; the callers'
// coroutines resume on their own executors, so a server's I/O threads never block on it. Its
// read caches hear of other servers' writes through the change feed (change_feed.hpp).
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "storage/cache/search_rankings.hpp"
#include "storage/postgresql/change_feed.hpp"
#include "storage/postgresql/engine.hpp"
#include "storage/postgresql/pool.hpp"
#include "storage/store.hpp"

namespace cunji::storage::pg {

struct pg_store_options {
  std::string conninfo;
  std::size_t connections = 16;
  std::chrono::milliseconds connect_timeout{10'000};
  // The relevance rankings' budget (storage/postgresql/sql/listing_search.hpp); 0: none kept.
  std::size_t ranking_cache_bytes = 8 << 20;
  // "Now" for the order timers (by default the system clock) and how often this server runs
  // them (payment_store::run_timers), as the SQLite engine's writer does. Every server runs
  // them; a run that finds another server's under way does nothing (an advisory lock). Zero:
  // never (a command that only opens the database; tests that run them by hand).
  std::function<unix_seconds()> clock{};
  std::chrono::milliseconds timers_every{5000};
};

class pg_store final : public store {
 public:
  // Connects and migrates (storage/postgresql/migrations.hpp); throws pg_failure if the
  // database cannot be reached or its schema is newer than this binary.
  explicit pg_store(pg_store_options o);
  ~pg_store() override;

  account_store& accounts() override { return *accounts_; }
  region_store& regions() override { return *regions_; }
  catalog_store& catalog() override { return *catalog_; }
  order_store& orders() override { return *orders_; }
  payment_store& payments() override { return *payments_; }
  purchase_store& purchases() override { return *purchases_; }
  return_store& returns() override { return *returns_; }
  money_store& money() override { return *money_; }
  report_store& reports() override { return *reports_; }
  task<std::optional<answer>> stored_answer(idempotency_key key) override;
  const change_counters& changes() const override { return changes_; }
  void render_metrics(std::string& out) const override;
  // Nothing is buffered: every write acknowledged has committed. Stops the order timers.
  void close() override;

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running_;
  std::thread thread_;
  change_counters changes_;
  ranking_cache rankings_;
  change_feed feed_;
  pool pool_;
  engine engine_;
  std::unique_ptr<account_store> accounts_;
  std::unique_ptr<region_store> regions_;
  std::unique_ptr<catalog_store> catalog_;
  std::unique_ptr<order_store> orders_;
  std::unique_ptr<payment_store> payments_;
  std::unique_ptr<purchase_store> purchases_;
  std::unique_ptr<return_store> returns_;
  std::unique_ptr<money_store> money_;
  std::unique_ptr<report_store> reports_;
  std::atomic<bool> stopping_{false};
  std::unique_ptr<boost::asio::steady_timer> timers_wait_;  // the order timers' period
  std::future<void> timers_done_;                           // their loop's end
  std::atomic<std::uint64_t> timer_runs_{0}, timer_failures_{0};
};

}  // namespace cunji::storage::pg
