#pragma once
// The moves of an order with what they do to stock, the ledger and payments (core/order_state.hpp
// says which moves are allowed, core/ledger.hpp what each posts). Each updates `o` as stored.
// The caller has checked who may make the move and that it is allowed from o's status.
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/order.hpp"
#include "core/payment.hpp"
#include "storage/payments.hpp"

namespace cunji::storage {

class connection;

// 409 invalid_transition for `a` from o's status.
error not_allowed(const order& o, order_action a);

// placed -> paid by payment `p` (succeeded): the payment's postings.
void pay_order(connection& c, order& o, const payment_record& p, unix_seconds now);
// Records a payment of `o` that succeeded at once (a provider's trade number `trade_no`, or cash
// held by `collected_by`), and pays the order with it: for tools that write history (the
// benchmark's generator) and tests.
payment_record pay_in_full(connection& c, order& o, payment_method method, const std::optional<std::string>& trade_no,
                           std::optional<std::int64_t> collected_by, unix_seconds now);
// paid -> shipped.
void ship_order(connection& c, order& o, const std::optional<std::string>& tracking, unix_seconds now);
// shipped (station pickup) -> at_station: on the station's shelf.
void arrive_order(connection& c, order& o, unix_seconds now);
// shipped (or at a station) -> delivered: proceeds and fees become available.
void deliver_order(connection& c, order& o, unix_seconds now);
// at_station -> returned_to_shop (never collected): the payment is refunded.
void return_to_shop(connection& c, order& o, unix_seconds now);
// placed or paid -> cancelled: stock restored, pending payments closed, a payment refunded
// (Alipay: owed back to the buyer until the refund is sent; cash: out of the station's cash).
void cancel_order(connection& c, order& o, const std::optional<std::string>& reason, unix_seconds now);
// delivered (an accepted return) or shipped (a parcel lost) -> refunded: the total refunded and
// a delivery reversed (core::return_postings); the stock restored if `restock`.
void refund_returned_order(connection& c, order& o, bool restock, unix_seconds now);
// A payment that succeeded for an order no longer placed: the money is recorded and owed back.
void refund_late_payment(connection& c, const order& o, const payment_record& p, unix_seconds now);

// A wrong pickup code tried for `order_id` at `at`; the times of the wrong codes of the order
// since `since`, newest first, at most `limit`.
void record_handover_failure(connection& c, std::int64_t order_id, unix_seconds at);
std::vector<unix_seconds> handover_failures(connection& c, std::int64_t order_id, unix_seconds since, int limit);

// The order timers (storage::payment_store::run_timers) at `now`.
timer_report run_order_timers(connection& c, unix_seconds now);

}  // namespace cunji::storage
