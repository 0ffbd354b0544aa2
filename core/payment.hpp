#pragma once
// Payments: their own records, confirmed by the payment provider (Alipay's signed asynchronous
// notification) or attested by a partner who takes cash at a station. A client never declares
// an order paid. The rules here are pure; storage applies them (storage/payments.hpp).
//
//   pending ──notice: succeeded──▶ succeeded   (its orders still placed become paid; an order
//      │                                         cancelled meanwhile gets its money refunded)
//      ├─────notice: closed───────▶ closed      (its orders stay placed)
//      └─────unpaid timer─────────▶ closed      (its orders are cancelled, stock restored)
//   closed ──notice: succeeded──▶ succeeded     (the buyer paid after all: recorded, and
//                                                 refunded, since its orders were cancelled)
// A notice for a payment already settled by a notice changes nothing and is acknowledged
// (providers resend until acknowledged).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace cunji {

enum class payment_method { cash_at_station, alipay, mobile /* retired: only older orders have it */ };
enum class payment_status { pending, succeeded, failed, closed };

std::string_view to_string(payment_method m) noexcept;
std::string_view to_string(payment_status s) noexcept;
std::optional<payment_method> parse_payment_method(std::string_view s) noexcept;
std::optional<payment_status> parse_payment_status(std::string_view s) noexcept;

struct payment_record {
  std::int64_t id = 0;
  payment_method method = payment_method::alipay;
  payment_status status = payment_status::pending;
  std::int64_t amount_fen = 0;
  std::string out_trade_no;                  // our id of the payment at the provider
  std::optional<std::string> trade_no;       // the provider's id, once confirmed
  std::int64_t started_by = 0;               // the account that asked to pay
  std::optional<std::int64_t> collected_by;  // cash: the partner who holds it
  std::vector<std::int64_t> order_ids;
  unix_seconds created_at = 0;
  std::optional<unix_seconds> confirmed_at;
  // Whether a provider's notice decided its status (as opposed to our own timer closing it).
  bool settled_by_notice = false;
};

// What a verified notice says of a payment: paid (Alipay: TRADE_SUCCESS, or TRADE_FINISHED when
// no refund is possible), or closed unpaid or refunded in full (Alipay: TRADE_CLOSED).
enum class notice_status { succeeded, closed };

// What to do with a verified notice for a payment of ours whose amount matched.
enum class notice_effect {
  succeed,      // the payment succeeds: pay its placed orders, refund the money of cancelled ones
  close,        // the payment closes; its orders stay placed
  acknowledge,  // already settled by a notice: acknowledge, change nothing
};
notice_effect effect_of(const payment_record& p, notice_status n) noexcept;

// Refunds owed are sent through the provider until it confirms them; a try that fails is
// repeated after a delay that doubles with each failure: 1 minute after the first, then 2,
// 4, ... at most 6 hours. `failures` counts the tries that failed, this one included (>= 1).
inline constexpr std::int64_t refund_retry_first_seconds = 60;
inline constexpr std::int64_t refund_retry_max_seconds = 6 * 3600;
std::int64_t refund_retry_delay(int failures) noexcept;

}  // namespace cunji
