#include "core/purchase.hpp"

#include <algorithm>

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

namespace {
// Lines 0 and 3 of shop 7, line 1 of shop 9, line 2 naming no listing.
purchase_placement three_shops_lines() {
  purchase_placement p;
  p.placer = buyer;
  p.lines = {{10, 1}, {20, 5}, {99, 1}, {11, 2}};
  p.listings = {of_shop(10, 7), of_shop(20, 9, 4), std::nullopt, of_shop(11, 7)};
  for (const auto shop_id : {7, 9}) {
    shop s;
    s.id = shop_id;
    s.owner_account_id = 100 + shop_id;
    p.shops.push_back(s);
  }
  return p;
}

std::size_t count_of(const std::vector<std::string>& fields, const std::string& f) {
  return static_cast<std::size_t>(std::count(fields.begin(), fields.end(), f));
}
}  // namespace

TEST_CASE("a purchase is checked over all its shops: every bad field first, then every short line",
          "[core][purchase]") {
  auto p = three_shops_lines();
  // A line naming no listing is a 422, even with line 1 short of stock.
  auto r = check_purchase(p);
  REQUIRE(!r);
  CHECK(r.err().code == errc::validation_failed);
  CHECK(fields_of(r.err()) == std::vector<std::string>{"lines[2].listing_id"});

  // A villager the buyer may not order for is named once, not once per shop; a station
  // without a partner after it.
  p.villager_id = 5;
  p.station_error = field_error{"station_village_id", "has no partner"};
  r = check_purchase(p);
  REQUIRE(!r);
  const auto fields = fields_of(r.err());
  CHECK(count_of(fields, "villager_id") == 1);
  CHECK(count_of(fields, "lines[2].listing_id") == 1);
  CHECK(fields.back() == "station_village_id");

  // ... and so when no line names a listing, with no shop to check it with.
  auto none = p;
  none.listings = {std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  r = check_purchase(none);
  REQUIRE(!r);
  CHECK(count_of(fields_of(r.err()), "villager_id") == 1);

  // A shop storage did not find: each of its lines is named.
  auto no_shop = three_shops_lines();
  no_shop.listings[2] = of_shop(12, 9);
  no_shop.shops.pop_back();  // shop 9
  r = check_purchase(no_shop);
  REQUIRE(!r);
  CHECK(fields_of(r.err()) == std::vector<std::string>{"lines[1].listing_id", "lines[2].listing_id"});

  // With every line naming a listing, every line short of stock over all shops is a 409.
  p = three_shops_lines();
  p.lines[2] = {12, 1};
  p.listings[2] = of_shop(12, 9, 0);
  r = check_purchase(p);
  REQUIRE(!r);
  CHECK(r.err().code == errc::insufficient_stock);
  CHECK(fields_of(r.err()) == std::vector<std::string>{"lines[1].quantity", "lines[2].quantity"});
  CHECK(r.err().listing_ids == std::vector<std::int64_t>{20, 12});

  // Enough stock: each shop with its own lines, shops in the order of their first line.
  p.listings[1] = of_shop(20, 9, 5);
  p.listings[2] = of_shop(12, 9, 1);
  r = check_purchase(p);
  REQUIRE(r);
  REQUIRE(r.value().size() == 2);
  CHECK(r.value()[0].first.id == 7);
  CHECK(r.value()[0].second.size() == 2);
  CHECK(r.value()[0].second[1].quantity == 2);
  CHECK(r.value()[1].first.id == 9);
  CHECK(r.value()[1].second.size() == 2);
  CHECK(r.value()[1].second[0].l.id == 20);
}
