#pragma once
// Who may do what. Whether a route needs a signed-in caller, or an admin, is written next to the
// route (its auth mode, server/routes/*); every rule that depends on the caller's role beyond
// that, or on the object acted on, is here, as a pure function with its own tests
// (tests/core/policy_test.cpp). Storage reads the rows a rule needs and calls it.
//
// An object the caller may not see is answered 404, never 403, so ids cannot be probed: the
// "see" rules below decide between 404 and what follows.
#include <cstdint>
#include <optional>

#include "core/account.hpp"
#include "core/catalog.hpp"
#include "core/error.hpp"
#include "core/order_return.hpp"
#include "core/order_state.hpp"

namespace cunji {

// --- accounts and villagers ----------------------------------------------------------------
// Partners (of a village) register and look up the villagers of their village.
bool can_manage_villagers(const account& caller) noexcept;

// --- shops and listings --------------------------------------------------------------------
// Farmers open shops in their village; partners open shops they run for villagers of theirs.
bool can_open_shop(const account& caller) noexcept;
// A partner-run shop is for a villager of the partner's village.
bool can_run_shop_for(const account& partner, const villager& v) noexcept;
// Who may change a shop and its listings: the farmer who owns it, or the partner running it.
bool can_manage(const account& caller, const shop& s) noexcept;
// Drafts are seen only by those who manage the shop; active and archived listings by anyone.
bool can_view(const std::optional<account>& caller, const shop& s, const listing& l) noexcept;

// --- orders --------------------------------------------------------------------------------
// Admins run the market; they do not buy in it.
bool can_place_orders(const account& caller) noexcept;
// Only partners order for villagers (assisted buying), and only for those of their village.
bool can_order_for_villagers(const account& caller) noexcept;
bool can_order_for(const account& partner, const villager& v) noexcept;

// How a caller relates to an order.
struct order_parties {
  std::int64_t placed_by = 0;
  std::optional<std::int64_t> shop_owner;    // farmer owning the shop
  std::optional<std::int64_t> shop_partner;  // partner running the shop
  std::optional<std::int64_t> station;       // station pickup: the village whose partners hand it over
};
// May `caller` see the order at all? (Otherwise: 404.) The placer, the shop side, the partners
// of its station, admins.
bool can_see(const account& caller, const order_parties& p) noexcept;
// May `caller` make move `a`? Pay: the placer, or a partner of the station (with cash).
// Deliver: the placer. Ship: the shop side. Arrive and hand over: a partner of the station.
// Cancel: the placer or the shop side.
bool can_act(const account& caller, const order_parties& p, order_action a) noexcept;
// The pickup code is the placer's (it passes it on to the villager it ordered for) and admins'.
bool can_see_pickup_code(const account& caller, const order_parties& p) noexcept;
// 404 when the caller may not see the order, 403 when it may not make the move, else nothing.
std::optional<error> check_order_access(const account& caller, const order_parties& p, order_action a);

// Returns: the placer asks for one (and reports a parcel lost). The shop side decides; an admin
// may accept (a rejected return too: the override) but leaves rejecting to the shop side.
bool can_request_return(const account& caller, const order_parties& p) noexcept;
bool can_decide_return(const account& caller, const order_parties& p, return_decision d) noexcept;

// Cash is taken at a station by a partner, who then holds it; nobody else pays with cash.
bool can_take_cash(const account& caller) noexcept;
// A partner lists the parcels of its own station (its village).
bool can_list_parcels(const account& caller) noexcept;

// --- money and reports ---------------------------------------------------------------------
// Farmers (for their shops) and partners (for their fees) have balances and statements.
bool has_balance(const account& caller) noexcept;
// A partner reads its own earnings and station cash; an admin reads anyone's.
bool can_read_earnings_of(const account& caller, std::int64_t partner_id) noexcept;

}  // namespace cunji
