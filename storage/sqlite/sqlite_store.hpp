#pragma once
// The SQLite engine behind the storage seam (storage/store.hpp): one database file, opened and
// migrated at construction, with its writer, checkpointer and readers (storage/sqlite/database.hpp).
#include <memory>

#include "storage/sqlite/database.hpp"
#include "storage/store.hpp"

namespace cunji::storage {

struct store_options {
  // "Now" for the order timers (tests move it; by default the system clock) and how often the
  // writer runs them (payment_store::run_timers).
  std::function<unix_seconds()> clock{};
  std::chrono::milliseconds timers_every{5000};
};

class sqlite_store final : public store {
 public:
  explicit sqlite_store(database_options opts, store_options more = {});
  ~sqlite_store() override;

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
  const change_counters& changes() const override { return db_.changes(); }
  void render_metrics(std::string& out) const override;
  void close() override { db_.close_writer(); }

  // The engine itself, for the command line, the benchmark generator and the engine's tests.
  database& db() noexcept { return db_; }

 private:
  database db_;
  std::unique_ptr<account_store> accounts_;
  std::unique_ptr<region_store> regions_;
  std::unique_ptr<catalog_store> catalog_;
  std::unique_ptr<order_store> orders_;
  std::unique_ptr<payment_store> payments_;
  std::unique_ptr<purchase_store> purchases_;
  std::unique_ptr<return_store> returns_;
  std::unique_ptr<money_store> money_;
  std::unique_ptr<report_store> reports_;
};

}  // namespace cunji::storage
