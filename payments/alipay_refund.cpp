// Alipay's answer to alipay.trade.refund: a JSON object whose `sign` is over the exact text of
// the alipay_trade_refund_response member, as Alipay wrote it (not a re-serialization).
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "payments/alipay.hpp"

namespace cunji::payments {
namespace {

constexpr std::string_view response_key = "alipay_trade_refund_response";

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::size_t skip_space(std::string_view s, std::size_t i) noexcept {
  while (i < s.size() && is_space(s[i])) ++i;
  return i;
}

// The end of the string that starts at s[i] (a '"'), just past its closing quote.
std::size_t skip_string(std::string_view s, std::size_t i) noexcept {
  for (++i; i < s.size() && s[i] != '"'; ++i)
    if (s[i] == '\\') ++i;
  return i + 1;
}

// The end of the JSON value that starts at s[i]; `s` is well-formed JSON (parsed before).
std::size_t skip_value(std::string_view s, std::size_t i) noexcept {
  if (s[i] == '"') return skip_string(s, i);
  if (s[i] != '{' && s[i] != '[') {
    while (i < s.size() && !is_space(s[i]) && s[i] != ',' && s[i] != '}' && s[i] != ']') ++i;
    return i;
  }
  int depth = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"') {
      i = skip_string(s, i);
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if ((c == '}' || c == ']') && --depth == 0) return i + 1;
    ++i;
  }
  return i;
}

// The raw text of the value of top-level member `key` of the object `s` (well-formed JSON).
std::optional<std::string_view> raw_member(std::string_view s, std::string_view key) {
  auto i = skip_space(s, 0);
  if (i >= s.size() || s[i] != '{') return std::nullopt;
  i = skip_space(s, i + 1);
  while (i < s.size() && s[i] == '"') {
    const auto key_end = skip_string(s, i);
    const auto name = s.substr(i + 1, key_end - i - 2);  // our keys have no escapes
    i = skip_space(s, skip_space(s, key_end) + 1);       // past ':'
    const auto value_end = skip_value(s, i);
    if (name == key) return s.substr(i, value_end - i);
    i = skip_space(s, value_end);
    if (i < s.size() && s[i] == ',') i = skip_space(s, i + 1);
  }
  return std::nullopt;
}

std::string text_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

refund_reply not_refunded(std::string detail) { return refund_reply{false, false, std::move(detail)}; }

}  // namespace

refund_reply alipay_provider::read_refund_reply(std::string_view body, const refund_order& r) const {
  boost::system::error_code ec;
  const auto doc = boost::json::parse(body, ec);
  if (ec || !doc.is_object()) return not_refunded("not a JSON object");
  const auto* response = doc.as_object().if_contains(response_key);
  if (!response || !response->is_object()) return not_refunded("no alipay_trade_refund_response");
  const auto& o = response->as_object();
  const auto code = text_of(o, "code");
  const auto detail = "code " + code + (o.contains("sub_code") ? " " + text_of(o, "sub_code") : "");
  const auto sign = text_of(doc.as_object(), "sign");
  const auto signature = base64_decode(sign);
  const auto raw = raw_member(body, response_key);
  if (sign.empty() || !signature || !raw || !c_.alipay_key.verify(*raw, *signature))
    return not_refunded(detail + ", signature not Alipay's");
  if (code != "10000") return not_refunded(detail);
  if (o.contains("out_trade_no") && text_of(o, "out_trade_no") != r.out_trade_no)
    return not_refunded(detail + ", another out_trade_no");
  if (o.contains("out_request_no") && text_of(o, "out_request_no") != r.out_request_no)
    return not_refunded(detail + ", another out_request_no");
  return refund_reply{true, text_of(o, "fund_change") == "Y", detail};
}

}  // namespace cunji::payments
