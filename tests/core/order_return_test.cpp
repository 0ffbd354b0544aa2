#include "core/order_return.hpp"

#include <catch2/catch.hpp>

#include "core/policy.hpp"

using namespace cunji;

namespace {
order delivered_at(unix_seconds t) {
  order o;
  o.status = order_status::delivered;
  o.delivered_at = t;
  return o;
}
}  // namespace

TEST_CASE("a return is asked for within 7 days of delivery", "[core][returns]") {
  const auto o = delivered_at(1'000);
  CHECK_FALSE(check_return_window(o, 1'000));
  CHECK_FALSE(check_return_window(o, 1'000 + return_window_s));
  const auto late = check_return_window(o, 1'000 + return_window_s + 1);
  REQUIRE(late);
  CHECK(late->code == errc::conflict);
  auto shipped = o;
  shipped.status = order_status::shipped;
  REQUIRE(check_return_window(shipped, 1'000));
  CHECK(check_return_window(shipped, 1'000)->code == errc::invalid_transition);
  for (auto s : {order_status::refunded, order_status::cancelled, order_status::at_station}) {
    auto other = o;
    other.status = s;
    CHECK(check_return_window(other, 1'000));
  }
}

TEST_CASE("a parcel is reported lost after 7 days shipped, never once at its station", "[core][returns]") {
  order o;
  o.status = order_status::shipped;
  o.shipped_at = 5'000;
  CHECK(check_lost_report(o, 5'000 + lost_after_shipped_s - 1));
  CHECK_FALSE(check_lost_report(o, 5'000 + lost_after_shipped_s));
  o.status = order_status::at_station;
  CHECK(check_lost_report(o, 5'000 + lost_after_shipped_s));
  o.status = order_status::delivered;
  CHECK(check_lost_report(o, 5'000 + lost_after_shipped_s));
}

TEST_CASE("deciding a return: accepted is final, a rejection is overridden only by an admin", "[core][returns]") {
  using d = return_decision;
  CHECK_FALSE(check_return_decision(return_status::requested, d::accept, false));
  CHECK_FALSE(check_return_decision(return_status::requested, d::reject, false));
  CHECK_FALSE(check_return_decision(return_status::rejected, d::accept, true));
  CHECK(check_return_decision(return_status::rejected, d::accept, false));
  CHECK(check_return_decision(return_status::rejected, d::reject, true));
  CHECK(check_return_decision(return_status::accepted, d::accept, true));
  CHECK(check_return_decision(return_status::accepted, d::reject, false));
}

TEST_CASE("who asks for and decides a return", "[core][returns][policy]") {
  const order_parties p{.placed_by = 1, .shop_owner = 2, .shop_partner = 3, .station = 9};
  auto someone = [](std::int64_t id, role r, std::optional<std::int64_t> village = std::nullopt) {
    account a;
    a.id = id;
    a.role = r;
    a.village_id = village;
    return a;
  };
  const auto placer = someone(1, role::buyer);
  const auto farmer = someone(2, role::farmer);
  const auto runner = someone(3, role::partner);
  const auto admin = someone(4, role::admin);
  const auto station = someone(5, role::partner, 9);
  CHECK(can_request_return(placer, p));
  for (const auto& a : {farmer, runner, admin, station}) CHECK_FALSE(can_request_return(a, p));
  CHECK(can_decide_return(farmer, p, return_decision::reject));
  CHECK(can_decide_return(runner, p, return_decision::accept));
  CHECK(can_decide_return(admin, p, return_decision::accept));
  CHECK_FALSE(can_decide_return(admin, p, return_decision::reject));
  CHECK_FALSE(can_decide_return(placer, p, return_decision::accept));
  CHECK_FALSE(can_decide_return(station, p, return_decision::accept));
}

TEST_CASE("return statuses by name", "[core][returns]") {
  for (auto s : {return_status::requested, return_status::accepted, return_status::rejected})
    CHECK(parse_return_status(to_string(s)) == s);
  CHECK_FALSE(parse_return_status("refunded"));
}
