// The partner's evening list of parcels, and finding a villager by name or phone prefix.
#include <catch2/catch.hpp>

#include "db_snapshot.hpp"
#include "order_fixture.hpp"
#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {
std::string order_path(std::int64_t id, const std::string& action) {
  return "/v1/orders/" + std::to_string(id) + "/" + action;
}
std::vector<std::int64_t> ids_of(const reply& r, const char* key) {
  REQUIRE(r.status == 200);
  const auto body = r.json();
  std::vector<std::int64_t> out;
  for (const auto& item : body.at("items").as_array()) out.push_back(item.at(key).as_int64());
  return out;
}
}  // namespace

TEST_CASE("the parcels list shows the station's shipped and shelved parcels, oldest first", "[server][station]") {
  test_server s;
  market m(s, false, 100, 1'000);
  const auto buyer = s.new_user("buyer", m.village);
  std::vector<std::int64_t> orders;
  for (int i = 0; i < 5; ++i) {
    auto r = s.post("/v1/orders", m.order_body(m.shop, m.listing, 1 + i), buyer);
    REQUIRE(r.status == 201);
    orders.push_back(r.json().at("id").as_int64());
    s.pay(orders.back(), buyer);
  }
  // A villager's order, placed by the partner: the list names the villager.
  auto r = s.post("/v1/orders", m.order_body(m.shop, m.listing, 1, R"(,"villager_id":)" + std::to_string(m.villager)),
                  m.partner);
  REQUIRE(r.status == 201);
  const auto assisted = r.json().at("id").as_int64();
  REQUIRE(s.post(order_path(assisted, "pay"), R"({"method":"cash_at_station"})", m.partner).status == 200);
  // orders[0] stays paid (not shipped: not a parcel yet); 1..4 and the assisted one ship; 2, 4
  // and the assisted one arrive; 4 is handed over (delivered: off the list).
  for (std::size_t i = 1; i < orders.size(); ++i)
    REQUIRE(s.post(order_path(orders[i], "ship"), "{}", m.farmer).status == 200);
  REQUIRE(s.post(order_path(assisted, "ship"), "{}", m.farmer).status == 200);
  s.advance_clock(3'600);
  for (auto id : {orders[2], orders[4], assisted})
    REQUIRE(s.post(order_path(id, "arrive"), "", m.partner).status == 200);
  r = s.get("/v1/orders/" + std::to_string(orders[4]), buyer);
  const std::string code(r.json().at("pickup_code").as_string());
  REQUIRE(s.post(order_path(orders[4], "hand-over"), R"({"pickup_code":")" + code + R"("})", m.partner).status == 200);

  CHECK(ids_of(s.get("/v1/stations/me/parcels", m.partner), "order_id") ==
        std::vector<std::int64_t>{orders[1], orders[2], orders[3], assisted});
  CHECK(ids_of(s.get("/v1/stations/me/parcels?status=at_station", m.partner), "order_id") ==
        std::vector<std::int64_t>{orders[2], assisted});
  CHECK(ids_of(s.get("/v1/stations/me/parcels?status=shipped", m.partner), "order_id") ==
        std::vector<std::int64_t>{orders[1], orders[3]});

  r = s.get("/v1/stations/me/parcels?status=at_station", m.partner);
  const auto items = r.json().at("items").as_array();
  REQUIRE(items.size() == 2);
  const auto& shelved = items[0].as_object();
  CHECK(shelved.at("status") == "at_station");
  CHECK(shelved.at("villager_name").is_null());
  CHECK(shelved.at("items_count").as_int64() == 1);
  CHECK(shelved.at("total_fen").as_int64() == 3'000);
  CHECK(shelved.at("arrived_at").is_string());
  CHECK(shelved.at("shipped_at").is_string());
  CHECK_FALSE(shelved.contains("pickup_code"));  // the list never shows codes
  CHECK(items[1].at("villager_name") == "张奶奶");

  // Paging walks the same list, two at a time.
  r = s.get("/v1/stations/me/parcels?limit=2", m.partner);
  CHECK(ids_of(r, "order_id") == std::vector<std::int64_t>{orders[1], orders[2]});
  const std::string cursor(r.json().at("next_cursor").as_string());
  CHECK(ids_of(s.get("/v1/stations/me/parcels?limit=2&cursor=" + cursor, m.partner), "order_id") ==
        std::vector<std::int64_t>{orders[3], assisted});

  // Another station's partner sees none of them; no one else lists parcels.
  market other(s, false, 100, 1'000);
  CHECK(ids_of(s.get("/v1/stations/me/parcels", other.partner), "order_id").empty());
  CHECK(s.get("/v1/stations/me/parcels", m.farmer).status == 403);
  CHECK(s.get("/v1/stations/me/parcels", buyer).status == 403);
  CHECK(s.get("/v1/stations/me/parcels", m.admin).status == 403);
  r = s.get("/v1/stations/me/parcels?status=paid", m.partner);
  CHECK(r.status == 422);
  CHECK(r.error_fields() == std::vector<std::string>{"status"});
}

TEST_CASE("a partner finds a villager by a prefix of the name or the phone", "[server][villagers]") {
  test_server s;
  market m(s, false, 100, 1'000);  // has 张奶奶 already
  for (const char* body : {R"({"name":"王小明","phone":"13912345678"})", R"({"name":"王芳"})",
                           R"({"name":"李四","phone":"13812345678"})", R"({"name":"Wang Wei","phone":"13900000000"})"})
    REQUIRE(s.post("/v1/villagers", body, m.partner).status == 201);
  auto names = [&](const std::string& q) {
    auto r = s.get("/v1/villagers?q=" + q, m.partner);
    REQUIRE(r.status == 200);
    std::vector<std::string> out;
    const auto body = r.json();
    for (const auto& v : body.at("items").as_array()) out.emplace_back(v.at("name").as_string());
    return out;
  };
  using list = std::vector<std::string>;
  CHECK(names("%E7%8E%8B") == list{"王小明", "王芳"});  // 王
  CHECK(names("%E7%8E%8B%E8%8A%B3") == list{"王芳"});   // 王芳
  CHECK(names("139") == list{"王小明", "Wang Wei"});
  CHECK(names("%2B86139") == list{"王小明", "Wang Wei"});  // +86139: the phone as stored
  CHECK(names("1381") == list{"李四"});
  CHECK(names("Wang") == list{"Wang Wei"});
  CHECK(names("wang").empty());       // exact prefixes
  CHECK(names("%E5%B0%8F").empty());  // 小: a prefix, not a substring
  CHECK(names("").size() == 5);
  CHECK(names("%20%20").size() == 5);  // blank: everyone

  auto r = s.get("/v1/villagers?q=" + std::string(41, '1'), m.partner);
  CHECK(r.status == 422);
  CHECK(r.error_fields() == std::vector<std::string>{"q"});
  // Another village's partner finds none of them.
  market other(s, false, 100, 1'000);
  r = s.get("/v1/villagers?q=%E7%8E%8B", other.partner);
  REQUIRE(r.status == 200);
  CHECK(r.json().at("items").as_array().empty());
  // Paging with a prefix.
  r = s.get("/v1/villagers?q=139&limit=1", m.partner);
  REQUIRE(r.status == 200);
  const std::string cursor(r.json().at("next_cursor").as_string());
  r = s.get("/v1/villagers?q=139&limit=1&cursor=" + cursor, m.partner);
  REQUIRE(r.status == 200);
  CHECK(r.json().at("items").at(0).at("name") == "Wang Wei");
}

TEST_CASE("bad station input is 422 naming the field and changes nothing", "[server][station]") {
  test_server s;
  market m(s, false, 100, 1'000);
  const auto buyer = s.new_user("buyer", m.village);
  auto r = s.post("/v1/orders", m.order_body(m.shop, m.listing, 1), buyer);
  REQUIRE(r.status == 201);
  const auto id = r.json().at("id").as_int64();
  s.pay(id, buyer);
  REQUIRE(s.post(order_path(id, "ship"), "{}", m.farmer).status == 200);
  REQUIRE(s.post(order_path(id, "arrive"), "", m.partner).status == 200);
  const auto no_partner = s.make_village();
  const auto before = s.snapshot();
  // Codes that are not six digits: 422 on pickup_code, and not counted as tries.
  for (const char* code :
       {R"("12345")", R"("1234567")", R"("12a456")", R"("１２３４５６")", "123456", "null", R"("")"}) {
    INFO(code);
    r = s.post(order_path(id, "hand-over"), std::string(R"({"pickup_code":)") + code + "}", m.partner);
    CHECK(r.status == 422);
    CHECK(r.error_fields() == std::vector<std::string>{"pickup_code"});
  }
  // A station without a partner, for an order and for a purchase.
  const auto to_no_station = R"({"method":"station_pickup","station_village_id":)" + std::to_string(no_partner) + "}";
  r = s.post("/v1/orders",
             R"({"shop_id":)" + std::to_string(m.shop) + R"(,"items":[{"listing_id":)" + std::to_string(m.listing) +
                 R"(,"quantity":1}],"delivery":)" + to_no_station + "}",
             buyer);
  CHECK(r.status == 422);
  CHECK(r.error_fields() == std::vector<std::string>{"delivery.station_village_id"});
  r = s.post("/v1/purchases",
             R"({"lines":[{"listing_id":)" + std::to_string(m.listing) + R"(,"quantity":1}],"delivery":)" +
                 to_no_station + "}",
             buyer);
  CHECK(r.status == 422);
  CHECK(r.error_fields() == std::vector<std::string>{"delivery.station_village_id"});
  for (const auto& d : differences(before, s.snapshot())) FAIL_CHECK(d);
  // Cash from a buyer (only partners take cash).
  r = s.post("/v1/orders", m.order_body(m.shop, m.listing, 1), buyer);
  REQUIRE(r.status == 201);
  const auto placed = r.json().at("id").as_int64();
  const auto with_placed = s.snapshot();
  r = s.post(order_path(placed, "pay"), R"({"method":"cash_at_station"})", buyer);
  CHECK(r.status == 422);
  CHECK(r.error_fields() == std::vector<std::string>{"method"});
  for (const auto& d : differences(with_placed, s.snapshot())) FAIL_CHECK(d);
  // And the malformed codes did not count: the right code still hands the parcel over.
  const auto code = std::string(s.get("/v1/orders/" + std::to_string(id), buyer).json().at("pickup_code").as_string());
  CHECK(s.post(order_path(id, "hand-over"), R"({"pickup_code":")" + code + R"("})", m.partner).status == 200);
}
