#include "core/purchase.hpp"

#include <catch2/catch.hpp>

#include "core/ordering.hpp"

using namespace cunji;

namespace {
const account buyer{1, role::buyer, "b", "1", std::nullopt, 0};

listing of_shop(std::int64_t id, std::int64_t shop_id, std::int64_t stock = 10) {
  listing l;
  l.id = id;
  l.shop_id = shop_id;
  l.stock = stock;
  l.price_fen = 1'000;
  l.category = "fruit";
  return l;
}

std::vector<std::string> fields_of(const error& e) {
  std::vector<std::string> out;
  for (const auto& f : e.errors) out.push_back(f.field);
  return out;
}
}  // namespace

TEST_CASE("a purchase's lines are grouped by shop, shops in the order of their first line", "[core][purchase]") {
  const std::vector<std::optional<listing>> listings{of_shop(10, 7), of_shop(20, 3), std::nullopt, of_shop(11, 7),
                                                     of_shop(30, 9)};
  const auto groups = group_by_shop(listings);
  REQUIRE(groups.size() == 3);
  CHECK(groups[0].shop_id == 7);
  CHECK(groups[0].positions == std::vector<std::size_t>{0, 3});
  CHECK(groups[1].shop_id == 3);
  CHECK(groups[1].positions == std::vector<std::size_t>{1});
  CHECK(groups[2].shop_id == 9);
  CHECK(groups[2].positions == std::vector<std::size_t>{4});
  const auto missing = missing_listings(listings);
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].field == "lines[2].listing_id");
}

TEST_CASE("a shop group's errors name the lines by their place in the purchase", "[core][purchase]") {
  shop s;
  s.id = 7;
  s.owner_account_id = 2;
  placement p;
  p.placer = buyer;
  p.shop_id = 7;
  p.shop_row = s;
  p.lines = {{10, 1}, {11, 5}};
  p.listings = {of_shop(10, 7), of_shop(11, 7, 4)};
  p.positions = {1, 4};
  auto r = check_placement(p, "lines");
  REQUIRE(!r);
  CHECK(r.err().code == errc::insufficient_stock);
  CHECK(fields_of(r.err()) == std::vector<std::string>{"lines[4].quantity"});

  p.shop_row->status = shop_status::closed;  // no shop_id in a purchase: each of its lines is named
  r = check_placement(p, "lines");
  REQUIRE(!r);
  CHECK(r.err().code == errc::validation_failed);
  CHECK(fields_of(r.err()) == std::vector<std::string>{"lines[1].listing_id", "lines[4].listing_id"});
}

TEST_CASE("a purchase's money is the sum of its orders', and it is seen by who sees them all", "[core][purchase]") {
  purchase p;
  for (const auto& [sub, fee] : {std::pair{1'000, 800}, std::pair{2'500, 0}}) {
    order o;
    o.money.subtotal_fen = sub;
    o.money.delivery_fee_fen = fee;
    o.money.total_fen = sub + fee;
    p.orders.push_back(o);
  }
  const auto m = money_of(p);
  CHECK(m.subtotal_fen == 3'500);
  CHECK(m.delivery_fee_fen == 800);
  CHECK(m.total_fen == 4'300);

  const account farmer{2, role::farmer, "f", "2", 7, 0};
  const std::vector<order_parties> parties{{1, 2, std::nullopt, std::nullopt}, {1, 5, std::nullopt, std::nullopt}};
  CHECK(can_see_all(buyer, parties));
  CHECK_FALSE(can_see_all(farmer, parties));  // the shop side of one order only
  CHECK_FALSE(can_see_all(buyer, {}));
}
