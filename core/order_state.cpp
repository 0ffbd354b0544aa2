#include "core/order_state.hpp"

namespace cunji {

std::string_view to_string(order_status s) noexcept {
  switch (s) {
    case order_status::placed: return "placed";
    case order_status::paid: return "paid";
    case order_status::shipped: return "shipped";
    case order_status::delivered: return "delivered";
    case order_status::cancelled: return "cancelled";
  }
  return "placed";
}

std::string_view to_string(order_action a) noexcept {
  switch (a) {
    case order_action::pay: return "pay";
    case order_action::ship: return "ship";
    case order_action::deliver: return "deliver";
    case order_action::cancel: return "cancel";
  }
  return "pay";
}

std::string_view past_tense(order_action a) noexcept {
  switch (a) {
    case order_action::pay: return "paid";
    case order_action::ship: return "shipped";
    case order_action::deliver: return "delivered";
    case order_action::cancel: return "cancelled";
  }
  return "paid";
}

std::optional<order_status> parse_order_status(std::string_view s) noexcept {
  for (auto st : all_order_statuses)
    if (to_string(st) == s) return st;
  return std::nullopt;
}

std::optional<order_status> next_status(order_status from, order_action a) noexcept {
  switch (a) {
    case order_action::pay:
      if (from == order_status::placed) return order_status::paid;
      break;
    case order_action::ship:
      if (from == order_status::paid) return order_status::shipped;
      break;
    case order_action::deliver:
      if (from == order_status::shipped) return order_status::delivered;
      break;
    case order_action::cancel:
      if (from == order_status::placed || from == order_status::paid) return order_status::cancelled;
      break;
  }
  return std::nullopt;
}

}  // namespace cunji
