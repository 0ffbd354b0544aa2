#pragma once
// Payments at the storage seam (storage/store.hpp): paying orders (Alipay, confirmed later by
// the provider's notice; or cash, attested by a partner), the provider's notices, the timers.
// The rules are core's (core/payment.hpp, core/policy.hpp, core/ledger.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/account.hpp"
#include "core/order.hpp"
#include "core/payment.hpp"
#include "storage/common.hpp"

namespace cunji::storage {

struct pay_request {
  account caller;
  std::int64_t order_id = 0;
  payment_method method = payment_method::alipay;
  // Alipay: our number of the payment and the amount, chosen and signed by the server into the
  // string the buyer's app takes before this write; the write refuses (409) if the order's
  // total is not that amount.
  std::string out_trade_no;
  std::int64_t signed_amount_fen = 0;
  std::vector<field_error> invalid;  // answered as 422 after the 404 and 403 checks
  unix_seconds now = 0;
};

// The order after a pay request, and the payment it made: pending (Alipay) or succeeded (cash).
struct pay_outcome {
  order paid;
  payment_record payment;
};

// A provider's notice whose signature and merchant the server has verified.
struct payment_notice {
  std::string out_trade_no;
  std::string trade_no;
  std::int64_t amount_fen = 0;
  notice_status status = notice_status::succeeded;
  unix_seconds now = 0;
};

// What a notice did. Only `recorded` and `acknowledged` are answered as accepted.
enum class notice_result { recorded, acknowledged, unknown_payment, amount_mismatch, trade_no_reused };

// What one run of the timers did.
struct timer_report {
  int unpaid_cancelled = 0;
  int auto_delivered = 0;
  int returned_to_shop = 0;
  bool more = false;  // a limit was reached: run again
};

// A refund owed to a buyer that is due to be sent through the provider (Alipay).
struct due_refund {
  std::int64_t id = 0;
  std::string out_trade_no;    // the payment's
  std::string out_request_no;  // the refund's: the same on every try, so the provider refunds once
  std::int64_t amount_fen = 0;
  int attempts = 0;             // tries that failed so far
  unix_seconds created_at = 0;  // when the refund was owed
};

// What one try to send a refund came to: confirmed by the provider, or not (retry later).
struct refund_attempt {
  std::int64_t refund_id = 0;
  bool confirmed = false;
  unix_seconds now = 0;
};

// What recording a try did.
enum class refund_recorded {
  sent,          // confirmed now: succeeded, and the money posted out (refund_sent)
  already_sent,  // confirmed before: nothing changed
  retry_later,   // not confirmed: attempts + 1, the next try put off (core::refund_retry_delay)
  unknown,       // no such refund
};

class payment_store {
 public:
  virtual ~payment_store() = default;

  // 404 unless the caller may see the order, 403 unless it may pay it, 422 for a method it may
  // not use (cash: partners only), 409 unless the order is placed.
  virtual task<answer> pay(pay_request r, std::optional<idempotency_key> key, renderer<pay_outcome> render) = 0;

  // Applies a verified notice, exactly once however often it arrives (core::effect_of).
  virtual task<notice_result> apply_notice(payment_notice n) = 0;

  // A payment whose every order the caller may see (else not_found).
  virtual task<result<payment_record>> find(std::int64_t id, account caller) = 0;

  // Unpaid orders past unpaid_timeout_minutes are cancelled (stock restored, pending payments
  // closed); address orders shipped auto_deliver_days ago are delivered; parcels on a station's
  // shelf for station_hold_days go back to the shop side, their payment refunded. The engine runs this
  // by itself every few seconds; tests call it.
  virtual task<timer_report> run_timers(unix_seconds now) = 0;

  // Pending Alipay refunds whose next try is due at `now`, oldest due first, at most `limit`.
  virtual task<std::vector<due_refund>> due_refunds(unix_seconds now, std::size_t limit) = 0;
  // Records a try in one write; a confirmation is applied once however often it is recorded.
  virtual task<refund_recorded> record_refund(refund_attempt a) = 0;
};

}  // namespace cunji::storage
