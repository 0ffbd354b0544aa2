#include "core/ordering.hpp"

#include <catch2/catch.hpp>

using namespace cunji;

namespace {
const account buyer{1, role::buyer, "b", "1", std::nullopt, 0};
const account partner{3, role::partner, "p", "3", 7, 0};

shop open_shop(std::int64_t id, std::int64_t owner) {
  shop s;
  s.id = id;
  s.village_id = 7;
  s.county_id = 2;
  s.owner_account_id = owner;
  return s;
}

listing active_listing(std::int64_t id, std::int64_t shop_id, std::int64_t stock, std::int64_t price = 1'000) {
  listing l;
  l.id = id;
  l.shop_id = shop_id;
  l.stock = stock;
  l.price_fen = price;
  l.category = "fruit";
  return l;
}

placement order_from(const shop& s, std::vector<order_line> lines, std::vector<std::optional<listing>> listings) {
  placement p;
  p.placer = buyer;
  p.shop_id = s.id;
  p.shop_row = s;
  p.lines = std::move(lines);
  p.listings = std::move(listings);
  return p;
}

std::vector<std::string> fields_of(const error& e) {
  std::vector<std::string> out;
  for (const auto& f : e.errors) out.push_back(f.field);
  return out;
}
}  // namespace

TEST_CASE("a placement that passes returns its lines with their listings", "[core][ordering]") {
  const auto s = open_shop(5, 2);
  auto r = check_placement(order_from(s, {{10, 2}, {11, 1}}, {active_listing(10, 5, 2), active_listing(11, 5, 9)}));
  REQUIRE(r.ok());
  REQUIRE(r.value().size() == 2);
  CHECK(r.value()[0].l.id == 10);
  CHECK(r.value()[1].quantity == 1);
}

TEST_CASE("every bad field of a placement is named at once", "[core][ordering]") {
  auto s = open_shop(5, 2);
  listing draft = active_listing(12, 5, 9);
  draft.status = listing_status::draft;
  auto p = order_from(
      s, {{10, 1}, {10, 1}, {11, 1}, {12, 1}, {13, 1}},
      {active_listing(10, 5, 9), active_listing(10, 5, 9), active_listing(11, 6, 9), draft, std::nullopt});
  const auto r = check_placement(p);
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().code == errc::validation_failed);
  CHECK(fields_of(r.err()) == std::vector<std::string>{"items[1].listing_id", "items[2].listing_id",
                                                       "items[3].listing_id", "items[4].listing_id"});
  p.lines = {{10, 1}};
  p.listings = {active_listing(10, 5, 9)};
  p.shop_row->status = shop_status::closed;
  CHECK(fields_of(check_placement(p).err()) == std::vector<std::string>{"shop_id"});
  p.shop_row = std::nullopt;
  CHECK(fields_of(check_placement(p).err()) == std::vector<std::string>{"shop_id"});
}

TEST_CASE("one's own shop and another village's villager are refused", "[core][ordering]") {
  auto p = order_from(open_shop(5, buyer.id), {{10, 1}}, {active_listing(10, 5, 9)});
  CHECK(fields_of(check_placement(p).err()) == std::vector<std::string>{"shop_id"});
  p = order_from(open_shop(5, 2), {{10, 1}}, {active_listing(10, 5, 9)});
  p.placer = partner;
  p.villager_id = 40;
  CHECK(fields_of(check_placement(p).err()) == std::vector<std::string>{"villager_id"});  // no such villager
  p.villager_row = villager{40, 8, "v", std::nullopt, 99, 0};                             // another village's
  CHECK(fields_of(check_placement(p).err()) == std::vector<std::string>{"villager_id"});
  p.villager_row->village_id = 7;
  CHECK(check_placement(p).ok());
}

TEST_CASE("stock is all or nothing: every short line is named", "[core][ordering]") {
  const auto s = open_shop(5, 2);
  const auto r = check_placement(
      order_from(s, {{10, 3}, {11, 1}, {12, 5}},
                 {active_listing(10, 5, 2), active_listing(11, 5, 1), active_listing(12, 5, 4)}),
      "lines");
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().code == errc::insufficient_stock);
  CHECK(r.err().listing_ids == std::vector<std::int64_t>{10, 12});
  CHECK(fields_of(r.err()) == std::vector<std::string>{"lines[0].quantity", "lines[2].quantity"});
}

TEST_CASE("make_order prices the lines and copies the shop onto the order", "[core][ordering]") {
  shop s = open_shop(5, 2);
  s.partner_id = 3;
  s.owner_account_id = std::nullopt;
  auto l = active_listing(10, 5, 9, 1'234);
  l.poverty_relief = true;
  fee_schedule fs;
  fs.poverty_county_commission_bps = 0;
  const auto o = make_order(partner, s, {{l, 2}}, {delivery_method::address, "村口", 40, std::nullopt, std::nullopt},
                            fs, 100);
  CHECK(o.money.subtotal_fen == 2'468);
  CHECK(o.money.delivery_fee_fen == fs.address_delivery_fee_fen);
  CHECK(o.money.platform_commission_fen == 0);  // poverty county
  CHECK(o.poverty_relief);
  CHECK(o.placed_by == partner.id);
  CHECK_FALSE(o.buyer_account_id);
  CHECK(o.villager_id == 40);
  REQUIRE(o.money.partner_fees.size() == 2);
  CHECK(o.money.partner_fees[0].kind == partner_fee_kind::assisted_buying);
  CHECK(o.money.partner_fees[1].kind == partner_fee_kind::assisted_selling);
  CHECK(o.address == "村口");
  REQUIRE(o.items.size() == 1);
  CHECK(o.items[0].line_total_fen == 2'468);
  CHECK(o.created_at == 100);
}

TEST_CASE("station_for: the named station, else the placer's village", "[core][ordering]") {
  CHECK(station_for(partner, std::nullopt) == partner.village_id);
  CHECK(station_for(partner, 77) == 77);
  const account townsman{9, role::buyer, "b", "9", std::nullopt, 0};
  CHECK_FALSE(station_for(townsman, std::nullopt));
  CHECK(station_for(townsman, 5) == 5);
}
