#pragma once
// Alipay's open platform protocol: requests signed RSA2 with the merchant's private key, and
// asynchronous notifications verified with Alipay's public key.
//
// Signing a request: every parameter but `sign`, sorted by key, `key=value` joined by '&' with
// the values as they are (not url-encoded), signed SHA256withRSA over the UTF-8 bytes; `sign` is
// the base64 signature. Verifying a notification: the same over every parameter but `sign` and
// `sign_type`, with the values as decoded from the form (empty values included).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "payments/form.hpp"
#include "payments/provider.hpp"
#include "payments/rsa.hpp"

namespace cunji::payments {

inline constexpr std::string_view alipay_gateway = "https://openapi.alipay.com/gateway.do";

// What `cunji serve` is told with --alipay-app-id, --alipay-seller-id, --alipay-public-key,
// --alipay-private-key, --alipay-notify-url and --alipay-gateway.
struct alipay_options {
  std::string app_id;            // the application's APPID
  std::string seller_id;         // the merchant's partner id (PID): 16 digits from 2088
  std::string public_key_file;   // Alipay's public key (PEM): verifies notifications
  std::string private_key_file;  // the merchant's private key (PEM): signs requests
  std::string notify_url;        // where Alipay posts notifications; empty: not sent
  std::string gateway = std::string(alipay_gateway);

  // True if any Alipay option was given (then all four of ids and keys are needed).
  bool given() const noexcept;
};

struct alipay_config {
  std::string app_id;
  std::string seller_id;
  std::string notify_url;
  std::string gateway;
  private_key merchant_key;
  public_key alipay_key;
};

class alipay_provider final : public payment_provider {
 public:
  explicit alipay_provider(alipay_config c) : c_(std::move(c)) {}

  std::string_view method() const noexcept override { return "alipay"; }
  // The app-pay order string (alipay.trade.app.pay, product QUICK_MSECURITY_PAY).
  result<std::string> pay_request(const pay_order& o) const override;
  result<std::string> browser_pay_url(const pay_order& o, std::string_view return_url) const override {
    return wap_pay_url(o, return_url);
  }
  std::string browser_pay_origin() const override;
  // alipay.trade.refund, a form POSTed to the gateway.
  result<outbound_request> refund_request(const refund_order& r) const override;
  // {"alipay_trade_refund_response":{"code":"10000",...},"sign":"..."}: refunded only if `sign`
  // is Alipay's RSA2 signature of the response object's exact text, code is 10000 (fund_change
  // "N" too: a repeated out_request_no) and the trade and request numbers, if given, are r's.
  refund_reply read_refund_reply(std::string_view body, const refund_order& r) const override;
  result<payment_notice, notice_error> verify_notification(std::string_view body) const override;
  // 200 "success" or 400 "failure", text/plain: anything but "success" makes Alipay resend.
  notice_answer answer(bool accepted) const noexcept override;

  // The mobile-web pay URL (alipay.trade.wap.pay, product QUICK_WAP_WAY) to send a browser to;
  // `return_url` is where Alipay sends the browser back, if given.
  result<std::string> wap_pay_url(const pay_order& o, std::string_view return_url = {}) const;
  // Any method's request: the common parameters (app_id, method, format, charset, sign_type,
  // timestamp, version), `biz_content`, the `extra` parameters, and `sign`. Parameters with
  // empty values are left out, as Alipay's SDKs do.
  result<form_fields> signed_request(std::string_view method, std::string biz_content, unix_seconds at,
                                     form_fields extra = {}) const;

  const alipay_config& config() const noexcept { return c_; }

 private:
  alipay_config c_;
};

// Reads the keys and checks every option; an error names the option at fault.
result<std::unique_ptr<alipay_provider>> make_alipay_provider(const alipay_options& o);

// The string Alipay signs: `key=value` in key order joined by '&', leaving out `sign` and, if
// `without_sign_type`, `sign_type` (notifications).
std::string alipay_sign_content(const form_fields& fields, bool without_sign_type);

// Fen as yuan with two decimals: 1234 -> "12.34", 5 -> "0.05".
std::string yuan_text(std::int64_t fen);
// Yuan with at most two decimals as fen, exactly: "12.34" = 1234, "12.3" = 1230, "12" = 1200.
// No sign, exponent, spaces or leading zeros; 0.01 .. 100000000 yuan; otherwise nullopt.
std::optional<std::int64_t> parse_yuan(std::string_view s) noexcept;

// "yyyy-MM-dd HH:mm:ss" in Beijing time (UTC+8), Alipay's timestamp format.
std::string beijing_time(unix_seconds t);

}  // namespace cunji::payments
