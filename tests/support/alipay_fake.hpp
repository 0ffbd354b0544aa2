#pragma once
// Plays Alipay in tests. Holds "Alipay's" RSA key pair and a merchant key pair (2048 bits, made
// once per process), writes them as PEM files, signs notifications as Alipay signs them and
// checks requests as Alipay's gateway checks them.
//
// Written apart from payments/ on purpose (only OpenSSL and the standard library): the string to
// sign, the form encoding and decoding are its own, so a mistake in payments/ cannot hide behind
// the same mistake here.
#include <map>
#include <string>
#include <string_view>

#include "support/temp_dir.hpp"

namespace cunji::test {

class alipay_fake {
 public:
  using params = std::map<std::string, std::string>;
  enum class key { alipay, merchant };

  static constexpr std::string_view app_id = "2021000000000001";
  static constexpr std::string_view seller_id = "2088000000000001";

  alipay_fake();  // writes the four PEM files into a directory of its own

  std::string alipay_public_key_file() const { return dir_.file("alipay_public.pem"); }
  std::string alipay_private_key_file() const { return dir_.file("alipay_private.pem"); }
  std::string merchant_private_key_file() const { return dir_.file("merchant_private.pem"); }
  std::string merchant_public_key_file() const { return dir_.file("merchant_public.pem"); }

  // The parameters of a TRADE_SUCCESS notification for an app payment, as Alipay sends them.
  static params trade_success(std::string out_trade_no, std::string total_amount);
  // The body Alipay posts: `p` with sign_type=RSA2 and sign, form-encoded.
  std::string notification(params p, key signer = key::alipay) const;

  // sort by key, drop `sign` (and `sign_type` for notifications), join key=value with '&'.
  static std::string content_to_sign(const params& p, bool notification);
  // base64(SHA256withRSA(content)) with the private key of `signer`.
  static std::string sign(std::string_view content, key signer);
  // Form encoding as Alipay's Java servers write it (java.net.URLEncoder: space is '+').
  static std::string encode(const params& p);
  // Form decoding; a repeated key keeps the last value.
  static params decode(std::string_view body);
  // What Alipay's gateway checks of a request: `sign` verifies with the merchant's public key
  // over every other parameter, and sign_type is RSA2.
  static bool gateway_accepts(const params& request);

  // Alipay's answer to a request of method `alipay.trade.refund`, as its gateway writes it:
  // {"alipay_trade_refund_response":<response>,"sign":"<base64>"}, `sign` over the exact text
  // of <response> (a JSON object) with the private key of `signer`.
  static std::string refund_answer(std::string_view response, key signer = key::alipay);
  // The <response> of a refund made: code 10000; fund_change "Y" the first time an
  // out_request_no is refunded, "N" for a repeat (nothing more moves).
  static std::string refund_made(std::string_view out_trade_no, std::string_view refund_fee, bool fund_change);
  // The <response> of a refund refused: code (e.g. 40004) and sub_code (e.g. ACQ.TRADE_NOT_EXIST).
  static std::string refund_refused(std::string_view code, std::string_view sub_code);

 private:
  temp_dir dir_;
};

}  // namespace cunji::test
