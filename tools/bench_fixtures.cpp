#include "tools/bench_fixtures.hpp"

#include <algorithm>

#include "storage/sql/order_moves.hpp"
#include "storage/sql/payments.hpp"
#include "storage/sqlite/connection.hpp"

namespace cunji::tools {

void tune_for_bulk_load(storage::connection& c) { c.exec("PRAGMA temp_store=MEMORY"); }

settled settle_history(storage::connection& c, unix_seconds now, int limit) {
  settled s;
  const auto timers = storage::run_order_timers(c, now);
  s.unpaid_cancelled = timers.unpaid_cancelled;
  s.auto_delivered = timers.auto_delivered;
  s.returned_to_shop = timers.returned_to_shop;
  const auto pending = storage::list_due_refunds(c, now, static_cast<std::size_t>(limit));
  for (const auto& r : pending) {
    const auto at = std::min(now, r.created_at + 60);
    if (storage::record_refund_attempt(c, {r.id, true, at}) == storage::refund_recorded::sent) ++s.refunds_confirmed;
  }
  s.done = !timers.more && static_cast<int>(pending.size()) < limit;
  return s;
}

}  // namespace cunji::tools
