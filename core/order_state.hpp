#pragma once
// The order lifecycle: placed -> paid -> shipped -> delivered, and cancel from placed or paid,
// with who may make each move.
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/account.hpp"

namespace cunji {

enum class order_status { placed, paid, shipped, delivered, cancelled };
enum class order_action { pay, ship, deliver, cancel };

std::string_view to_string(order_status s) noexcept;
std::string_view to_string(order_action a) noexcept;
std::optional<order_status> parse_order_status(std::string_view s) noexcept;

// The status after `a`, or nullopt when `a` is not allowed from `from` (409 invalid_transition).
std::optional<order_status> next_status(order_status from, order_action a) noexcept;

// Orders count toward sales (GMV, reports) in these states.
constexpr bool counts_as_sale(order_status s) noexcept {
  return s == order_status::paid || s == order_status::shipped || s == order_status::delivered;
}

// How a caller relates to an order.
struct order_parties {
  std::int64_t placed_by = 0;
  std::optional<std::int64_t> shop_owner;    // farmer owning the shop
  std::optional<std::int64_t> shop_partner;  // partner running the shop
};

// May `caller` see the order at all? (Otherwise: 404, so ids cannot be probed.)
bool can_see(const account& caller, const order_parties& p) noexcept;
// May `caller` make move `a`? Pay and deliver: the placer. Ship: the shop side. Cancel: either.
bool can_act(const account& caller, const order_parties& p, order_action a) noexcept;

}  // namespace cunji
