// Counties and villages over HTTP: admins create and change them, anyone reads them; village
// statistics (active_shops) follow shops and listings.
#include <catch2/catch.hpp>

#include "catalog_helpers.hpp"
#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;
using namespace cunji::test::catalog;

namespace {
json::object county_body(const std::string& name, bool poverty, const std::string& province = "甘肃省") {
  return {{"name", name}, {"province", province}, {"poverty_stricken", poverty}};
}
}  // namespace

TEST_CASE("counties: admins create them, anyone reads them", "[server][catalog][regions]") {
  test_server s;
  world w(s);
  const auto buyer = s.new_user("buyer");
  const auto village = w.village(w.county());
  const auto farmer = s.new_user("farmer", village);
  const auto [partner, partner_id] = w.partner(village);

  auto r = s.post("/v1/counties", to_body(county_body("东乡族自治县", true)), w.admin);
  REQUIRE(r.status == 201);
  const auto county = r.json();
  CHECK(keys_of(county) == fields_of({"created_at", "id", "name", "poverty_stricken", "province"}));
  CHECK(county.at("name").as_string() == "东乡族自治县");
  CHECK(county.at("province").as_string() == "甘肃省");
  CHECK(county.at("poverty_stricken").as_bool());
  CHECK(county.at("created_at").as_string() == "2026-11-23T14:00:00Z");
  const auto id = county.at("id").as_int64();

  SECTION("anyone reads a county by id; unknown ids are 404") {
    r = s.get("/v1/counties/" + std::to_string(id));
    REQUIRE(r.status == 200);
    CHECK(r.json() == county);
    for (const std::string bad : {"999999", "0", "-1", "abc", "1.5"}) {
      r = s.get("/v1/counties/" + bad);
      CHECK(r.status == 404);
      CHECK(r.type() == "not_found");
    }
  }
  SECTION("only admins create counties") {
    r = s.post("/v1/counties", to_body(county_body("临潭县", false)));
    CHECK(r.status == 401);
    CHECK(r.type() == "unauthenticated");
    for (const auto& tok : {buyer, farmer, partner}) {
      r = s.post("/v1/counties", to_body(county_body("临潭县", false)), tok);
      CHECK(r.status == 403);
      CHECK(r.type() == "forbidden");
    }
  }
  SECTION("field limits and unknown fields") {
    r = s.post("/v1/counties", to_body(county_body(repeat("县", 51), false)), w.admin);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    CHECK(error_fields(r) == fields_of({"name"}));
    r = s.post("/v1/counties", to_body(county_body(repeat("县", 50), false)), w.admin);
    CHECK(r.status == 201);
    r = s.post("/v1/counties", to_body(county_body("临潭县", false, repeat("省", 51))), w.admin);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    CHECK(error_fields(r) == fields_of({"province"}));
    r = s.post("/v1/counties", to_body(county_body("", false)), w.admin);
    CHECK(r.status == 422);
    CHECK(error_fields(r) == fields_of({"name"}));
    r = s.post("/v1/counties", R"({"name":"临潭县","province":"甘肃省"})", w.admin);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    CHECK(error_fields(r) == fields_of({"poverty_stricken"}));
    r = s.post("/v1/counties", R"({"name":"临潭县","province":"甘肃省","poverty_stricken":"yes"})", w.admin);
    CHECK(r.status == 422);
    CHECK(error_fields(r) == fields_of({"poverty_stricken"}));
    r = s.post("/v1/counties",
               R"({"id":7,"name":"临潭县","province":"甘肃省","poverty_stricken":false,"created_at":"x"})", w.admin);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    CHECK(error_fields(r) == fields_of({"id", "created_at"}));
  }
  SECTION("admins change counties; others cannot") {
    const auto target = "/v1/counties/" + std::to_string(id);
    r = patch(s, target, R"({"poverty_stricken":false})", "");
    CHECK(r.status == 401);
    CHECK(r.type() == "unauthenticated");
    for (const auto& tok : {buyer, farmer, partner}) {
      r = patch(s, target, R"({"poverty_stricken":false})", tok);
      CHECK(r.status == 403);
      CHECK(r.type() == "forbidden");
    }
    CHECK(s.get(target).json().at("poverty_stricken").as_bool());

    r = patch(s, target, R"({"poverty_stricken":false,"name":"东乡县"})", w.admin);
    REQUIRE(r.status == 200);
    CHECK(r.json().at("poverty_stricken").as_bool() == false);
    CHECK(r.json().at("name").as_string() == "东乡县");
    CHECK(r.json().at("province").as_string() == "甘肃省");
    CHECK(s.get(target).json() == r.json());

    r = patch(s, target, to_body({{"name", repeat("县", 51)}}), w.admin);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    CHECK(error_fields(r) == fields_of({"name"}));
    r = patch(s, target, R"({"id":99})", w.admin);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    CHECK(error_fields(r) == fields_of({"id"}));
    r = patch(s, "/v1/counties/999999", R"({"name":"x"})", w.admin);
    CHECK(r.status == 404);
    CHECK(r.type() == "not_found");
    CHECK(s.get(target).json().at("name").as_string() == "东乡县");
  }
}

TEST_CASE("listing counties: the poverty_stricken filter and cursors", "[server][catalog][regions]") {
  test_server s;
  world w(s);
  std::vector<std::int64_t> poor, other;
  for (int i = 0; i < 7; ++i) {
    const bool p = i % 3 == 0;
    (p ? poor : other).push_back(w.county(p, "县" + std::to_string(i)));
  }
  std::vector<std::int64_t> all;
  for (int i = 0, a = 0, b = 0; i < 7; ++i) all.push_back(i % 3 == 0 ? poor[a++] : other[b++]);

  CHECK(walk(s, "/v1/counties?limit=2") == all);
  CHECK(walk(s, "/v1/counties?poverty_stricken=true&limit=1") == poor);
  CHECK(walk(s, "/v1/counties?poverty_stricken=false&limit=3") == other);
  auto r = s.get("/v1/counties?poverty_stricken=true");
  REQUIRE(r.status == 200);
  for (const auto doc = r.json(); const auto& c : doc.at("items").as_array()) CHECK(c.at("poverty_stricken").as_bool());
  CHECK(r.json().at("next_cursor").is_null());

  for (const std::string bad : {"poverty_stricken=yes", "poverty_stricken=1", "limit=0", "limit=101", "limit=abc",
                                "limit=", "cursor=zzz", "cursor=!!"}) {
    INFO(bad);
    r = s.get("/v1/counties?" + bad);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
  }
  CHECK(s.get("/v1/counties?limit=100").status == 200);
  CHECK(s.get("/v1/counties?limit=1").status == 200);
  // A cursor from another list is not a cursor of this one.
  w.village(all[0], "a");
  w.village(all[0], "b");
  r = s.get("/v1/villages?limit=1");
  REQUIRE(r.status == 200);
  const auto village_cursor = next_cursor_of(r);
  REQUIRE(village_cursor);
  r = s.get("/v1/counties?cursor=" + pct(*village_cursor));
  CHECK(r.status == 422);
  CHECK(r.type() == "validation_failed");
  CHECK(error_fields(r) == fields_of({"cursor"}));
}

TEST_CASE("villages: admins create them, anyone reads and lists them", "[server][catalog][regions]") {
  test_server s;
  world w(s);
  const auto c1 = w.county(true, "城口县");
  const auto c2 = w.county(false, "巫溪县");
  const auto buyer = s.new_user("buyer");

  auto r = s.post("/v1/villages", to_body({{"county_id", c1}, {"name", "岚天村"}}), w.admin);
  REQUIRE(r.status == 201);
  const auto v = r.json();
  CHECK(keys_of(v) ==
        fields_of({"active_shops", "county_id", "created_at", "gmv_365d_fen", "id", "name", "taobao_village"}));
  CHECK(v.at("county_id").as_int64() == c1);
  CHECK(v.at("name").as_string() == "岚天村");
  CHECK(v.at("active_shops").as_int64() == 0);
  CHECK(v.at("gmv_365d_fen").as_int64() == 0);
  CHECK(v.at("taobao_village").as_bool() == false);
  CHECK(v.at("created_at").as_string() == "2026-11-23T14:00:00Z");
  const auto v1 = v.at("id").as_int64();

  SECTION("read by id") {
    r = s.get("/v1/villages/" + std::to_string(v1));
    REQUIRE(r.status == 200);
    CHECK(r.json() == v);
    r = s.get("/v1/villages/424242");
    CHECK(r.status == 404);
    CHECK(r.type() == "not_found");
  }
  SECTION("only admins create villages") {
    r = s.post("/v1/villages", to_body({{"county_id", c1}, {"name", "x"}}));
    CHECK(r.status == 401);
    CHECK(r.type() == "unauthenticated");
    const auto farmer = s.new_user("farmer", v1);
    const auto partner = w.partner(v1).first;
    for (const auto& tok : {buyer, farmer, partner}) {
      r = s.post("/v1/villages", to_body({{"county_id", c1}, {"name", "x"}}), tok);
      CHECK(r.status == 403);
      CHECK(r.type() == "forbidden");
    }
  }
  SECTION("validation") {
    r = s.post("/v1/villages", to_body({{"county_id", c1}, {"name", repeat("村", 51)}}), w.admin);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    CHECK(error_fields(r) == fields_of({"name"}));
    r = s.post("/v1/villages", to_body({{"county_id", c1}, {"name", repeat("村", 50)}}), w.admin);
    CHECK(r.status == 201);
    r = s.post("/v1/villages", to_body({{"county_id", 999999}, {"name", "x"}}), w.admin);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    CHECK(error_fields(r) == fields_of({"county_id"}));
    r = s.post("/v1/villages", to_body({{"name", "x"}}), w.admin);
    CHECK(r.status == 422);
    CHECK(error_fields(r) == fields_of({"county_id"}));
    r = s.post("/v1/villages", to_body({{"county_id", c1}, {"name", "x"}, {"active_shops", 200}}), w.admin);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    CHECK(error_fields(r) == fields_of({"active_shops"}));
    r = s.post("/v1/villages", to_body({{"county_id", c1}, {"name", "x"}, {"taobao_village", true}}), w.admin);
    CHECK(r.status == 422);
    CHECK(error_fields(r) == fields_of({"taobao_village"}));
  }
  SECTION("lists, by county, with cursors") {
    std::vector<std::int64_t> in1{v1}, in2;
    for (int i = 0; i < 4; ++i) {
      in2.push_back(w.village(c2, "村" + std::to_string(i)));
      in1.push_back(w.village(c1, "村" + std::to_string(i)));
    }
    CHECK(walk(s, "/v1/villages?county_id=" + std::to_string(c1) + "&limit=2") == in1);
    CHECK(walk(s, "/v1/villages?county_id=" + std::to_string(c2) + "&limit=1") == in2);
    CHECK(walk(s, "/v1/villages?limit=100").size() == 9);
    CHECK(walk(s, "/v1/villages?county_id=999999").empty());
    // No village reaches the default Taobao-village thresholds (100 shops, 10 million yuan).
    CHECK(walk(s, "/v1/villages?taobao_village=true").empty());
    CHECK(walk(s, "/v1/villages?taobao_village=false&limit=4").size() == 9);
    CHECK(walk(s, "/v1/villages?taobao_village=false&county_id=" + std::to_string(c2)) == in2);
    for (const std::string bad : {"county_id=0", "county_id=abc", "taobao_village=maybe", "limit=0", "limit=101",
                                  "limit=x", "cursor=notacursor"}) {
      INFO(bad);
      r = s.get("/v1/villages?" + bad);
      CHECK(r.status == 422);
      CHECK(r.type() == "validation_failed");
    }
  }
}

TEST_CASE("a village's active_shops counts active shops with at least one active listing",
          "[server][catalog][regions]") {
  test_server s;
  world w(s);
  const auto village = w.village(w.county());
  const auto other_village = w.village(w.county(), "另一个村");
  const auto [farmer, farmer_id] = w.farmer(village);
  const auto [farmer2, farmer2_id] = w.farmer(village);
  const auto [partner, partner_id] = w.partner(village);

  const auto shop = w.shop(farmer);
  CHECK(w.active_shops(village) == 0);  // no listing yet
  const auto draft = w.listing(farmer, shop, {{"status", "draft"}});
  CHECK(w.active_shops(village) == 0);  // a draft does not count

  const auto first = w.listing(farmer, shop);  // the first active listing: 0 -> 1
  CHECK(w.active_shops(village) == 1);
  CHECK(w.active_shops(other_village) == 0);
  const auto first_id = first.at("id").as_int64();

  SECTION("archiving the only active listing: back to 0; reactivating: 1") {
    REQUIRE(w.set_listing(farmer, first_id, {{"status", "archived"}}).status == 200);
    CHECK(w.active_shops(village) == 0);
    REQUIRE(w.set_listing(farmer, first_id, {{"status", "active"}}).status == 200);
    CHECK(w.active_shops(village) == 1);
    REQUIRE(w.set_listing(farmer, first_id, {{"status", "draft"}}).status == 200);
    CHECK(w.active_shops(village) == 0);
  }
  SECTION("closing the shop: back to 0; reopening: 1") {
    REQUIRE(w.set_shop(farmer, shop, {{"status", "closed"}}).status == 200);
    CHECK(w.active_shops(village) == 0);
    // Changes while closed do not count it again.
    REQUIRE(w.set_listing(farmer, draft.at("id").as_int64(), {{"status", "active"}}).status == 200);
    CHECK(w.active_shops(village) == 0);
    REQUIRE(w.set_shop(farmer, shop, {{"status", "closed"}}).status == 200);  // closing twice
    CHECK(w.active_shops(village) == 0);
    REQUIRE(w.set_shop(farmer, shop, {{"status", "active"}}).status == 200);
    CHECK(w.active_shops(village) == 1);
    REQUIRE(w.set_shop(farmer, shop, {{"status", "active"}}).status == 200);  // reopening twice
    CHECK(w.active_shops(village) == 1);
  }
  SECTION("a shop counts once however many listings it has; other shops add up") {
    const auto second = w.listing(farmer, shop, {{"title", "土豆"}});
    CHECK(w.active_shops(village) == 1);
    const auto shop2 = w.shop(farmer2, std::nullopt, "二号店");
    w.listing(farmer2, shop2);
    CHECK(w.active_shops(village) == 2);
    const auto run_by_partner = w.shop(partner, w.villager(partner));
    CHECK(w.active_shops(village) == 2);
    const auto pl = w.listing(partner, run_by_partner);
    CHECK(w.active_shops(village) == 3);
    REQUIRE(w.set_listing(farmer, first_id, {{"status", "archived"}}).status == 200);
    CHECK(w.active_shops(village) == 3);  // the shop still has `second`
    REQUIRE(w.set_listing(farmer, second.at("id").as_int64(), {{"status", "archived"}}).status == 200);
    CHECK(w.active_shops(village) == 2);
    REQUIRE(w.set_shop(partner, run_by_partner, {{"status", "closed"}}).status == 200);
    CHECK(w.active_shops(village) == 1);
    REQUIRE(w.set_listing(partner, pl.at("id").as_int64(), {{"status", "archived"}}).status == 200);
    REQUIRE(w.set_shop(partner, run_by_partner, {{"status", "active"}}).status == 200);
    CHECK(w.active_shops(village) == 1);  // reopened, but with no active listing
    CHECK(w.active_shops(other_village) == 0);
    // The list shows the same counter.
    auto r = s.get("/v1/villages?limit=100");
    REQUIRE(r.status == 200);
    for (const auto doc = r.json(); const auto& v : doc.at("items").as_array())
      CHECK(v.at("active_shops").as_int64() == (v.at("id").as_int64() == village ? 1 : 0));
  }
  SECTION("edits that do not change status leave the counter alone") {
    REQUIRE(w.set_listing(farmer, first_id, {{"price_fen", 999}, {"stock", 0}}).status == 200);
    REQUIRE(w.set_shop(farmer, shop, {{"name", "新名字"}}).status == 200);
    CHECK(w.active_shops(village) == 1);
  }
}
