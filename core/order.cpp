#include "core/order.hpp"

namespace cunji {

std::string_view to_string(payment_method m) noexcept {
  return m == payment_method::mobile ? "mobile" : "cash_at_station";
}

std::optional<payment_method> parse_payment_method(std::string_view s) noexcept {
  if (s == "cash_at_station") return payment_method::cash_at_station;
  if (s == "mobile") return payment_method::mobile;
  return std::nullopt;
}

}  // namespace cunji
