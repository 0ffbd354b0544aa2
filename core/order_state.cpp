#include "core/order_state.hpp"

namespace cunji {

std::string_view to_string(order_status s) noexcept {
  switch (s) {
    case order_status::placed: return "placed";
    case order_status::paid: return "paid";
    case order_status::shipped: return "shipped";
    case order_status::at_station: return "at_station";
    case order_status::delivered: return "delivered";
    case order_status::cancelled: return "cancelled";
    case order_status::refunded: return "refunded";
    case order_status::returned_to_shop: return "returned_to_shop";
  }
  return "placed";
}

std::string_view to_string(order_action a) noexcept {
  switch (a) {
    case order_action::pay: return "pay";
    case order_action::ship: return "ship";
    case order_action::arrive: return "arrive";
    case order_action::hand_over: return "hand over";
    case order_action::deliver: return "deliver";
    case order_action::cancel: return "cancel";
    case order_action::expire: return "expire";
    case order_action::return_to_shop: return "return to the shop";
    case order_action::refund: return "refund";
  }
  return "pay";
}

std::string_view past_tense(order_action a) noexcept {
  switch (a) {
    case order_action::pay: return "paid";
    case order_action::ship: return "shipped";
    case order_action::arrive: return "marked arrived";
    case order_action::hand_over: return "handed over";
    case order_action::deliver: return "delivered";
    case order_action::cancel:
    case order_action::expire: return "cancelled";
    case order_action::return_to_shop: return "returned to the shop";
    case order_action::refund: return "refunded";
  }
  return "paid";
}

std::optional<order_status> parse_order_status(std::string_view s) noexcept {
  for (auto st : all_order_statuses)
    if (to_string(st) == s) return st;
  return std::nullopt;
}

std::optional<order_status> next_status(order_status from, order_action a, delivery_method d) noexcept {
  using S = order_status;
  const bool station = d == delivery_method::station_pickup;
  switch (a) {
    case order_action::pay:
      if (from == S::placed) return S::paid;
      break;
    case order_action::ship:
      if (from == S::paid) return S::shipped;
      break;
    case order_action::arrive:
      if (station && from == S::shipped) return S::at_station;
      break;
    case order_action::hand_over:
      if (station && from == S::at_station) return S::delivered;
      break;
    case order_action::deliver:
      if (!station && from == S::shipped) return S::delivered;
      break;
    case order_action::cancel:
      if (from == S::placed || from == S::paid) return S::cancelled;
      break;
    case order_action::expire:
      if (from == S::placed) return S::cancelled;
      break;
    case order_action::return_to_shop:
      if (station && from == S::at_station) return S::returned_to_shop;
      break;
    case order_action::refund:
      if (from == S::delivered || from == S::shipped) return S::refunded;
      break;
  }
  return std::nullopt;
}

}  // namespace cunji
