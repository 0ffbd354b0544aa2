#pragma once
// Payment and refund SQL (tables payments, payment_orders, refunds of migration 0009).
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/payment.hpp"
#include "storage/payments.hpp"

namespace cunji::storage {

class connection;

// Inserts `p` and links its orders; sets its id.
void insert_payment(connection& c, payment_record& p);
std::optional<payment_record> find_payment(connection& c, std::int64_t id);
std::optional<payment_record> find_payment_by_out_trade_no(connection& c, std::string_view out_trade_no);
// Whether another payment than `payment_id` already holds the provider's trade number.
bool trade_no_taken(connection& c, std::string_view trade_no, std::int64_t payment_id);
// Records the payment's new status (and the provider's trade number, from a notice).
void settle_payment(connection& c, payment_record& p, payment_status s, const std::optional<std::string>& trade_no,
                    bool by_notice, unix_seconds now);
// Closes the pending payments of an order that will never be paid (its unpaid timer ran).
void close_pending_payments(connection& c, std::int64_t order_id, unix_seconds now);

// A refund owed to the buyer, pending until the provider confirms it; returns its id.
std::int64_t insert_refund(connection& c, std::int64_t payment_id, std::optional<std::int64_t> order_id,
                           std::int64_t amount_fen, unix_seconds now);

// See payment_store::due_refunds and record_refund (storage/payments.hpp).
std::vector<due_refund> list_due_refunds(connection& c, unix_seconds now, std::size_t limit);
refund_recorded record_refund_attempt(connection& c, const refund_attempt& a);

}  // namespace cunji::storage
