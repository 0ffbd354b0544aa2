#pragma once
// The storage seam: every use case the server (and the CLI) calls, as one interface per area.
// An engine implements them: SQLite today (storage/sqlite/), PostgreSQL next. Nothing
// engine-specific crosses this header: no connections, no SQL, no savepoints, no row ids as
// cursors (lists take and return keysets that the server wraps in opaque cursors).
//
// Every use case is awaitable, so an engine may wait for its database without blocking an
// I/O thread; the SQLite engine answers reads at once on the calling thread's read-only
// connection and awaits its writer for writes. Rules are core's: each use case reads the rows
// a rule needs and calls the pure function (core/policy.hpp, core/ordering.hpp, core/ledger.hpp).
// An unexpected failure of the database (a full disk, an I/O error) is thrown as
// storage::failure; expected outcomes are values (cunji::result).
#include <memory>
#include <string>

#include "storage/accounts.hpp"
#include "storage/cache/change_counters.hpp"
#include "storage/catalog.hpp"
#include "storage/common.hpp"
#include "storage/money.hpp"
#include "storage/orders.hpp"
#include "storage/payments.hpp"
#include "storage/purchases.hpp"
#include "storage/regions.hpp"
#include "storage/reports.hpp"
#include "storage/returns.hpp"

namespace cunji::storage {

class store {
 public:
  virtual ~store() = default;

  virtual account_store& accounts() = 0;
  virtual region_store& regions() = 0;
  virtual catalog_store& catalog() = 0;
  virtual order_store& orders() = 0;
  virtual payment_store& payments() = 0;
  virtual purchase_store& purchases() = 0;
  virtual return_store& returns() = 0;
  virtual money_store& money() = 0;
  virtual report_store& reports() = 0;

  // The committed answer of an earlier request under `key` with the same body, if any: a retry
  // the server can answer before any work of its own (such as signing for Alipay). Otherwise
  // the use case itself replays or refuses the key, inside its write.
  virtual task<std::optional<answer>> stored_answer(idempotency_key key) = 0;

  // What committed writes have changed, for exact caches of reads (storage/cache/).
  virtual const change_counters& changes() const = 0;

  // Prometheus text about the engine (checkpoints, caches), appended to /metrics.
  virtual void render_metrics(std::string& out) const = 0;

  // Finishes every write in flight and stops taking new ones; reads stay possible.
  virtual void close() = 0;
};

}  // namespace cunji::storage
