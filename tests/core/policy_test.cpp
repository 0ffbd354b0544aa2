#include "core/policy.hpp"

#include <catch2/catch.hpp>

using namespace cunji;

namespace {
const account buyer{1, role::buyer, "b", "1", std::nullopt, 0};
const account farmer{2, role::farmer, "f", "2", 1, 0};
const account partner{3, role::partner, "p", "3", 1, 0};
const account admin{4, role::admin, "a", "4", std::nullopt, 0};
const account stranger{5, role::buyer, "s", "5", std::nullopt, 0};
const account other_farmer{6, role::farmer, "f2", "6", 1, 0};
const account other_partner{7, role::partner, "p2", "7", 2, 0};
}  // namespace

TEST_CASE("who may see and move an order", "[core][policy]") {
  const order_parties own_shop{1, 2, std::nullopt, std::nullopt};  // buyer 1 ordered from farmer 2's shop
  const order_parties run_shop{3, std::nullopt, 3,
                               std::nullopt};  // partner 3 ordered (for a villager) from a shop it runs

  CHECK(can_see(buyer, own_shop));
  CHECK(can_see(farmer, own_shop));
  CHECK(can_see(admin, own_shop));
  CHECK_FALSE(can_see(stranger, own_shop));
  CHECK_FALSE(can_see(other_farmer, own_shop));
  CHECK_FALSE(can_see(partner, own_shop));

  CHECK(can_act(buyer, own_shop, order_action::pay));
  CHECK_FALSE(can_act(farmer, own_shop, order_action::pay));
  CHECK(can_act(farmer, own_shop, order_action::ship));
  CHECK_FALSE(can_act(buyer, own_shop, order_action::ship));
  CHECK(can_act(buyer, own_shop, order_action::deliver));
  CHECK(can_act(buyer, own_shop, order_action::cancel));
  CHECK(can_act(farmer, own_shop, order_action::cancel));
  for (auto a : {order_action::pay, order_action::ship, order_action::deliver, order_action::cancel})
    CHECK_FALSE(can_act(admin, own_shop, a));

  CHECK(can_act(partner, run_shop, order_action::pay));
  CHECK(can_act(partner, run_shop, order_action::ship));
  // A farmer whose id happens to equal a partner id is not the shop side of a partner-run shop.
  const account farmer3{3, role::farmer, "x", "7", 1, 0};
  CHECK_FALSE(can_act(farmer3, order_parties{9, std::nullopt, 3, std::nullopt}, order_action::ship));
}

TEST_CASE("a station's partners see its parcels and hand them over, nobody else", "[core][policy]") {
  // buyer 1 ordered from farmer 2's shop, to pick up at the station of village 1 (partner 3's).
  const order_parties parcel{1, 2, std::nullopt, 1};
  CHECK(can_see(partner, parcel));
  CHECK_FALSE(can_see(other_partner, parcel));
  for (auto a : {order_action::arrive, order_action::hand_over}) {
    CHECK(can_act(partner, parcel, a));
    CHECK_FALSE(can_act(other_partner, parcel, a));
    CHECK_FALSE(can_act(buyer, parcel, a));
    CHECK_FALSE(can_act(farmer, parcel, a));
    CHECK_FALSE(can_act(admin, parcel, a));
  }
  CHECK_FALSE(can_act(partner, parcel, order_action::ship));
  CHECK_FALSE(can_act(partner, parcel, order_action::cancel));
  // The code is the placer's and admins', never the station's nor the shop's.
  CHECK(can_see_pickup_code(buyer, parcel));
  CHECK(can_see_pickup_code(admin, parcel));
  CHECK_FALSE(can_see_pickup_code(partner, parcel));
  CHECK_FALSE(can_see_pickup_code(farmer, parcel));
}

TEST_CASE("check_order_access: 404 before 403", "[core][policy]") {
  const order_parties own_shop{1, 2, std::nullopt, std::nullopt};
  CHECK(check_order_access(stranger, own_shop, order_action::pay)->code == errc::not_found);
  CHECK(check_order_access(farmer, own_shop, order_action::pay)->code == errc::forbidden);
  CHECK(check_order_access(admin, own_shop, order_action::cancel)->code == errc::forbidden);
  CHECK_FALSE(check_order_access(buyer, own_shop, order_action::pay));
}

TEST_CASE("who may place orders, and for whom", "[core][policy]") {
  CHECK(can_place_orders(buyer));
  CHECK(can_place_orders(farmer));
  CHECK(can_place_orders(partner));
  CHECK_FALSE(can_place_orders(admin));
  CHECK(can_order_for_villagers(partner));
  CHECK_FALSE(can_order_for_villagers(buyer));
  CHECK_FALSE(can_order_for_villagers(farmer));
  const villager of_village_1{10, 1, "v", std::nullopt, 3, 0};
  CHECK(can_order_for(partner, of_village_1));
  CHECK_FALSE(can_order_for(other_partner, of_village_1));
  CHECK_FALSE(can_order_for(farmer, of_village_1));
}

TEST_CASE("who may open and manage shops and see drafts", "[core][policy]") {
  CHECK(can_open_shop(farmer));
  CHECK(can_open_shop(partner));
  CHECK_FALSE(can_open_shop(buyer));
  CHECK_FALSE(can_open_shop(admin));
  const account farmer_without_village{8, role::farmer, "f", "8", std::nullopt, 0};
  CHECK_FALSE(can_open_shop(farmer_without_village));
  const villager of_village_1{10, 1, "v", std::nullopt, 3, 0};
  CHECK(can_run_shop_for(partner, of_village_1));
  CHECK_FALSE(can_run_shop_for(other_partner, of_village_1));

  shop own;
  own.owner_account_id = farmer.id;
  shop run;
  run.partner_id = partner.id;
  run.villager_id = 10;
  CHECK(can_manage(farmer, own));
  CHECK_FALSE(can_manage(other_farmer, own));
  CHECK(can_manage(partner, run));
  CHECK_FALSE(can_manage(other_partner, run));
  CHECK_FALSE(can_manage(admin, own));
  // A farmer whose id equals the running partner's id does not manage the partner's shop.
  const account farmer3{3, role::farmer, "x", "9", 1, 0};
  CHECK_FALSE(can_manage(farmer3, run));

  listing draft;
  draft.status = listing_status::draft;
  listing active;
  CHECK(can_view(std::nullopt, own, active));
  CHECK_FALSE(can_view(std::nullopt, own, draft));
  CHECK_FALSE(can_view(other_farmer, own, draft));
  CHECK(can_view(farmer, own, draft));
}

TEST_CASE("villagers, balances and earnings", "[core][policy]") {
  CHECK(can_manage_villagers(partner));
  CHECK_FALSE(can_manage_villagers(farmer));
  const account partner_without_village{9, role::partner, "p", "9", std::nullopt, 0};
  CHECK_FALSE(can_manage_villagers(partner_without_village));
  CHECK(has_balance(farmer));
  CHECK(has_balance(partner));
  CHECK_FALSE(has_balance(buyer));
  CHECK_FALSE(has_balance(admin));
  CHECK(can_read_earnings_of(partner, partner.id));
  CHECK_FALSE(can_read_earnings_of(partner, other_partner.id));
  CHECK(can_read_earnings_of(admin, partner.id));
  CHECK_FALSE(can_read_earnings_of(farmer, farmer.id));
}
