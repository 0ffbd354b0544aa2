// Villagers and shops over HTTP: farmers open their own shops; partners register villagers and
// open and run shops for them; closing a shop hides its listings.
#include <catch2/catch.hpp>

#include "catalog_helpers.hpp"
#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;
using namespace cunji::test::catalog;

TEST_CASE("a farmer opens a shop in its village", "[server][catalog][shops]") {
  test_server s;
  world w(s);
  const auto county = w.county(true);
  const auto village = w.village(county);
  const auto [farmer, farmer_id] = w.farmer(village);

  auto r = s.post("/v1/shops", R"({"name":"老王果园","description":"自家种的苹果"})", farmer);
  REQUIRE(r.status == 201);
  const auto shop = r.json();
  CHECK(keys_of(shop) == fields_of({"county_id", "created_at", "description", "id", "name", "owner_account_id",
                                    "partner_id", "status", "village_id", "villager_id"}));
  CHECK(shop.at("village_id").as_int64() == village);
  CHECK(shop.at("county_id").as_int64() == county);
  CHECK(shop.at("name").as_string() == "老王果园");
  CHECK(shop.at("description").as_string() == "自家种的苹果");
  CHECK(shop.at("status").as_string() == "active");
  CHECK(shop.at("owner_account_id").as_int64() == farmer_id);
  CHECK(shop.at("villager_id").is_null());
  CHECK(shop.at("partner_id").is_null());
  CHECK(shop.at("created_at").as_string() == "2026-11-23T14:00:00Z");

  r = s.get("/v1/shops/" + std::to_string(shop.at("id").as_int64()));
  REQUIRE(r.status == 200);
  CHECK(r.json() == shop);

  r = s.post("/v1/shops", R"({"name":"二号店"})", farmer);
  REQUIRE(r.status == 201);
  CHECK(r.json().at("description").as_string() == "");
}

TEST_CASE("shop fields: limits, unknown fields, who may open one", "[server][catalog][shops]") {
  test_server s;
  world w(s);
  const auto village = w.village(w.county());
  const auto farmer = w.farmer(village).first;
  const auto buyer = s.new_user("buyer");

  SECTION("name 1..80 characters, description up to 2,000") {
    auto r = s.post("/v1/shops", to_body({{"name", repeat("店", 81)}}), farmer);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    CHECK(error_fields(r) == fields_of({"name"}));
    r = s.post("/v1/shops", to_body({{"name", repeat("店", 80)}}), farmer);
    CHECK(r.status == 201);
    r = s.post("/v1/shops", to_body({{"name", ""}}), farmer);
    CHECK(r.status == 422);
    CHECK(error_fields(r) == fields_of({"name"}));
    r = s.post("/v1/shops", to_body({{"name", "   "}}), farmer);
    CHECK(r.status == 422);
    CHECK(error_fields(r) == fields_of({"name"}));
    r = s.post("/v1/shops", to_body({{"name", "店"}, {"description", repeat("描", 2001)}}), farmer);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    CHECK(error_fields(r) == fields_of({"description"}));
    r = s.post("/v1/shops", to_body({{"name", "店"}, {"description", repeat("描", 2000)}}), farmer);
    CHECK(r.status == 201);
    r = s.post("/v1/shops", "{}", farmer);
    CHECK(r.status == 422);
    CHECK(error_fields(r) == fields_of({"name"}));
    r = s.post("/v1/shops", R"({"name":42})", farmer);
    CHECK(r.status == 422);
    CHECK(error_fields(r) == fields_of({"name"}));
  }
  SECTION("unknown fields are rejected, never assigned") {
    for (const std::string field : {"id", "owner_id", "owner_account_id", "partner_id", "village_id", "county_id",
                                    "status", "villager_id", "created_at"}) {
      INFO(field);
      auto r = s.post("/v1/shops", R"({"name":"店",")" + field + R"(":1})", farmer);
      CHECK(r.status == 422);
      CHECK(r.type() == "validation_failed");
      CHECK(error_fields(r) == std::vector<std::string>{field});
    }
    auto r = s.post("/v1/shops", R"({"name":"店","status":"closed"})", farmer);
    CHECK(r.status == 422);
    CHECK(error_fields(r) == fields_of({"status"}));
    CHECK(walk(s, "/v1/shops").empty());
  }
  SECTION("only farmers and partners open shops") {
    auto r = s.post("/v1/shops", R"({"name":"店"})");
    CHECK(r.status == 401);
    CHECK(r.type() == "unauthenticated");
    r = s.post("/v1/shops", R"({"name":"店"})", buyer);
    CHECK(r.status == 403);
    CHECK(r.type() == "forbidden");
    r = s.post("/v1/shops", R"({"name":"店"})", w.admin);
    CHECK(r.status == 403);
    CHECK(r.type() == "forbidden");
    // Permission is checked before the body.
    r = s.post("/v1/shops", R"({"id":1})", buyer);
    CHECK(r.status == 403);
    CHECK(r.type() == "forbidden");
    r = s.post("/v1/shops", R"({"name":"店"})", "not-a-token");
    CHECK(r.status == 401);
    CHECK(r.type() == "unauthenticated");
  }
}

TEST_CASE("changing a shop: only its owner or the partner running it", "[server][catalog][shops]") {
  test_server s;
  world w(s);
  const auto village = w.village(w.county());
  const auto other_village = w.village(w.county(), "邻村");
  const auto [owner, owner_id] = w.farmer(village);
  const auto neighbour = w.farmer(village).first;
  const auto partner = w.partner(village).first;  // same village, but does not run this shop
  const auto other_partner = w.partner(other_village).first;
  const auto buyer = s.new_user("buyer");
  const auto shop = w.shop(owner);
  const auto target = "/v1/shops/" + std::to_string(shop);

  auto r = patch(s, target, R"({"name":"新名字","description":"新描述"})", owner);
  REQUIRE(r.status == 200);
  CHECK(r.json().at("name").as_string() == "新名字");
  CHECK(r.json().at("description").as_string() == "新描述");
  CHECK(r.json().at("owner_account_id").as_int64() == owner_id);
  CHECK(s.get(target).json() == r.json());
  const auto before = r.json();

  r = patch(s, target, R"({"name":"抢来的"})", "");
  CHECK(r.status == 401);
  CHECK(r.type() == "unauthenticated");
  for (const auto& tok : {neighbour, partner, other_partner, buyer, w.admin}) {
    r = patch(s, target, R"({"name":"抢来的"})", tok);
    CHECK(r.status == 403);
    CHECK(r.type() == "forbidden");
    r = patch(s, target, R"({"status":"closed"})", tok);
    CHECK(r.status == 403);
    CHECK(r.type() == "forbidden");
  }
  r = patch(s, "/v1/shops/999999", R"({"name":"x"})", owner);
  CHECK(r.status == 404);
  CHECK(r.type() == "not_found");

  r = patch(s, target, to_body({{"name", repeat("店", 81)}}), owner);
  CHECK(r.status == 422);
  CHECK(r.type() == "validation_failed");
  CHECK(error_fields(r) == fields_of({"name"}));
  r = patch(s, target, to_body({{"description", repeat("描", 2001)}}), owner);
  CHECK(r.status == 422);
  CHECK(error_fields(r) == fields_of({"description"}));
  r = patch(s, target, R"({"status":"archived"})", owner);
  CHECK(r.status == 422);
  CHECK(r.type() == "validation_failed");
  CHECK(error_fields(r) == fields_of({"status"}));
  r = patch(s, target, R"({"owner_account_id":1,"village_id":2,"id":3})", owner);
  CHECK(r.status == 422);
  CHECK(r.type() == "validation_failed");
  CHECK(error_fields(r) == fields_of({"owner_account_id", "village_id", "id"}));
  r = patch(s, target, R"({"name":"x"})", owner, {{"Content-Type", "text/plain"}});
  CHECK(r.status == 415);
  CHECK(r.type() == "unsupported_media_type");
  CHECK(s.get(target).json() == before);  // nothing changed

  r = patch(s, target, "{}", owner);
  CHECK(r.status == 200);
  CHECK(r.json() == before);
}

TEST_CASE("listing shops: active ones only, by village and county, with cursors", "[server][catalog][shops]") {
  test_server s;
  world w(s);
  const auto c1 = w.county();
  const auto c2 = w.county(true, "另一县");
  const auto v1 = w.village(c1), v2 = w.village(c1, "二村"), v3 = w.village(c2, "三村");
  const auto f1 = w.farmer(v1).first, f2 = w.farmer(v2).first, f3 = w.farmer(v3).first;
  std::vector<std::int64_t> in_v1, in_v2, in_v3, all;
  for (int i = 0; i < 3; ++i) {
    in_v1.push_back(w.shop(f1));
    in_v2.push_back(w.shop(f2));
    in_v3.push_back(w.shop(f3));
    all.insert(all.end(), {in_v1.back(), in_v2.back(), in_v3.back()});
  }
  CHECK(walk(s, "/v1/shops?limit=2") == all);
  CHECK(walk(s, "/v1/shops?village_id=" + std::to_string(v2) + "&limit=1") == in_v2);
  std::vector<std::int64_t> in_c1;
  for (auto id : all)
    if (std::find(in_v3.begin(), in_v3.end(), id) == in_v3.end()) in_c1.push_back(id);
  CHECK(walk(s, "/v1/shops?county_id=" + std::to_string(c1) + "&limit=4") == in_c1);
  CHECK(walk(s, "/v1/shops?county_id=" + std::to_string(c2)) == in_v3);
  CHECK(walk(s, "/v1/shops?county_id=" + std::to_string(c2) + "&village_id=" + std::to_string(v1)).empty());

  // A closed shop is not listed, but is still there by id.
  REQUIRE(w.set_shop(f2, in_v2[1], {{"status", "closed"}}).status == 200);
  auto expect = in_v2;
  expect.erase(expect.begin() + 1);
  CHECK(walk(s, "/v1/shops?village_id=" + std::to_string(v2)) == expect);
  auto r = s.get("/v1/shops/" + std::to_string(in_v2[1]));
  REQUIRE(r.status == 200);
  CHECK(r.json().at("status").as_string() == "closed");

  for (const std::string bad :
       {"limit=0", "limit=101", "limit=ten", "village_id=-3", "county_id=x", "cursor=abc$", "cursor=bG46MQ"}) {
    INFO(bad);
    r = s.get("/v1/shops?" + bad);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
  }
  r = s.get("/v1/shops/0");
  CHECK(r.status == 404);
  CHECK(r.type() == "not_found");
}

TEST_CASE("partners register villagers and see only their own village's", "[server][catalog][shops]") {
  test_server s;
  world w(s);
  const auto village = w.village(w.county());
  const auto other_village = w.village(w.county(), "邻村");
  const auto [partner, partner_id] = w.partner(village);
  const auto other_partner = w.partner(other_village).first;
  const auto farmer = w.farmer(village).first;
  const auto buyer = s.new_user("buyer");

  auto r = s.post("/v1/villagers", R"({"name":"李大爷","phone":"13512345678"})", partner);
  REQUIRE(r.status == 201);
  const auto v = r.json();
  CHECK(keys_of(v) == fields_of({"created_at", "id", "name", "phone", "registered_by", "village_id"}));
  CHECK(v.at("village_id").as_int64() == village);
  CHECK(v.at("name").as_string() == "李大爷");
  CHECK(v.at("phone").as_string() == "13512345678");
  CHECK(v.at("registered_by").as_int64() == partner_id);
  CHECK(v.at("created_at").as_string() == "2026-11-23T14:00:00Z");
  r = s.post("/v1/villagers", R"({"name":"张大妈"})", partner);
  REQUIRE(r.status == 201);
  CHECK(r.json().at("phone").is_null());

  std::vector<std::int64_t> mine{v.at("id").as_int64(), id_of(r)};
  std::vector<std::int64_t> theirs;
  for (int i = 0; i < 3; ++i) {
    theirs.push_back(w.villager(other_partner, "邻居" + std::to_string(i)));
    mine.push_back(w.villager(partner, "村民" + std::to_string(i)));
  }
  CHECK(walk(s, "/v1/villagers?limit=2", partner) == mine);
  CHECK(walk(s, "/v1/villagers", other_partner) == theirs);
  r = s.get("/v1/villagers", partner);
  REQUIRE(r.status == 200);
  for (const auto doc = r.json(); const auto& item : doc.at("items").as_array())
    CHECK(item.at("village_id").as_int64() == village);

  SECTION("only partners") {
    r = s.post("/v1/villagers", R"({"name":"x"})");
    CHECK(r.status == 401);
    CHECK(r.type() == "unauthenticated");
    r = s.get("/v1/villagers");
    CHECK(r.status == 401);
    CHECK(r.type() == "unauthenticated");
    for (const auto& tok : {farmer, buyer, w.admin}) {
      r = s.post("/v1/villagers", R"({"name":"x"})", tok);
      CHECK(r.status == 403);
      CHECK(r.type() == "forbidden");
      r = s.get("/v1/villagers", tok);
      CHECK(r.status == 403);
      CHECK(r.type() == "forbidden");
    }
  }
  SECTION("validation") {
    r = s.post("/v1/villagers", to_body({{"name", repeat("名", 51)}}), partner);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    CHECK(error_fields(r) == fields_of({"name"}));
    r = s.post("/v1/villagers", to_body({{"name", repeat("名", 50)}}), partner);
    CHECK(r.status == 201);
    r = s.post("/v1/villagers", R"({"name":"x","phone":"12-34"})", partner);
    CHECK(r.status == 422);
    CHECK(error_fields(r) == fields_of({"phone"}));
    r = s.post("/v1/villagers", R"({"name":"x","village_id":1,"registered_by":1})", partner);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    CHECK(error_fields(r) == fields_of({"village_id", "registered_by"}));
    for (const std::string bad : {"limit=0", "limit=101", "cursor=xyz"}) {
      r = s.get("/v1/villagers?" + bad, partner);
      CHECK(r.status == 422);
      CHECK(r.type() == "validation_failed");
    }
  }
}

TEST_CASE("a partner opens a shop for a villager of its village and runs it like an owner",
          "[server][catalog][shops]") {
  test_server s;
  world w(s);
  // The admin makes the county, the village and the partner over the API.
  const auto county = w.county(true, "石柱县");
  const auto village = w.village(county, "中益乡");
  const auto other_village = w.village(county, "华溪村");
  const auto [partner, partner_id] = w.partner(village);
  const auto [other_partner, other_partner_id] = w.partner(other_village);
  const auto farmer = w.farmer(village).first;
  const auto buyer = s.new_user("buyer");
  const auto villager = w.villager(partner);
  const auto foreign_villager = w.villager(other_partner);

  auto r = s.post("/v1/shops", to_body({{"name", "李大爷的蜂蜜"}, {"villager_id", villager}}), partner);
  REQUIRE(r.status == 201);
  const auto shop = r.json();
  CHECK(shop.at("partner_id").as_int64() == partner_id);
  CHECK(shop.at("villager_id").as_int64() == villager);
  CHECK(shop.at("owner_account_id").is_null());
  CHECK(shop.at("village_id").as_int64() == village);
  CHECK(shop.at("county_id").as_int64() == county);
  const auto shop_id = shop.at("id").as_int64();

  SECTION("villager_id must be a villager of the partner's village") {
    r = s.post("/v1/shops", to_body({{"name", "x"}, {"villager_id", foreign_villager}}), partner);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    CHECK(error_fields(r) == fields_of({"villager_id"}));
    r = s.post("/v1/shops", to_body({{"name", "x"}, {"villager_id", 999999}}), partner);
    CHECK(r.status == 422);
    CHECK(error_fields(r) == fields_of({"villager_id"}));
    r = s.post("/v1/shops", to_body({{"name", "x"}}), partner);
    CHECK(r.status == 422);
    CHECK(error_fields(r) == fields_of({"villager_id"}));
    r = s.post("/v1/shops", to_body({{"name", "x"}, {"villager_id", "1"}}), partner);
    CHECK(r.status == 422);
    CHECK(error_fields(r) == fields_of({"villager_id"}));
    // A farmer cannot name a villager.
    r = s.post("/v1/shops", to_body({{"name", "x"}, {"villager_id", villager}}), farmer);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    CHECK(error_fields(r) == fields_of({"villager_id"}));
    CHECK(walk(s, "/v1/shops") == std::vector<std::int64_t>{shop_id});
  }
  SECTION("the partner manages the shop's listings exactly as an owner would") {
    auto l = w.listing(partner, shop_id, {{"title", "土蜂蜜 500克"}, {"category", "honey"}, {"unit", "box"}});
    const auto lid = l.at("id").as_int64();
    CHECK(l.at("shop_id").as_int64() == shop_id);
    CHECK(l.at("poverty_relief").as_bool());
    const auto draft = w.listing(partner, shop_id, {{"status", "draft"}});
    const auto draft_target = "/v1/listings/" + std::to_string(draft.at("id").as_int64());
    r = s.get(draft_target, partner);
    CHECK(r.status == 200);
    for (const auto& tok : {other_partner, farmer, buyer, std::string()}) {
      r = s.get(draft_target, tok);
      CHECK(r.status == 404);
      CHECK(r.type() == "not_found");
    }
    r = w.set_listing(partner, lid, {{"price_fen", 4500}, {"stock", 3}});
    REQUIRE(r.status == 200);
    CHECK(r.json().at("price_fen").as_int64() == 4500);
    CHECK(r.json().at("version").as_int64() == 2);
    // The other village's partner cannot.
    r = w.set_listing(other_partner, lid, {{"price_fen", 1}});
    CHECK(r.status == 403);
    CHECK(r.type() == "forbidden");
    r = s.post("/v1/shops/" + std::to_string(shop_id) + "/listings",
               to_body({{"title", "x"}, {"category", "honey"}, {"unit", "box"}, {"price_fen", 1}, {"stock", 1}}),
               other_partner);
    CHECK(r.status == 403);
    CHECK(r.type() == "forbidden");
    r = w.set_shop(other_partner, shop_id, {{"status", "closed"}});
    CHECK(r.status == 403);
    CHECK(r.type() == "forbidden");
    // The partner closes and reopens it.
    r = w.set_shop(partner, shop_id, {{"status", "closed"}});
    REQUIRE(r.status == 200);
    CHECK(walk(s, "/v1/listings").empty());
    r = w.set_shop(partner, shop_id, {{"status", "active"}, {"description", "中益乡土蜂蜜"}});
    REQUIRE(r.status == 200);
    CHECK(r.json().at("description").as_string() == "中益乡土蜂蜜");
    CHECK(walk(s, "/v1/listings") == std::vector<std::int64_t>{lid});
    r = w.set_listing(partner, lid, {{"status", "archived"}});
    REQUIRE(r.status == 200);
    CHECK(walk(s, "/v1/listings").empty());
  }
}

TEST_CASE("closing a shop hides its listings from lists, reopening shows them again", "[server][catalog][shops]") {
  test_server s;
  world w(s);
  const auto village = w.village(w.county());
  const auto [owner, owner_id] = w.farmer(village);
  const auto other = w.farmer(village).first;
  const auto shop = w.shop(owner);
  const auto neighbour_shop = w.shop(other, std::nullopt, "邻居的店");
  const auto a = w.listing(owner, shop).at("id").as_int64();
  const auto b = w.listing(owner, shop, {{"title", "高山土豆 5斤装"}, {"category", "vegetable"}}).at("id").as_int64();
  const auto draft = w.listing(owner, shop, {{"status", "draft"}}).at("id").as_int64();
  const auto n = w.listing(other, neighbour_shop, {{"title", "苹果干"}}).at("id").as_int64();
  const std::vector<std::int64_t> everything{n, b, a};  // newest first
  CHECK(walk(s, "/v1/listings") == everything);

  REQUIRE(w.set_shop(owner, shop, {{"status", "closed"}}).status == 200);
  CHECK(walk(s, "/v1/listings") == std::vector<std::int64_t>{n});
  CHECK(walk(s, "/v1/listings?q=" + pct("苹果")) == std::vector<std::int64_t>{n});
  CHECK(walk(s, "/v1/listings?shop_id=" + std::to_string(shop)).empty());
  CHECK(walk(s, "/v1/listings?sort=price_asc").size() == 1);
  CHECK(walk(s, "/v1/shops") == std::vector<std::int64_t>{neighbour_shop});
  // Still readable by id, the shop and its listings.
  auto r = s.get("/v1/shops/" + std::to_string(shop));
  REQUIRE(r.status == 200);
  CHECK(r.json().at("status").as_string() == "closed");
  r = s.get("/v1/listings/" + std::to_string(a));
  REQUIRE(r.status == 200);
  CHECK(r.json().at("status").as_string() == "active");
  CHECK(s.get("/v1/listings/" + std::to_string(b)).status == 200);
  CHECK(s.get("/v1/listings/" + std::to_string(draft), owner).status == 200);
  CHECK(s.get("/v1/listings/" + std::to_string(draft)).status == 404);
  // Activating a draft while closed does not list it.
  REQUIRE(w.set_listing(owner, draft, {{"status", "active"}}).status == 200);
  CHECK(walk(s, "/v1/listings") == std::vector<std::int64_t>{n});

  REQUIRE(w.set_shop(owner, shop, {{"status", "active"}}).status == 200);
  CHECK(walk(s, "/v1/listings") == std::vector<std::int64_t>{n, draft, b, a});
  CHECK(walk(s, "/v1/listings?q=" + pct("苹果")).size() == 3);
  CHECK(walk(s, "/v1/shops") == std::vector<std::int64_t>{shop, neighbour_shop});
}
