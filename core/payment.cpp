#include "core/payment.hpp"

#include <algorithm>

namespace cunji {

std::string_view to_string(payment_method m) noexcept {
  switch (m) {
    case payment_method::cash_at_station: return "cash_at_station";
    case payment_method::alipay: return "alipay";
    case payment_method::mobile: return "mobile";
  }
  return "alipay";
}

std::string_view to_string(payment_status s) noexcept {
  switch (s) {
    case payment_status::pending: return "pending";
    case payment_status::succeeded: return "succeeded";
    case payment_status::failed: return "failed";
    case payment_status::closed: return "closed";
  }
  return "pending";
}

std::optional<payment_method> parse_payment_method(std::string_view s) noexcept {
  for (auto m : {payment_method::cash_at_station, payment_method::alipay, payment_method::mobile})
    if (to_string(m) == s) return m;
  return std::nullopt;
}

std::optional<payment_status> parse_payment_status(std::string_view s) noexcept {
  for (auto st : {payment_status::pending, payment_status::succeeded, payment_status::failed, payment_status::closed})
    if (to_string(st) == s) return st;
  return std::nullopt;
}

notice_effect effect_of(const payment_record& p, notice_status n) noexcept {
  if (p.settled_by_notice || p.status == payment_status::succeeded || p.status == payment_status::failed)
    return notice_effect::acknowledge;
  // pending, or closed by our own timer
  if (n == notice_status::succeeded) return notice_effect::succeed;
  return p.status == payment_status::pending ? notice_effect::close : notice_effect::acknowledge;
}

std::int64_t refund_retry_delay(int failures) noexcept {
  std::int64_t d = refund_retry_first_seconds;
  for (int i = 1; i < failures && d < refund_retry_max_seconds; ++i) d *= 2;
  return std::min(d, refund_retry_max_seconds);
}

}  // namespace cunji
