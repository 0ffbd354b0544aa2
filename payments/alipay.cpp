#include "payments/alipay.hpp"

#include <array>
#include <cstdio>

#include "core/text.hpp"

namespace cunji::payments {
namespace {

constexpr std::int64_t max_fen = 100'000'000LL * 100;  // Alipay takes at most 100,000,000 yuan

error invalid(std::string field, std::string message) {
  return validation({field_error{std::move(field), std::move(message)}}, "The Alipay request has invalid fields.");
}

// A JSON string literal: quotes, backslashes and control characters escaped, UTF-8 kept.
void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

// {"k1":"v1","k2":"v2",...} in the order given.
std::string json_object(std::initializer_list<std::pair<std::string_view, std::string_view>> members) {
  std::string out = "{";
  for (const auto& [k, v] : members) {
    if (out.size() > 1) out += ',';
    append_json_string(out, k);
    out += ':';
    append_json_string(out, v);
  }
  out += '}';
  return out;
}

bool is_reference(std::string_view s) noexcept {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  return true;
}

std::optional<error> check_order(const pay_order& o) {
  if (!is_reference(o.out_trade_no)) return invalid("out_trade_no", "must be 1..64 letters, digits, '_' or '-'");
  if (o.amount_fen < 1 || o.amount_fen > max_fen) return invalid("amount_fen", "must be 1 fen .. 100,000,000 yuan");
  const auto chars = text::utf8_length(o.subject);
  if (!chars || *chars < 1 || *chars > 256 || text::has_control_chars(o.subject))
    return invalid("subject", "must be 1..256 characters of UTF-8 text");
  // Alipay refuses these in a subject.
  if (o.subject.find_first_of("/=&") != std::string::npos) return invalid("subject", "must not hold '/', '=' or '&'");
  if (o.timestamp <= 0) return invalid("timestamp", "must be set");
  if (o.expires_at != 0 && o.expires_at <= o.timestamp) return invalid("expires_at", "must be after the timestamp");
  return std::nullopt;
}

std::string pay_biz_content(const pay_order& o, std::string_view product_code) {
  const auto amount = yuan_text(o.amount_fen);
  const auto expires = o.expires_at ? beijing_time(o.expires_at) : std::string();
  if (expires.empty())
    return json_object({{"out_trade_no", o.out_trade_no},
                        {"total_amount", amount},
                        {"subject", o.subject},
                        {"product_code", product_code}});
  return json_object({{"out_trade_no", o.out_trade_no},
                      {"total_amount", amount},
                      {"subject", o.subject},
                      {"product_code", product_code},
                      {"time_expire", expires}});
}

}  // namespace

std::string alipay_sign_content(const form_fields& fields, bool without_sign_type) {
  std::string out;
  for (const auto& [key, value] : fields) {  // a std::map: already in key order
    if (key == "sign" || (without_sign_type && key == "sign_type")) continue;
    if (!out.empty()) out += '&';
    out += key;
    out += '=';
    out += value;
  }
  return out;
}

std::string yuan_text(std::int64_t fen) {
  const bool negative = fen < 0;
  const auto abs = negative ? -static_cast<std::uint64_t>(fen) : static_cast<std::uint64_t>(fen);
  char cents[3] = {static_cast<char>('0' + abs % 100 / 10), static_cast<char>('0' + abs % 10), '\0'};
  return (negative ? "-" : "") + std::to_string(abs / 100) + "." + cents;
}

std::optional<std::int64_t> parse_yuan(std::string_view s) noexcept {
  const auto dot = s.find('.');
  const auto whole = s.substr(0, dot);
  const auto decimals = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (whole.empty() || whole.size() > 9 || (whole.size() > 1 && whole[0] == '0')) return std::nullopt;
  if (dot != std::string_view::npos && (decimals.empty() || decimals.size() > 2)) return std::nullopt;
  std::int64_t fen = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    fen = fen * 10 + (c - '0');
  }
  fen *= 100;
  std::int64_t scale = 10;
  for (char c : decimals) {
    if (c < '0' || c > '9') return std::nullopt;
    fen += (c - '0') * scale;
    scale /= 10;
  }
  if (fen < 1 || fen > max_fen) return std::nullopt;
  return fen;
}

std::string beijing_time(unix_seconds t) {
  auto s = format_rfc3339(t + 8 * 3600);  // "2026-11-23T22:00:00Z"
  s[10] = ' ';
  s.pop_back();
  return s;
}

result<form_fields> alipay_provider::signed_request(std::string_view method, std::string biz_content, unix_seconds at,
                                                    form_fields extra) const {
  form_fields p{{"app_id", c_.app_id}, {"method", std::string(method)},
                {"format", "JSON"},    {"charset", "utf-8"},
                {"sign_type", "RSA2"}, {"timestamp", beijing_time(at)},
                {"version", "1.0"},    {"biz_content", std::move(biz_content)}};
  for (auto& [key, value] : extra)
    if (key == "sign" || !p.emplace(key, std::move(value)).second) return invalid(key, "is a common parameter");
  std::erase_if(p, [](const auto& kv) { return kv.second.empty(); });
  auto sig = c_.merchant_key.sign(alipay_sign_content(p, false));
  if (!sig) return std::move(sig).err();
  p.emplace("sign", base64_encode(sig.value()));
  return p;
}

result<std::string> alipay_provider::pay_request(const pay_order& o) const {
  if (auto e = check_order(o)) return std::move(*e);
  auto p = signed_request("alipay.trade.app.pay", pay_biz_content(o, "QUICK_MSECURITY_PAY"), o.timestamp,
                          {{"notify_url", c_.notify_url}});
  if (!p) return std::move(p).err();
  return encode_form(p.value());
}

result<std::string> alipay_provider::wap_pay_url(const pay_order& o, std::string_view return_url) const {
  if (auto e = check_order(o)) return std::move(*e);
  auto p = signed_request("alipay.trade.wap.pay", pay_biz_content(o, "QUICK_WAP_WAY"), o.timestamp,
                          {{"notify_url", c_.notify_url}, {"return_url", std::string(return_url)}});
  if (!p) return std::move(p).err();
  return c_.gateway + "?" + encode_form(p.value());
}

result<outbound_request> alipay_provider::refund_request(const refund_order& r) const {
  if (!is_reference(r.out_trade_no)) return invalid("out_trade_no", "must be 1..64 letters, digits, '_' or '-'");
  if (!is_reference(r.out_request_no)) return invalid("out_request_no", "must be 1..64 letters, digits, '_' or '-'");
  if (r.amount_fen < 1 || r.amount_fen > max_fen) return invalid("amount_fen", "must be 1 fen .. 100,000,000 yuan");
  if (r.timestamp <= 0) return invalid("timestamp", "must be set");
  const auto amount = yuan_text(r.amount_fen);
  auto p = signed_request(
      "alipay.trade.refund",
      json_object({{"out_trade_no", r.out_trade_no}, {"refund_amount", amount}, {"out_request_no", r.out_request_no}}),
      r.timestamp);
  if (!p) return std::move(p).err();
  return outbound_request{c_.gateway, "application/x-www-form-urlencoded;charset=utf-8", encode_form(p.value())};
}

notice_answer alipay_provider::answer(bool accepted) const noexcept {
  if (accepted) return {200, "text/plain", "success"};
  return {400, "text/plain", "failure"};
}

std::string alipay_provider::browser_pay_origin() const {
  const auto& g = c_.gateway;
  const auto scheme = g.find("://");
  if (scheme == std::string::npos) return g;
  return g.substr(0, g.find('/', scheme + 3));
}

}  // namespace cunji::payments
