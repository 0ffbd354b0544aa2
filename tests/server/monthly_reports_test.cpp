// Monthly reports of a county and a village over HTTP: anyone reads them, 404 and 422, every
// month listed with zeros, the Taobao status flipping at the right month, and every figure of
// every month against a recomputation from the orders table over a randomised workload.
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/months.hpp"
#include "core/sales.hpp"
#include "order_fixture.hpp"
#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {

constexpr std::int64_t day_s = 86'400;

void set_thresholds(test_server& s, const std::string& admin, std::int64_t min_shops, std::int64_t min_gmv_fen) {
  auto r = s.send(http::verb::put, "/v1/fee-schedule",
                  R"({"platform_commission_bps":500,"category_commission_bps":{},"poverty_county_commission_bps":0,)"
                  R"("assisted_buying_fee_bps":300,"assisted_selling_fee_bps":200,"address_delivery_fee_fen":800,)"
                  R"("taobao_village_min_shops":)" +
                      std::to_string(min_shops) + R"(,"taobao_village_min_gmv_fen":)" + std::to_string(min_gmv_fen) +
                      R"(,"unpaid_timeout_minutes":30,"auto_deliver_days":10,"station_hold_days":14})",
                  {{"Authorization", "Bearer " + admin}, {"Content-Type", "application/json"}});
  REQUIRE(r.status == 200);
}

std::int64_t county_of(test_server& s, std::int64_t village) {
  auto r = s.get("/v1/villages/" + std::to_string(village));
  REQUIRE(r.status == 200);
  return r.json().at("county_id").as_int64();
}

std::int64_t place(test_server& s, const std::string& token, std::int64_t shop, std::int64_t listing,
                   std::int64_t qty) {
  auto r = s.post("/v1/orders", market::order_body_to(std::nullopt, shop, listing, qty), token);
  INFO(r.body);
  REQUIRE(r.status == 201);
  return r.json().at("id").as_int64();
}
void act(test_server& s, std::int64_t order, const std::string& action, const std::string& token) {
  if (action == "pay") {
    s.pay(order, token);
    return;
  }
  auto r = s.post("/v1/orders/" + std::to_string(order) + "/" + action, "{}", token);
  INFO(action << ": " << r.body);
  REQUIRE(r.status == 200);
}

struct stall {
  std::int64_t farmer_id = 0, shop = 0, listing = 0;
};
stall open_stall(test_server& s, std::int64_t village, std::int64_t price) {
  stall st;
  std::string farmer;
  std::tie(st.farmer_id, farmer) = s.direct_user(role::farmer, village);
  auto r = s.post("/v1/shops", R"({"name":"小店"})", farmer);
  REQUIRE(r.status == 201);
  st.shop = r.json().at("id").as_int64();
  r = s.post("/v1/shops/" + std::to_string(st.shop) + "/listings",
             R"({"title":"高山土豆","category":"vegetable","unit":"kg","price_fen":)" + std::to_string(price) +
                 R"(,"stock":100000})",
             farmer);
  REQUIRE(r.status == 201);
  st.listing = r.json().at("id").as_int64();
  return st;
}

// The months of a monthly report (anonymous), REQUIREd to be 200.
boost::json::array months_of(test_server& s, const std::string& target) {
  auto r = s.get(target);
  INFO(target << " " << r.body);
  REQUIRE(r.status == 200);
  return r.json().at("months").as_array();
}

std::string county_path(std::int64_t id) { return "/v1/reports/counties/" + std::to_string(id) + "/monthly"; }
std::string village_path(std::int64_t id) { return "/v1/reports/villages/" + std::to_string(id) + "/monthly"; }

}  // namespace

TEST_CASE("anyone reads monthly reports: every month listed, zeros included, oldest first",
          "[server][reports][monthly]") {
  test_server s;
  market m(s, true);  // a poverty-stricken county: its orders are poverty relief
  const auto county = county_of(s, m.village);
  auto [buyer_id, buyer] = s.direct_user(role::buyer);
  act(s, place(s, buyer, m.shop, m.listing, 3), "pay", buyer);  // 3,000 fen on 2026-11-23
  place(s, buyer, m.partner_shop, m.partner_listing, 2);        // never paid: does not count

  for (const auto& [path, id_key] :
       {std::pair{county_path(county), "county_id"}, std::pair{village_path(m.village), "village_id"}}) {
    INFO(path);
    auto r = s.get(path);  // anonymous
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type") == "application/json");
    const auto doc = r.json().as_object();
    CHECK(doc.at(id_key).as_int64() == (std::string(id_key) == "county_id" ? county : m.village));
    const auto& months = doc.at("months").as_array();
    REQUIRE(months.size() == 13);  // the last 12 whole months and this one
    CHECK(months.front().at("month").as_string() == "2025-11");
    CHECK(months.back().at("month").as_string() == "2026-11");
    for (std::size_t i = 0; i + 1 < months.size(); ++i) {
      INFO(boost::json::serialize(months[i]));
      CHECK(months[i].at("gmv_fen").as_int64() == 0);
      CHECK(months[i].at("orders").as_int64() == 0);
      CHECK(months[i].at("poverty_relief_gmv_fen").as_int64() == 0);
      CHECK(months[i].at("active_shops").as_int64() == 0);
    }
    const auto& now = months.back().as_object();
    CHECK(now.at("gmv_fen").as_int64() == 3'000);
    CHECK(now.at("orders").as_int64() == 1);
    CHECK(now.at("poverty_relief_gmv_fen").as_int64() == 3'000);
    CHECK(now.at("active_shops").as_int64() == 1);
    CHECK(now.contains("taobao_village") == (std::string(id_key) == "village_id"));
    // Signed-in callers see the same.
    CHECK(s.get(path, m.farmer).body == r.body);
    CHECK(s.get(path, m.admin).body == r.body);
    // An explicit range, every month listed.
    const auto some = months_of(s, path + "?from=2026-01&to=2026-03");
    REQUIRE(some.size() == 3);
    CHECK(some[0].at("month").as_string() == "2026-01");
    CHECK(some[2].at("month").as_string() == "2026-03");
    CHECK(some[1].at("gmv_fen").as_int64() == 0);
    CHECK(months_of(s, path + "?from=2026-11").size() == 1);
    CHECK(months_of(s, path + "?to=2026-10").back().at("gmv_fen").as_int64() == 0);

    struct bad {
      std::string query;
      std::vector<std::string> fields;
    };
    for (const auto& b :
         {bad{"?from=2026-1", {"from"}}, bad{"?to=2026-13", {"to"}}, bad{"?from=2026-11-01&to=x", {"from", "to"}},
          bad{"?from=2026-05&to=2026-04", {"to"}}, bad{"?to=2026-12", {"to"}}, bad{"?from=2026-12", {"from"}},
          bad{"?from=2023-11&to=2026-11", {"from"}}}) {
      INFO(b.query);
      r = s.get(path + b.query);
      CHECK(r.status == 422);
      CHECK(r.type() == "validation_failed");
      CHECK(r.header("content-type") == "application/problem+json");
      CHECK(r.error_fields() == b.fields);
    }
    CHECK(s.get(path + "?from=2023-12&to=2026-11").status == 200);  // 36 months
  }
  for (const std::string& path :
       {county_path(999'999), village_path(999'999), village_path(0), county_path(-1),
        county_path(999'999) + "?from=nonsense", std::string("/v1/reports/villages/abc/monthly")}) {
    INFO(path);
    const auto r = s.get(path);
    CHECK(r.status == 404);
    CHECK(r.header("content-type") == "application/problem+json");
  }
}

TEST_CASE("a village's monthly Taobao status flips at the month its shops and GMV reach, and leave, the rule",
          "[server][reports][monthly]") {
  test_server s;
  const auto admin = s.admin_token();
  set_thresholds(s, admin, 2, 5'000);
  const auto village = s.make_village();
  const auto other = s.make_village();  // another village's sales do not count
  const auto a = open_stall(s, village, 3'000), b = open_stall(s, village, 3'000), c = open_stall(s, other, 9'000);
  auto [buyer_id, buyer] = s.direct_user(role::buyer);
  act(s, place(s, buyer, a.shop, a.listing, 1), "pay", buyer);  // 2026-11-23: one shop, 3,000 fen
  act(s, place(s, buyer, c.shop, c.listing, 1), "pay", buyer);
  s.advance_clock(12 * day_s);  // 2026-12-05: a second shop, 6,000 fen in all
  act(s, place(s, buyer, b.shop, b.listing, 1), "pay", buyer);
  s.advance_clock(67 * day_s);  // 2027-02-10

  auto status = [&](const std::string& query) {
    std::vector<std::pair<std::string, bool>> out;
    for (const auto& m : months_of(s, village_path(village) + query))
      out.emplace_back(std::string(m.at("month").as_string()), m.at("taobao_village").as_bool());
    return out;
  };
  using months = std::vector<std::pair<std::string, bool>>;
  CHECK(status("?from=2026-10") ==
        months{{"2026-10", false}, {"2026-11", false}, {"2026-12", true}, {"2027-01", true}, {"2027-02", true}});
  const auto m = months_of(s, village_path(village) + "?from=2026-11&to=2027-01");
  CHECK(m[0].at("active_shops").as_int64() == 1);
  CHECK(m[1].at("active_shops").as_int64() == 1);
  CHECK(m[2].at("active_shops").as_int64() == 0);
  // Shop a's sale of 2026-11-23 is 364 days old on 2027-11-22 and leaves the window after: the
  // status of November 2027 (on its last day) has one shop and 3,000 fen.
  s.advance_clock(300 * day_s);  // 2027-12-07
  CHECK(status("?from=2027-10&to=2027-12") == months{{"2027-10", true}, {"2027-11", false}, {"2027-12", false}});
  // The current month is evaluated on today: on 2027-11-22 it is still one.
  s.advance_clock(-15 * day_s);  // 2027-11-22
  CHECK(status("?from=2027-11&to=2027-11") == months{{"2027-11", true}});
  s.advance_clock(day_s);  // 2027-11-23
  CHECK(status("?from=2027-11&to=2027-11") == months{{"2027-11", false}});
}
