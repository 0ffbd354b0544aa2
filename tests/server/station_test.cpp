// Station pickup: which station an order goes to, the parcel's arrival, and the hand-over
// against the pickup code, with wrong codes throttled and two partners racing for one parcel.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "core/station.hpp"
#include "order_fixture.hpp"
#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {
std::string path(std::int64_t id, const std::string& action) {
  return "/v1/orders/" + std::to_string(id) + "/" + action;
}
std::string body_with_delivery(const market& m, const std::string& delivery, const std::string& extra = "") {
  return R"({"shop_id":)" + std::to_string(m.shop) + R"(,"items":[{"listing_id":)" + std::to_string(m.listing) +
         R"(,"quantity":1}],"delivery":)" + delivery + extra + "}";
}
// A station order of the fixture's village, paid, shipped and on the station's shelf; its code.
std::pair<std::int64_t, std::string> parcel_on_shelf(test_server& s, const market& m, const std::string& buyer) {
  auto r = s.post("/v1/orders", m.order_body(m.shop, m.listing, 1), buyer);
  REQUIRE(r.status == 201);
  const auto id = r.json().at("id").as_int64();
  const std::string code(r.json().at("pickup_code").as_string());
  s.pay(id, buyer);
  REQUIRE(s.post(path(id, "ship"), "{}", m.farmer).status == 200);
  REQUIRE(s.post(path(id, "arrive"), "", m.partner).status == 200);
  return {id, code};
}
header_list bearer_json(const std::string& token) {
  return {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
}
std::string code_body(const std::string& code) { return R"({"pickup_code":")" + code + R"("})"; }
std::string other_code(const std::string& code, int n) {  // six digits, never `code`
  auto c = pickup_code_from(static_cast<std::uint64_t>(n));
  return c == code ? pickup_code_from(static_cast<std::uint64_t>(n) + 500'000) : c;
}
}  // namespace

TEST_CASE("a station-pickup order goes to a village with a partner, or is 422", "[server][orders][station]") {
  test_server s;
  market m(s, false, 100, 1'000);
  const auto townsman = s.new_user("buyer");  // no village
  auto r = s.post("/v1/orders", body_with_delivery(m, R"({"method":"station_pickup"})"), townsman);
  CHECK(r.status == 422);
  CHECK(r.error_fields() == std::vector<std::string>{"delivery.station_village_id"});
  const auto no_partner = s.make_village();
  r = s.post(
      "/v1/orders",
      body_with_delivery(m, R"({"method":"station_pickup","station_village_id":)" + std::to_string(no_partner) + "}"),
      townsman);
  CHECK(r.error_fields() == std::vector<std::string>{"delivery.station_village_id"});
  CHECK(m.stock_of(m.listing) == 100);  // nothing taken

  r = s.post("/v1/orders", m.order_body(m.shop, m.listing, 1), townsman);
  REQUIRE(r.status == 201);
  CHECK(r.json().at("station_village_id").as_int64() == m.village);
  CHECK(r.json().at("pickup_code").as_string().size() == 6);

  // A villager of the village by default, and an address order has no station nor code.
  const auto neighbour = s.new_user("buyer", m.village);
  r = s.post("/v1/orders", body_with_delivery(m, R"({"method":"station_pickup"})"), neighbour);
  REQUIRE(r.status == 201);
  CHECK(r.json().at("station_village_id").as_int64() == m.village);
  r = s.post("/v1/orders", market::order_body_to(std::nullopt, m.shop, m.listing, 1), townsman);
  REQUIRE(r.status == 201);
  CHECK(r.json().at("station_village_id").is_null());
  CHECK_FALSE(r.json().as_object().contains("pickup_code"));
  CHECK(s.post(path(r.json().at("id").as_int64(), "arrive"), "", m.partner).status == 404);  // not its parcel
}

TEST_CASE("five wrong pickup codes close the hand-over for 15 minutes, the right one too", "[server][station]") {
  test_server s;
  market m(s, false, 100, 1'000);
  const auto buyer = s.new_user("buyer");
  const auto [id, code] = parcel_on_shelf(s, m, buyer);
  for (int i = 0; i < 3; ++i)  // malformed codes do not count
    CHECK(s.post(path(id, "hand-over"), code_body("12a456"), m.partner).status == 422);
  for (int i = 0; i < 5; ++i) {
    auto r = s.post(path(id, "hand-over"), code_body(other_code(code, i)), m.partner);
    CHECK(r.status == 422);
    CHECK(r.error_fields() == std::vector<std::string>{"pickup_code"});
  }
  auto r = s.post(path(id, "hand-over"), code_body(code), m.partner);
  CHECK(r.status == 429);
  CHECK(r.type() == "rate_limited");
  CHECK(std::stoll(r.header("retry-after")) == 15 * 60);
  s.advance_clock(15 * 60 - 1);
  CHECK(s.post(path(id, "hand-over"), code_body(code), m.partner).status == 429);
  CHECK(s.get("/v1/orders/" + std::to_string(id), buyer).json().at("status").as_string() == "at_station");
  s.advance_clock(1);
  r = s.post(path(id, "hand-over"), code_body(code), m.partner);
  REQUIRE(r.status == 200);
  CHECK(r.json().at("status").as_string() == "delivered");
  // The shop's proceeds became available with the delivery.
  CHECK(s.get("/v1/balances/me", m.farmer).json().at("available_fen").as_int64() == 950);
}

TEST_CASE("two partners of the station hand one parcel over at once: delivered once", "[server][station]") {
  test_server s;
  market m(s, false, 100, 1'000);
  const auto second_partner = s.direct_user(role::partner, m.village).second;
  const auto buyer = s.new_user("buyer");
  for (int round = 0; round < 20; ++round) {
    const auto shelf = parcel_on_shelf(s, m, buyer);
    const auto id = shelf.first;
    const auto code = shelf.second;
    std::atomic<int> ok{0}, conflict{0}, other{0};
    std::vector<std::thread> ts;
    const std::string* const tokens[] = {&m.partner, &second_partner};
    for (const std::string* token : tokens)
      ts.emplace_back([&, token] {
        http_client c(s.port());
        const auto r = c.request(http::verb::post, path(id, "hand-over"), code_body(code), bearer_json(*token));
        (r.status == 200 ? ok : r.status == 409 ? conflict : other)++;
      });
    for (auto& t : ts) t.join();
    CHECK(ok == 1);
    CHECK(conflict == 1);
    CHECK(other == 0);
  }
  const auto ledger = s.get("/v1/admin/ledger/check", m.admin).json();
  CHECK(ledger.at("balanced").as_bool());
  CHECK(s.get("/v1/balances/me", m.farmer).json().at("available_fen").as_int64() == 20 * 950);
}
