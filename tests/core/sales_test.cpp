// Sales rules: days, the village window's boundary, report periods, buyer keys, and the
// Taobao-village rule at its edges.
#include "core/sales.hpp"

#include <catch2/catch.hpp>

using namespace cunji;

namespace {
constexpr unix_seconds t0 = 1'795'442'400;  // 2026-11-23T14:00:00Z
constexpr day_number d0 = 20'780;           // 2026-11-23
}  // namespace

TEST_CASE("the UTC day of a moment", "[core][reports]") {
  static_assert(day_of(t0) == d0);
  CHECK(day_of(0) == 0);
  CHECK(day_of(86'399) == 0);
  CHECK(day_of(86'400) == 1);
  CHECK(day_of(-1) == -1);
  CHECK(day_of(-86'400) == -1);
  CHECK(day_of(-86'401) == -2);
  CHECK(day_of(*parse_date("2026-11-23")) == d0);
  CHECK(day_of(*parse_date("2026-11-23") + 86'399) == d0);
  CHECK(day_of(*parse_date("2026-11-24")) == d0 + 1);
}

TEST_CASE("the village window: 365 UTC days, today included, 364 days old is in, 365 is out", "[core][reports]") {
  struct row {
    day_number age;  // today - order day
    bool counts;
  };
  const row table[] = {{-1, false}, {0, true},    {1, true},    {363, true},
                       {364, true}, {365, false}, {366, false}, {730, false}};
  for (const auto& r : table) {
    INFO("age " << r.age);
    CHECK(in_gmv_window(d0 - r.age, d0) == r.counts);
  }
  CHECK(gmv_window(d0) == day_range{d0 - 364, d0 + 1});
  CHECK(gmv_window(d0).to - gmv_window(d0).from == gmv_window_days);
  // Ages are calendar days, not 24-hour periods: an order placed at 2025-11-23T23:59:59Z is 364
  // days old until 2026-11-22T23:59:59Z and 365 days old (out) one second later.
  const unix_seconds late = *parse_date("2025-11-23") + 86'399;
  CHECK(in_gmv_window(day_of(late), day_of(late + 364LL * 86'400)));
  CHECK_FALSE(in_gmv_window(day_of(late), day_of(late + 364LL * 86'400 + 1)));
}

TEST_CASE("report periods: from included, to excluded, defaults, errors", "[core][reports]") {
  using sv = std::string_view;
  SECTION("defaults: the village window") {
    auto r = report_period(std::nullopt, std::nullopt, t0);
    REQUIRE(r.ok());
    CHECK(r.value() == gmv_window(d0));
    CHECK(r->from == day_of(*parse_date("2025-11-24")));
    CHECK(r->to == day_of(*parse_date("2026-11-24")));
  }
  SECTION("both given") {
    auto r = report_period(sv("2026-01-01"), sv("2027-01-01"), t0);
    REQUIRE(r.ok());
    CHECK(r->from == day_of(*parse_date("2026-01-01")));
    CHECK(r->to - r->from == 365);
    r = report_period(sv("2026-11-23"), sv("2026-11-24"), t0);  // one day
    REQUIRE(r.ok());
    CHECK(r->to - r->from == 1);
    CHECK(r->contains(d0));
    CHECK_FALSE(r->contains(d0 + 1));
    CHECK_FALSE(r->contains(d0 - 1));
  }
  SECTION("only one given") {
    auto r = report_period(sv("2026-01-01"), std::nullopt, t0);
    REQUIRE(r.ok());
    CHECK(r->to == d0 + 1);
    r = report_period(std::nullopt, sv("2026-01-01"), t0);
    REQUIRE(r.ok());
    CHECK(r->to == day_of(*parse_date("2026-01-01")));
    CHECK(r->from == r->to - 365);
  }
  SECTION("errors name the field") {
    struct bad {
      std::optional<sv> from, to;
      std::vector<std::string> fields;
    };
    const bad table[] = {
        {sv("2026-02-30"), std::nullopt, {"from"}},   {sv("2026-1-01"), std::nullopt, {"from"}},
        {std::nullopt, sv("yesterday"), {"to"}},      {sv(""), sv("2026-13-01"), {"from", "to"}},
        {sv("2026-01-01"), sv("2026-01-01"), {"to"}},  // empty period
        {sv("2026-01-02"), sv("2026-01-01"), {"to"}},  // backwards
        {sv("2027-01-01"), std::nullopt, {"from"}},    // after today, and `to` is left at tomorrow
        {sv("2026-11-24"), std::nullopt, {"from"}},    // tomorrow: an empty period
    };
    for (const auto& b : table) {
      INFO((b.from ? *b.from : sv("-")) << " .. " << (b.to ? *b.to : sv("-")));
      auto r = report_period(b.from, b.to, t0);
      REQUIRE_FALSE(r.ok());
      CHECK(r.err().code == errc::validation_failed);
      std::vector<std::string> fields;
      for (const auto& e : r.err().errors) fields.push_back(e.field);
      CHECK(fields == b.fields);
    }
  }
}

TEST_CASE("buyer keys never mix accounts and villagers", "[core][reports]") {
  CHECK(buyer_key(7, std::nullopt) == 7);
  CHECK(buyer_key(std::nullopt, 7) == -7);
  CHECK(buyer_key(std::nullopt, std::nullopt) == 0);
}

TEST_CASE("the Taobao-village rule at its edges", "[core][reports]") {
  const taobao_village_thresholds defaults{};
  CHECK(defaults.min_shops == 100);
  CHECK(defaults.min_gmv_fen == 1'000'000'000);
  struct row {
    std::int64_t shops, gmv;
    bool taobao;
  };
  const row table[] = {
      {100, 1'000'000'000, true},
      {99, 1'000'000'000, false},
      {100, 999'999'999, false},
      {99, 999'999'999, false},
      {101, 5'000'000'000, true},
      {0, 0, false},
      {100, 0, false},
      {1'000, 1'000'000'000, true},
  };
  for (const auto& r : table) {
    INFO(r.shops << " shops, " << r.gmv << " fen");
    CHECK(is_taobao_village(r.shops, r.gmv, defaults) == r.taobao);
    village v;
    v.active_shops = r.shops;
    v.gmv_365d_fen = r.gmv;
    CHECK(taobao_status(v, defaults) == r.taobao);
  }
  // Other thresholds (the fee schedule's) move the edges.
  const taobao_village_thresholds low{3, 5'000};
  CHECK(is_taobao_village(3, 5'000, low));
  CHECK_FALSE(is_taobao_village(2, 5'000, low));
  CHECK_FALSE(is_taobao_village(3, 4'999, low));
  CHECK(is_taobao_village(0, 0, {0, 0}));
}
