#include "core/order_state.hpp"

#include <catch2/catch.hpp>

using namespace cunji;

TEST_CASE("order transitions: the lifecycle and nothing else", "[core][orders]") {
  using S = order_status;
  using A = order_action;
  const S all[] = {S::placed, S::paid, S::shipped, S::delivered, S::cancelled};
  const A actions[] = {A::pay, A::ship, A::deliver, A::cancel};
  int allowed = 0;
  for (auto from : all)
    for (auto a : actions)
      if (next_status(from, a)) ++allowed;
  CHECK(allowed == 5);  // pay, ship, deliver, cancel x2
  CHECK(next_status(S::placed, A::pay) == S::paid);
  CHECK(next_status(S::paid, A::ship) == S::shipped);
  CHECK(next_status(S::shipped, A::deliver) == S::delivered);
  CHECK(next_status(S::placed, A::cancel) == S::cancelled);
  CHECK(next_status(S::paid, A::cancel) == S::cancelled);
  CHECK_FALSE(next_status(S::shipped, A::cancel));
  CHECK_FALSE(next_status(S::delivered, A::cancel));
  CHECK_FALSE(next_status(S::cancelled, A::pay));
  CHECK_FALSE(next_status(S::paid, A::pay));
}

TEST_CASE("who may see and move an order", "[core][orders]") {
  const account buyer{1, role::buyer, "b", "1", std::nullopt, 0};
  const account farmer{2, role::farmer, "f", "2", 1, 0};
  const account partner{3, role::partner, "p", "3", 1, 0};
  const account admin{4, role::admin, "a", "4", std::nullopt, 0};
  const account stranger{5, role::buyer, "s", "5", std::nullopt, 0};
  const account other_farmer{6, role::farmer, "f2", "6", 1, 0};
  const order_parties own_shop{1, 2, std::nullopt};   // buyer 1 ordered from farmer 2's shop
  const order_parties run_shop{3, std::nullopt, 3};   // partner 3 ordered (for a villager) from a shop it runs

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
  CHECK_FALSE(can_act(farmer3, order_parties{9, std::nullopt, 3}, order_action::ship));
}
