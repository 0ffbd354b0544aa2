#pragma once
// Payment and refund SQL on PostgreSQL (the SQLite engine's: storage/sql/payments.hpp).
#include <optional>
#include <string>
#include <vector>

#include "storage/payments.hpp"

namespace cunji::storage::pg {

class connection;

// Inserts `p` and links its orders; sets its id.
task<void> insert_payment(connection& c, payment_record& p);
task<std::optional<payment_record>> find_payment(connection& c, std::int64_t id);
task<std::optional<payment_record>> find_payment_by_out_trade_no(connection& c, std::string out_trade_no);
task<bool> trade_no_taken(connection& c, std::string trade_no, std::int64_t payment_id);
task<void> settle_payment(connection& c, payment_record& p, payment_status s, std::optional<std::string> trade_no,
                          bool by_notice, unix_seconds now);
task<void> close_pending_payments(connection& c, std::int64_t order_id, unix_seconds now);
task<std::int64_t> insert_refund(connection& c, std::int64_t payment_id, std::optional<std::int64_t> order_id,
                                 std::int64_t amount_fen, unix_seconds now);
task<std::vector<due_refund>> list_due_refunds(connection& c, unix_seconds now, std::size_t limit);
task<refund_recorded> record_refund_attempt(connection& c, refund_attempt a);

}  // namespace cunji::storage::pg
