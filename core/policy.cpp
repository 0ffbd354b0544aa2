#include "core/policy.hpp"

#include <string>

namespace cunji {

bool can_manage_villagers(const account& caller) noexcept {
  return caller.role == role::partner && caller.village_id.has_value();
}

bool can_open_shop(const account& caller) noexcept {
  return (caller.role == role::farmer || caller.role == role::partner) && caller.village_id.has_value();
}

bool can_run_shop_for(const account& partner, const villager& v) noexcept {
  return partner.role == role::partner && partner.village_id == v.village_id;
}

bool can_manage(const account& caller, const shop& s) noexcept {
  if (caller.role == role::farmer) return s.owner_account_id == caller.id;
  if (caller.role == role::partner) return s.partner_id == caller.id;
  return false;
}

bool can_view(const std::optional<account>& caller, const shop& s, const listing& l) noexcept {
  if (l.status != listing_status::draft) return true;
  return caller && can_manage(*caller, s);
}

bool can_place_orders(const account& caller) noexcept { return caller.role != role::admin; }

bool can_order_for_villagers(const account& caller) noexcept { return caller.role == role::partner; }

bool can_order_for(const account& partner, const villager& v) noexcept {
  return can_order_for_villagers(partner) && partner.village_id == v.village_id;
}

namespace {
bool is_placer(const account& c, const order_parties& p) noexcept { return c.id == p.placed_by; }
bool is_shop_side(const account& c, const order_parties& p) noexcept {
  return (c.role == role::farmer && p.shop_owner == c.id) || (c.role == role::partner && p.shop_partner == c.id);
}
bool is_station_partner(const account& c, const order_parties& p) noexcept {
  return c.role == role::partner && p.station && c.village_id == p.station;
}
}  // namespace

bool can_see(const account& caller, const order_parties& p) noexcept {
  return caller.role == role::admin || is_placer(caller, p) || is_shop_side(caller, p) || is_station_partner(caller, p);
}

bool can_see_pickup_code(const account& caller, const order_parties& p) noexcept {
  return caller.role == role::admin || is_placer(caller, p);
}

bool can_act(const account& caller, const order_parties& p, order_action a) noexcept {
  switch (a) {
    case order_action::pay: return is_placer(caller, p) || is_station_partner(caller, p);
    case order_action::deliver: return is_placer(caller, p);
    case order_action::ship: return is_shop_side(caller, p);
    case order_action::cancel: return is_placer(caller, p) || is_shop_side(caller, p);
    case order_action::arrive:
    case order_action::hand_over: return is_station_partner(caller, p);
    case order_action::expire:
    case order_action::return_to_shop:        // the timers
    case order_action::refund: return false;  // returns
  }
  return false;
}

std::optional<error> check_order_access(const account& caller, const order_parties& p, order_action a) {
  if (!can_see(caller, p)) return error{errc::not_found, "No such order."};
  if (!can_act(caller, p, a))
    return error{errc::forbidden, "You may not " + std::string(to_string(a)) + " this order."};
  return std::nullopt;
}

bool can_request_return(const account& caller, const order_parties& p) noexcept { return is_placer(caller, p); }

bool can_decide_return(const account& caller, const order_parties& p, return_decision d) noexcept {
  return is_shop_side(caller, p) || (d == return_decision::accept && caller.role == role::admin);
}

bool can_take_cash(const account& caller) noexcept { return caller.role == role::partner; }

bool has_balance(const account& caller) noexcept { return caller.role == role::farmer || caller.role == role::partner; }

bool can_list_parcels(const account& caller) noexcept {
  return caller.role == role::partner && caller.village_id.has_value();
}

bool can_read_earnings_of(const account& caller, std::int64_t partner_id) noexcept {
  return caller.role == role::admin || (caller.role == role::partner && caller.id == partner_id);
}

}  // namespace cunji
