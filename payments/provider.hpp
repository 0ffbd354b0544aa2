#pragma once
// What the server needs of a payment provider: a signed request for the buyer's app, a refund
// request, and the verification of the provider's notifications. One implementation per
// provider (payments/alipay.*); a provider is immutable once made and safe to share by threads.
//
// A verified notice is authentic and addressed to us. Whether it names a payment of ours and
// for the same amount is for storage to check against its records; the notice carries both.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/payment.hpp"
#include "core/time.hpp"

namespace cunji::payments {

// One payment to request.
struct pay_order {
  std::string out_trade_no;     // our reference, 1..64 letters, digits, '_' or '-', unique per payment
  std::int64_t amount_fen = 0;  // 1 fen .. 100,000,000 yuan
  std::string subject;          // shown to the buyer, 1..256 characters
  unix_seconds timestamp = 0;   // when the request is made
  unix_seconds expires_at = 0;  // after it the provider takes no payment; 0: its default
};

// One refund of (part of) a settled payment.
struct refund_order {
  std::string out_trade_no;     // the payment's reference
  std::int64_t amount_fen = 0;  // 1 fen .. the payment's amount (the provider checks the sum)
  std::string out_request_no;   // our reference of this refund: a retry with it refunds once
  unix_seconds timestamp = 0;
};

// What the provider answered a refund request. Only a verified confirmation is `refunded`;
// anything else (a refusal, a bad signature, no answer at all) is tried again later with the
// same out_request_no, which the provider refunds at most once.
struct refund_reply {
  bool refunded = false;
  bool fund_change = false;  // Alipay: "Y" the first time, "N" for a repeat of a refund made
  std::string detail;        // for the log: the provider's code and sub_code, or the check failed
};

// An HTTP request to send to the provider.
struct outbound_request {
  std::string url;
  std::string content_type;
  std::string body;
};

// What a notice says of a payment: cunji::notice_status (core/payment.hpp).

// A notification that passed every check.
struct payment_notice {
  std::string app_id;
  std::string seller_id;
  std::string out_trade_no;
  std::string trade_no;  // the provider's reference of the trade
  std::int64_t amount_fen = 0;
  notice_status status = notice_status::succeeded;
  std::string trade_status;  // as the provider wrote it
};

// The check a notification failed, in the order they run; each is counted on its own.
enum class notice_check {
  form,       // the body is not a well-formed form
  sign_type,  // sign_type missing or not RSA2
  signature,  // sign missing, not base64, or not the provider's signature of the other fields
  app_id,     // not our application
  seller_id,  // not our merchant account
  trade,      // out_trade_no or trade_no missing
  amount,     // total_amount missing or not yuan with at most two decimals in 0.01..100000000
  status,     // trade_status neither a success nor closed (WAIT_BUYER_PAY...)
};

// Stable names for logs and metric labels: "form", "sign_type", "signature", ...
std::string_view to_string(notice_check c) noexcept;

struct notice_error {
  notice_check check;
  std::string detail;  // for the log; never holds a key, and only field names, not values
};

// The answer a provider expects to a notification.
struct notice_answer {
  unsigned status;
  std::string_view content_type;
  std::string_view body;
};

class payment_provider {
 public:
  virtual ~payment_provider() = default;

  // The `method` clients name on /pay: "alipay".
  virtual std::string_view method() const noexcept = 0;
  // What the buyer's app takes to pay (Alipay: the signed order string).
  virtual result<std::string> pay_request(const pay_order& o) const = 0;
  // The URL to send a mobile browser to, to pay (Alipay: the signed wap pay URL at its gateway);
  // `return_url` is where the provider sends the browser back, if given.
  virtual result<std::string> browser_pay_url(const pay_order& o, std::string_view return_url) const = 0;
  // The origin of those URLs ("https://openapi.alipay.com"), for the pages' form-action.
  virtual std::string browser_pay_origin() const = 0;
  // The signed refund request, to send as is.
  virtual result<outbound_request> refund_request(const refund_order& r) const = 0;
  // The provider's answer (the HTTP body) to the refund request of `r`, checked.
  virtual refund_reply read_refund_reply(std::string_view body, const refund_order& r) const = 0;
  // Checks a notification's body; the first check that fails is reported.
  virtual result<payment_notice, notice_error> verify_notification(std::string_view body) const = 0;
  // The answer to a notification: `accepted` once it is recorded (or was already), otherwise
  // the provider sends it again later.
  virtual notice_answer answer(bool accepted) const noexcept = 0;
};

}  // namespace cunji::payments
