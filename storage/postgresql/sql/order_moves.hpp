#pragma once
// The moves of an order on PostgreSQL with what they do to stock, the ledger and payments (the
// SQLite engine's: storage/sql/order_moves.hpp, whose comments say what each does). Each
// updates `o` as stored. The caller has checked who may make the move and that it is allowed.
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/order.hpp"
#include "core/payment.hpp"
#include "storage/common.hpp"
#include "storage/payments.hpp"

namespace cunji::storage::pg {

class connection;

// 409 invalid_transition for `a` from o's status.
error not_allowed(const order& o, order_action a);

task<void> pay_order(connection& c, order& o, payment_record p, unix_seconds now);
task<payment_record> pay_in_full(connection& c, order& o, payment_method method, std::optional<std::string> trade_no,
                                 std::optional<std::int64_t> collected_by, unix_seconds now);
task<void> ship_order(connection& c, order& o, std::optional<std::string> tracking, unix_seconds now);
task<void> arrive_order(connection& c, order& o, unix_seconds now);
task<void> deliver_order(connection& c, order& o, unix_seconds now);
task<void> return_to_shop(connection& c, order& o, unix_seconds now);
task<void> cancel_order(connection& c, order& o, std::optional<std::string> reason, unix_seconds now);
task<void> refund_returned_order(connection& c, order& o, bool restock, unix_seconds now);
task<void> refund_late_payment(connection& c, order o, payment_record p, unix_seconds now);

task<void> record_handover_failure(connection& c, std::int64_t order_id, unix_seconds at);
task<std::vector<unix_seconds>> handover_failures(connection& c, std::int64_t order_id, unix_seconds since, int limit);

// The order timers (payment_store::run_timers) at `now`.
task<timer_report> run_order_timers(connection& c, unix_seconds now);
// The advisory lock of a run of the order timers: "cunji-t" in ASCII, for an administrator.
inline constexpr std::int64_t order_timers_lock = 0x63756e6a692d74;
// The order timers, unless another transaction holds order_timers_lock (another server's run):
// then nothing, at once.
task<timer_report> run_order_timers_alone(connection& c, unix_seconds now);

}  // namespace cunji::storage::pg
