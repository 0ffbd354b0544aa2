#include "core/fees.hpp"

#include <catch2/catch.hpp>

using namespace cunji;

TEST_CASE("apply_bps rounds half up in integer fen", "[core][fees]") {
  struct row {
    std::int64_t amount, bps, fee;
  };
  for (const auto& r : {row{10000, 500, 500}, row{1, 5000, 1},  // 0.5 fen rounds up
                        row{1, 4999, 0},                        // 0.4999 fen rounds down
                        row{3, 1667, 1},                        // 0.5001 -> 1
                        row{99, 50, 0},                         // 0.495 -> 0
                        row{100, 50, 1},                        // 0.5 -> 1
                        row{12345, 300, 370},                   // 370.35 -> 370
                        row{12350, 300, 371},                   // 370.5 -> 371
                        row{0, 500, 0}, row{5'000'000'000'000, 10000, 5'000'000'000'000}}) {
    INFO(r.amount << " at " << r.bps << " bps");
    CHECK(apply_bps(r.amount, r.bps) == r.fee);
  }
}

TEST_CASE("commission rate: poverty county, else category, else platform", "[core][fees]") {
  fee_schedule s;
  s.platform_commission_bps = 500;
  s.category_commission_bps = {{"tea", 800}, {"fruit", 0}};
  s.poverty_county_commission_bps = 100;
  CHECK(commission_bps(s, false, "grain") == 500);
  CHECK(commission_bps(s, false, "tea") == 800);
  CHECK(commission_bps(s, false, "fruit") == 0);
  CHECK(commission_bps(s, true, "tea") == 100);  // poverty rate wins over the category rate
  CHECK(commission_bps(s, true, "grain") == 100);
}

TEST_CASE("price_order computes per line, sums, and keeps the invariants", "[core][fees]") {
  fee_schedule s;  // 5 % platform, 3 % assisted buying, 2 % assisted selling, 8 yuan delivery
  s.category_commission_bps = {{"tea", 1000}};

  SECTION("commission is computed per line and then summed") {
    // 3 x 3.33 yuan at 5 %: 999 -> 49.95 -> 50; 1 x 0.01 yuan tea at 10 %: 0.1 -> 0.
    std::vector<priced_line> lines{{333, 3, "grain"}, {1, 1, "tea"}};
    const auto m = price_order(lines, {}, s);
    CHECK(lines[0].line_total_fen == 999);
    CHECK(lines[0].commission_fen == 50);
    CHECK(lines[1].commission_fen == 0);
    CHECK(m.subtotal_fen == 1000);
    CHECK(m.platform_commission_fen == 50);
    CHECK(m.shop_proceeds_fen == 950);
    CHECK(m.delivery_fee_fen == 0);
    CHECK(m.total_fen == 1000);
    CHECK(m.partner_fees.empty());
    CHECK(m.platform_net_fen() == 50);
  }
  SECTION("poverty counties pay the poverty rate (zero by default)") {
    std::vector<priced_line> lines{{12345, 2, "tea"}};
    const auto m = price_order(lines, {.poverty_relief = true}, s);
    CHECK(m.platform_commission_fen == 0);
    CHECK(m.shop_proceeds_fen == m.subtotal_fen);
  }
  SECTION("address delivery adds the fee to the total, not the subtotal") {
    std::vector<priced_line> lines{{1000, 1, "grain"}};
    const auto m = price_order(lines, {.delivery = delivery_method::address}, s);
    CHECK(m.subtotal_fen == 1000);
    CHECK(m.delivery_fee_fen == 800);
    CHECK(m.total_fen == 1800);
  }
  SECTION("both partner fees on one order, on the subtotal; the platform net may go negative") {
    std::vector<priced_line> lines{{5000, 1, "grain"}};
    const auto m = price_order(lines, {.poverty_relief = true, .assisting_buyer_partner = 7, .shop_partner = 9}, s);
    REQUIRE(m.partner_fees.size() == 2);
    CHECK(m.partner_fees[0] == partner_fee{7, partner_fee_kind::assisted_buying, 150});
    CHECK(m.partner_fees[1] == partner_fee{9, partner_fee_kind::assisted_selling, 100});
    CHECK(m.platform_commission_fen == 0);
    CHECK(m.platform_net_fen() == -250);
  }
  SECTION("invariants hold across many random orders") {
    std::uint64_t x = 88172645463325252ull;
    auto rnd = [&](std::int64_t n) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      return static_cast<std::int64_t>(x % static_cast<std::uint64_t>(n));
    };
    for (int i = 0; i < 2000; ++i) {
      std::vector<priced_line> lines;
      const auto n = 1 + rnd(50);
      for (int k = 0; k < n; ++k) lines.push_back({1 + rnd(100'000'000), 1 + rnd(10'000), "tea"});
      const auto m = price_order(lines, {.poverty_relief = rnd(2) == 1, .delivery = delivery_method::address}, s);
      std::int64_t sum = 0, commission = 0;
      for (const auto& l : lines) sum += l.line_total_fen, commission += l.commission_fen;
      REQUIRE(m.subtotal_fen == sum);
      REQUIRE(m.platform_commission_fen == commission);
      REQUIRE(m.total_fen == m.subtotal_fen + m.delivery_fee_fen);
      REQUIRE(m.shop_proceeds_fen == m.subtotal_fen - m.platform_commission_fen);
    }
  }
}

TEST_CASE("fee schedules are validated", "[core][fees]") {
  fee_schedule s;
  CHECK(validate(s).empty());
  s.platform_commission_bps = 10001;
  s.category_commission_bps = {{"durian", 10}, {"tea", -1}};
  s.address_delivery_fee_fen = -1;
  const auto errs = validate(s);
  std::vector<std::string> fields;
  for (const auto& e : errs) fields.push_back(e.field);
  CHECK(fields == std::vector<std::string>{"platform_commission_bps", "category_commission_bps.durian",
                                           "category_commission_bps.tea", "address_delivery_fee_fen"});
}
