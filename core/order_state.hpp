#pragma once
// The order lifecycle: placed -> paid -> shipped -> delivered, and cancel from placed or paid
// (who may make each move: core/policy.hpp).
#include <cstdint>
#include <optional>
#include <string_view>


namespace cunji {

enum class order_status { placed, paid, shipped, delivered, cancelled };
enum class order_action { pay, ship, deliver, cancel };

inline constexpr order_status all_order_statuses[] = {order_status::placed, order_status::paid, order_status::shipped,
                                                      order_status::delivered, order_status::cancelled};

std::string_view to_string(order_status s) noexcept;
std::string_view to_string(order_action a) noexcept;
// The action as the state it leads to, for messages: "paid", "shipped", "delivered", "cancelled".
std::string_view past_tense(order_action a) noexcept;
std::optional<order_status> parse_order_status(std::string_view s) noexcept;

// The status after `a`, or nullopt when `a` is not allowed from `from` (409 invalid_transition).
std::optional<order_status> next_status(order_status from, order_action a) noexcept;

// Orders count toward sales (GMV, reports) in these states.
constexpr bool counts_as_sale(order_status s) noexcept {
  return s == order_status::paid || s == order_status::shipped || s == order_status::delivered;
}

}  // namespace cunji
