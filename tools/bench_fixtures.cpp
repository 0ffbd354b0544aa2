#include "tools/bench_fixtures.hpp"

#include <algorithm>
#include <utility>
#include <vector>

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
  std::vector<std::pair<std::int64_t, unix_seconds>> pending;
  {
    auto q = c.prepare("SELECT id, created_at FROM refunds WHERE status = 'pending' ORDER BY id LIMIT ?");
    q.bind(1, static_cast<std::int64_t>(limit));
    while (q.step()) pending.emplace_back(q.i64(0), q.i64(1));
  }
  for (const auto& [id, created_at] : pending) {
    const auto at = std::min(now, created_at + 60);
    if (storage::record_refund_attempt(c, {id, true, at}) == storage::refund_recorded::sent) ++s.refunds_confirmed;
  }
  s.done = !timers.more && static_cast<int>(pending.size()) < limit;
  return s;
}

}  // namespace cunji::tools
