#pragma once
// The order lifecycle (who may make each move: core/policy.hpp; the money of each: core/ledger.hpp).
//
//   placed ──pay──▶ paid ──ship──▶ shipped ──deliver──────────────────────▶ delivered
//     │               │              │        (address orders: the placer, or after
//     │               │              │         auto_deliver_days the timer)
//     │               │              └──arrive──▶ at_station ──hand_over──▶ delivered
//     │               │             (station pickup: the      │  (with the pickup code)
//     │               │              station's partner)       └──return_to_shop──▶ returned_to_shop
//     └──cancel/expire┴──cancel──▶ cancelled                     (after station_hold_days)
//   delivered ──refund──▶ refunded (an accepted return); shipped ──refund──▶ refunded (lost)
//
// `expire` is the unpaid-order timer's cancel; `return_to_shop` is the station's timer.
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/fees.hpp"

namespace cunji {

enum class order_status { placed, paid, shipped, at_station, delivered, cancelled, refunded, returned_to_shop };
enum class order_action { pay, ship, arrive, hand_over, deliver, cancel, expire, return_to_shop, refund };

inline constexpr order_status all_order_statuses[] = {
    order_status::placed,    order_status::paid,      order_status::shipped,  order_status::at_station,
    order_status::delivered, order_status::cancelled, order_status::refunded, order_status::returned_to_shop};

std::string_view to_string(order_status s) noexcept;
std::string_view to_string(order_action a) noexcept;
// The action as the state it leads to, for messages: "paid", "shipped", "delivered", "cancelled".
std::string_view past_tense(order_action a) noexcept;
std::optional<order_status> parse_order_status(std::string_view s) noexcept;

// The status after `a` for an order delivered by `d`, or nullopt when `a` is not allowed from
// `from` (409 invalid_transition). Station-pickup orders are delivered only by a hand-over at
// the station, address orders only by `deliver`.
std::optional<order_status> next_status(order_status from, order_action a, delivery_method d) noexcept;

// Orders count toward sales (GMV, reports) in these states.
constexpr bool counts_as_sale(order_status s) noexcept {
  return s == order_status::paid || s == order_status::shipped || s == order_status::at_station ||
         s == order_status::delivered;
}

}  // namespace cunji
