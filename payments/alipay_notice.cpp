// Verification of Alipay's asynchronous notifications (异步通知验签).
#include "payments/alipay.hpp"

namespace cunji::payments {
namespace {

using verdict = result<payment_notice, notice_error>;

notice_error fail(notice_check check, std::string detail) { return notice_error{check, std::move(detail)}; }

// The value of a field, or empty if it is missing.
std::string_view field(const form_fields& f, std::string_view key) {
  const auto it = f.find(key);
  return it == f.end() ? std::string_view() : std::string_view(it->second);
}

std::optional<notice_status> status_of(std::string_view trade_status) {
  if (trade_status == "TRADE_SUCCESS" || trade_status == "TRADE_FINISHED") return notice_status::succeeded;
  if (trade_status == "TRADE_CLOSED") return notice_status::closed;
  return std::nullopt;
}

}  // namespace

std::string_view to_string(notice_check c) noexcept {
  switch (c) {
    case notice_check::form: return "form";
    case notice_check::sign_type: return "sign_type";
    case notice_check::signature: return "signature";
    case notice_check::app_id: return "app_id";
    case notice_check::seller_id: return "seller_id";
    case notice_check::trade: return "trade";
    case notice_check::amount: return "amount";
    case notice_check::status: return "status";
  }
  return "unknown";
}

verdict alipay_provider::verify_notification(std::string_view body) const {
  auto parsed = parse_form(body);
  if (!parsed) return fail(notice_check::form, parsed.err().detail);
  const auto& f = parsed.value();

  if (!f.contains("sign_type")) return fail(notice_check::sign_type, "no sign_type");
  if (field(f, "sign_type") != "RSA2") return fail(notice_check::sign_type, "sign_type is not RSA2");
  if (!f.contains("sign")) return fail(notice_check::signature, "no sign");
  const auto sig = base64_decode(field(f, "sign"));
  if (!sig) return fail(notice_check::signature, "sign is not base64");
  if (!c_.alipay_key.verify(alipay_sign_content(f, true), *sig))
    return fail(notice_check::signature, "sign is not Alipay's signature of the other fields");

  if (field(f, "app_id") != c_.app_id) return fail(notice_check::app_id, "app_id is not ours");
  if (field(f, "seller_id") != c_.seller_id) return fail(notice_check::seller_id, "seller_id is not ours");
  if (field(f, "out_trade_no").empty() || field(f, "trade_no").empty())
    return fail(notice_check::trade, "out_trade_no or trade_no is missing");
  const auto fen = parse_yuan(field(f, "total_amount"));
  if (!fen) return fail(notice_check::amount, "total_amount is not yuan with at most two decimals");
  const auto status = status_of(field(f, "trade_status"));
  if (!status) return fail(notice_check::status, "trade_status is neither a success nor TRADE_CLOSED");

  return payment_notice{std::string(field(f, "app_id")),
                        std::string(field(f, "seller_id")),
                        std::string(field(f, "out_trade_no")),
                        std::string(field(f, "trade_no")),
                        *fen,
                        *status,
                        std::string(field(f, "trade_status"))};
}

}  // namespace cunji::payments
