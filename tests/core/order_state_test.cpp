#include "core/order_state.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <tuple>

using namespace cunji;

namespace {
using S = order_status;
using A = order_action;
using D = delivery_method;
const A all_actions[] = {A::pay,    A::ship,   A::arrive,         A::hand_over, A::deliver,
                         A::cancel, A::expire, A::return_to_shop, A::refund};
}  // namespace

TEST_CASE("order transitions: the lifecycle and nothing else", "[core][orders]") {
  // Every allowed move, for each delivery method; anything not listed is refused.
  const std::set<std::tuple<S, A, D, S>> allowed = {
      {S::placed, A::pay, D::address, S::paid},
      {S::placed, A::pay, D::station_pickup, S::paid},
      {S::paid, A::ship, D::address, S::shipped},
      {S::paid, A::ship, D::station_pickup, S::shipped},
      {S::shipped, A::deliver, D::address, S::delivered},
      {S::shipped, A::arrive, D::station_pickup, S::at_station},
      {S::at_station, A::hand_over, D::station_pickup, S::delivered},
      {S::at_station, A::return_to_shop, D::station_pickup, S::returned_to_shop},
      {S::placed, A::cancel, D::address, S::cancelled},
      {S::placed, A::cancel, D::station_pickup, S::cancelled},
      {S::paid, A::cancel, D::address, S::cancelled},
      {S::paid, A::cancel, D::station_pickup, S::cancelled},
      {S::placed, A::expire, D::address, S::cancelled},
      {S::placed, A::expire, D::station_pickup, S::cancelled},
      {S::delivered, A::refund, D::address, S::refunded},
      {S::delivered, A::refund, D::station_pickup, S::refunded},
      {S::shipped, A::refund, D::address, S::refunded},
      {S::shipped, A::refund, D::station_pickup, S::refunded},
  };
  int found = 0;
  for (auto from : all_order_statuses)
    for (auto a : all_actions)
      for (auto d : {D::address, D::station_pickup}) {
        const auto next = next_status(from, a, d);
        INFO(to_string(from) << " " << to_string(a) << " " << to_string(d));
        if (next) {
          ++found;
          CHECK(allowed.count({from, a, d, *next}) == 1);
        }
      }
  CHECK(found == static_cast<int>(allowed.size()));
  // Station orders are delivered only by a hand-over, address orders only by `deliver`.
  CHECK_FALSE(next_status(S::shipped, A::deliver, D::station_pickup));
  CHECK_FALSE(next_status(S::shipped, A::arrive, D::address));
  CHECK_FALSE(next_status(S::paid, A::expire, D::address));  // the unpaid timer never cancels a paid order
}

TEST_CASE("what counts as a sale", "[core][orders]") {
  for (auto s : all_order_statuses) {
    const bool counts = s == S::paid || s == S::shipped || s == S::at_station || s == S::delivered;
    CHECK(counts_as_sale(s) == counts);
    CHECK(parse_order_status(to_string(s)) == s);
  }
  CHECK_FALSE(parse_order_status("lost"));
}

TEST_CASE("each action reads as the state it leads to", "[core][orders]") {
  CHECK(past_tense(order_action::pay) == "paid");
  CHECK(past_tense(order_action::ship) == "shipped");
  CHECK(past_tense(order_action::deliver) == "delivered");
  CHECK(past_tense(order_action::cancel) == "cancelled");
}
