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

TEST_CASE("each action reads as the state it leads to", "[core][orders]") {
  CHECK(past_tense(order_action::pay) == "paid");
  CHECK(past_tense(order_action::ship) == "shipped");
  CHECK(past_tense(order_action::deliver) == "delivered");
  CHECK(past_tense(order_action::cancel) == "cancelled");
}
