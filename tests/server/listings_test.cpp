// Listings over HTTP: creating and editing (limits, permissions, ETag/If-Match, concurrent
// edits), drafts and archived listings, browsing with every filter and sort, and search.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <latch>
#include <set>
#include <thread>
#include <type_traits>

#include "catalog_helpers.hpp"
#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;
using namespace cunji::test::catalog;

namespace {
std::string listings_of(std::int64_t shop) { return "/v1/shops/" + std::to_string(shop) + "/listings"; }
std::string listing_at(std::int64_t id) { return "/v1/listings/" + std::to_string(id); }

json::object valid_listing() {
  return {{"title", "新鲜红富士苹果"}, {"category", "fruit"}, {"unit", "jin"}, {"price_fen", 1200}, {"stock", 100}};
}
template <class T>
json::object with(json::object o, const std::string& key, T v) {
  if constexpr (std::is_convertible_v<T, std::string_view>) o[key] = json::string(std::string_view(v));
  else o[key] = json::value(v);
  return o;
}
json::object without(json::object o, const std::string& key) {
  o.erase(key);
  return o;
}

// A farmer with a shop in a village of a county, and a second farmer, partner and buyer.
struct shop_fixture {
  test_server s;
  world w{s};
  std::int64_t county = w.county(false, "静宁县");
  std::int64_t village = w.village(county, "李店村");
  std::int64_t other_village = w.village(w.county(true, "会宁县"), "邻村");
  std::pair<std::string, std::int64_t> owner = w.farmer(village);
  std::string neighbour = w.farmer(village).first;
  std::string partner = w.partner(village).first;              // same village, does not run the shop
  std::string other_partner = w.partner(other_village).first;  // another village
  std::string buyer = s.new_user("buyer");
  std::int64_t shop = w.shop(owner.first);
};
}  // namespace

TEST_CASE("creating a listing: the shape, the ETag, defaults", "[server][catalog][listings]") {
  shop_fixture f;
  auto r = f.s.post(listings_of(f.shop), R"({"title":"新鲜红富士苹果","description":"静宁苹果，脆甜",
                    "category":"fruit","unit":"jin","price_fen":1200,"stock":100})",
                    f.owner.first);
  REQUIRE(r.status == 201);
  const auto l = r.json();
  CHECK(keys_of(l) ==
        fields_of({"category", "county_id", "created_at", "description", "id", "photos", "poverty_relief", "price_fen",
                   "shop_id", "status", "stock", "title", "unit", "updated_at", "version", "village_id"}));
  CHECK(l.at("photos").as_array().empty());
  const auto id = l.at("id").as_int64();
  CHECK(l.at("shop_id").as_int64() == f.shop);
  CHECK(l.at("village_id").as_int64() == f.village);
  CHECK(l.at("county_id").as_int64() == f.county);
  CHECK(l.at("poverty_relief").as_bool() == false);
  CHECK(l.at("title").as_string() == "新鲜红富士苹果");
  CHECK(l.at("description").as_string() == "静宁苹果，脆甜");
  CHECK(l.at("category").as_string() == "fruit");
  CHECK(l.at("unit").as_string() == "jin");
  CHECK(l.at("price_fen").as_int64() == 1200);
  CHECK(l.at("stock").as_int64() == 100);
  CHECK(l.at("status").as_string() == "active");
  CHECK(l.at("version").as_int64() == 1);
  CHECK(l.at("created_at").as_string() == "2026-11-23T14:00:00Z");
  CHECK(l.at("updated_at") == l.at("created_at"));
  CHECK(r.header("etag") == "\"" + std::to_string(id) + "-1\"");

  r = f.s.get(listing_at(id));
  REQUIRE(r.status == 200);
  CHECK(r.json() == l);
  CHECK(r.header("etag") == "\"" + std::to_string(id) + "-1\"");
  CHECK(r.header("content-type") == "application/json");

  // Description defaults to empty; every category and unit is accepted; draft on create.
  for (const char* c : {"fruit", "vegetable", "grain", "meat", "poultry_eggs", "aquatic", "tea", "nuts_dried", "honey",
                        "mushroom", "handicraft", "other"}) {
    r = f.s.post(listings_of(f.shop), to_body(with(valid_listing(), "category", c)), f.owner.first);
    CHECK(r.status == 201);
    CHECK(r.json().at("description").as_string() == "");
  }
  for (const char* u : {"kg", "jin", "piece", "box", "bag", "dozen"}) {
    r = f.s.post(listings_of(f.shop), to_body(with(valid_listing(), "unit", u)), f.owner.first);
    CHECK(r.status == 201);
  }
  r = f.s.post(listings_of(f.shop), to_body(with(valid_listing(), "status", "draft")), f.owner.first);
  REQUIRE(r.status == 201);
  CHECK(r.json().at("status").as_string() == "draft");
  r = f.s.post(listings_of(f.shop), to_body(with(valid_listing(), "status", "active")), f.owner.first);
  REQUIRE(r.status == 201);
  CHECK(r.json().at("status").as_string() == "active");
}

TEST_CASE("listing field limits", "[server][catalog][listings]") {
  shop_fixture f;
  const auto& tok = f.owner.first;
  auto post = [&](const json::object& body) { return f.s.post(listings_of(f.shop), to_body(body), tok); };
  auto expect_422 = [&](const json::object& body, std::vector<std::string> fields) {
    auto r = post(body);
    INFO(to_body(body) << " -> " << r.body);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    CHECK(error_fields(r) == fields);
  };
  auto expect_201 = [&](const json::object& body) {
    auto r = post(body);
    INFO(to_body(body) << " -> " << r.body);
    CHECK(r.status == 201);
    return r;
  };

  SECTION("title 1..120 characters") {
    expect_422(with(valid_listing(), "title", ""), {"title"});
    expect_422(with(valid_listing(), "title", "  "), {"title"});
    expect_422(with(valid_listing(), "title", repeat("果", 121)), {"title"});
    expect_422(with(valid_listing(), "title", repeat("a", 121)), {"title"});
    expect_422(with(valid_listing(), "title", "a\x01b"), {"title"});
    expect_422(with(valid_listing(), "title", 5), {"title"});
    auto r = expect_201(with(valid_listing(), "title", repeat("果", 120)));
    CHECK(r.json().at("title").as_string() == repeat("果", 120));
    expect_201(with(valid_listing(), "title", "a"));
  }
  SECTION("price_fen 1..100,000,000") {
    expect_422(with(valid_listing(), "price_fen", 0), {"price_fen"});
    expect_422(with(valid_listing(), "price_fen", -5), {"price_fen"});
    expect_422(with(valid_listing(), "price_fen", 100000001), {"price_fen"});
    expect_422(with(valid_listing(), "price_fen", 12.5), {"price_fen"});
    expect_422(with(valid_listing(), "price_fen", "1200"), {"price_fen"});
    expect_422(with(valid_listing(), "price_fen", json::value(18446744073709551615ull)), {"price_fen"});
    expect_201(with(valid_listing(), "price_fen", 1));
    expect_201(with(valid_listing(), "price_fen", 100000000));
  }
  SECTION("stock 0..10,000,000") {
    expect_422(with(valid_listing(), "stock", -1), {"stock"});
    expect_422(with(valid_listing(), "stock", 10000001), {"stock"});
    expect_422(with(valid_listing(), "stock", true), {"stock"});
    expect_201(with(valid_listing(), "stock", 0));
    expect_201(with(valid_listing(), "stock", 10000000));
  }
  SECTION("category and unit from their lists") {
    expect_422(with(valid_listing(), "category", "fruits"), {"category"});
    expect_422(with(valid_listing(), "category", "FRUIT"), {"category"});
    expect_422(with(valid_listing(), "category", ""), {"category"});
    expect_422(with(valid_listing(), "unit", "ton"), {"unit"});
    expect_422(with(valid_listing(), "unit", "斤"), {"unit"});
  }
  SECTION("description up to 2,000 characters") {
    expect_422(with(valid_listing(), "description", repeat("描", 2001)), {"description"});
    expect_201(with(valid_listing(), "description", repeat("描", 2000)));
  }
  SECTION("status on create: active or draft only") {
    expect_422(with(valid_listing(), "status", "archived"), {"status"});
    expect_422(with(valid_listing(), "status", "sold"), {"status"});
  }
  SECTION("required fields") {
    for (const char* field : {"title", "category", "unit", "price_fen", "stock"})
      expect_422(without(valid_listing(), field), {field});
    auto r = post({});
    CHECK(r.status == 422);
    CHECK(error_fields(r) == fields_of({"title", "category", "unit", "price_fen", "stock"}));
  }
  SECTION("unknown fields are rejected and name the field") {
    for (const char* field : {"id", "owner_id", "shop_id", "version", "village_id", "county_id", "poverty_relief",
                              "created_at", "updated_at", "visible"})
      expect_422(with(valid_listing(), field, 1), {field});
    // Every error at once.
    auto r = post({{"title", ""}, {"category", "x"}, {"unit", "y"}, {"price_fen", 0}, {"stock", -1}, {"id", 3}});
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    auto got = error_fields(r);
    std::sort(got.begin(), got.end());
    CHECK(got == fields_of({"category", "id", "price_fen", "stock", "title", "unit"}));
  }
  // None of the refused ones was created.
  auto all = walk(f.s, "/v1/listings?shop_id=" + std::to_string(f.shop) + "&limit=100");
  for (auto id : all) {
    auto r = f.s.get(listing_at(id));
    CHECK(r.json().at("price_fen").as_int64() >= 1);
  }
}

TEST_CASE("editing a listing: limits, and nothing changes on a refused edit", "[server][catalog][listings]") {
  shop_fixture f;
  const auto& tok = f.owner.first;
  const auto l = f.w.listing(tok, f.shop);
  const auto id = l.at("id").as_int64();

  auto r = f.w.set_listing(tok, id,
                           {{"title", "静宁红富士苹果 10斤"},
                            {"price_fen", 3500},
                            {"stock", 7},
                            {"category", "other"},
                            {"unit", "box"},
                            {"description", "包邮"}});
  REQUIRE(r.status == 200);
  auto now = r.json();
  CHECK(now.at("title").as_string() == "静宁红富士苹果 10斤");
  CHECK(now.at("price_fen").as_int64() == 3500);
  CHECK(now.at("stock").as_int64() == 7);
  CHECK(now.at("category").as_string() == "other");
  CHECK(now.at("unit").as_string() == "box");
  CHECK(now.at("description").as_string() == "包邮");
  CHECK(now.at("version").as_int64() == 2);
  CHECK(now.at("created_at") == l.at("created_at"));
  CHECK(r.header("etag") == "\"" + std::to_string(id) + "-2\"");

  f.s.advance_clock(3600);
  r = f.w.set_listing(tok, id, {{"stock", 6}});
  REQUIRE(r.status == 200);
  CHECK(r.json().at("updated_at").as_string() == "2026-11-23T15:00:00Z");
  CHECK(r.json().at("created_at").as_string() == "2026-11-23T14:00:00Z");
  CHECK(r.json().at("title") == now.at("title"));
  now = r.json();

  const std::vector<std::pair<json::object, std::string>> bad = {
      {{{"title", ""}}, "title"},           {{{"title", repeat("果", 121)}}, "title"},
      {{{"price_fen", 0}}, "price_fen"},    {{{"price_fen", 100000001}}, "price_fen"},
      {{{"stock", -1}}, "stock"},           {{{"stock", 10000001}}, "stock"},
      {{{"category", "toys"}}, "category"}, {{{"unit", "ton"}}, "unit"},
      {{{"status", "sold"}}, "status"},     {{{"description", repeat("描", 2001)}}, "description"},
      {{{"version", 9}}, "version"},        {{{"id", 9}}, "id"},
      {{{"shop_id", 9}}, "shop_id"},        {{{"owner_id", 9}}, "owner_id"},
  };
  for (const auto& [body, field] : bad) {
    r = f.w.set_listing(tok, id, body);
    INFO(to_body(body));
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    CHECK(error_fields(r) == std::vector<std::string>{field});
  }
  r = f.s.get(listing_at(id));
  CHECK(r.json() == now);  // nothing changed, version included

  r = f.w.set_listing(tok, id, {{"title", repeat("果", 120)}, {"price_fen", 1}, {"stock", 0}});
  CHECK(r.status == 200);
  r = f.w.set_listing(tok, 999999, {{"stock", 1}});
  CHECK(r.status == 404);
  CHECK(r.type() == "not_found");
  r = patch(f.s, "/v1/listings/abc", R"({"stock":1})", tok);
  CHECK(r.status == 404);
  CHECK(r.type() == "not_found");
  r = patch(f.s, listing_at(id), "{\"stock\":", tok);
  CHECK(r.status == 400);
  CHECK(r.type() == "malformed_json");
}

TEST_CASE("who may create, read and change listings", "[server][catalog][listings]") {
  shop_fixture f;
  const auto& owner = f.owner.first;
  const auto active = f.w.listing(owner, f.shop).at("id").as_int64();
  const auto draft = f.w.listing(owner, f.shop, {{"status", "draft"}}).at("id").as_int64();
  const auto body = to_body(valid_listing());

  SECTION("creating: the owner only") {
    auto r = f.s.post(listings_of(f.shop), body);
    CHECK(r.status == 401);
    CHECK(r.type() == "unauthenticated");
    for (const auto& tok : {f.neighbour, f.partner, f.other_partner, f.buyer, f.w.admin}) {
      r = f.s.post(listings_of(f.shop), body, tok);
      CHECK(r.status == 403);
      CHECK(r.type() == "forbidden");
    }
    r = f.s.post(listings_of(999999), body, owner);
    CHECK(r.status == 404);
    CHECK(r.type() == "not_found");
    // Permission comes before validation.
    r = f.s.post(listings_of(f.shop), R"({"id":1})", f.neighbour);
    CHECK(r.status == 403);
    CHECK(r.type() == "forbidden");
    CHECK(walk(f.s, "/v1/listings") == std::vector<std::int64_t>{active});
  }
  SECTION("reading: an active listing by anyone, a draft by its managers only") {
    for (const auto& tok : {std::string(), f.neighbour, f.partner, f.other_partner, f.buyer, owner}) {
      auto r = f.s.get(listing_at(active), tok);
      CHECK(r.status == 200);
    }
    auto r = f.s.get(listing_at(draft), owner);
    REQUIRE(r.status == 200);
    CHECK(r.json().at("status").as_string() == "draft");
    CHECK(!r.header("etag").empty());
    for (const auto& tok : {std::string(), f.neighbour, f.partner, f.other_partner, f.buyer}) {
      r = f.s.get(listing_at(draft), tok);
      CHECK(r.status == 404);
      CHECK(r.type() == "not_found");
    }
    // A draft looks exactly like a listing that does not exist.
    CHECK(f.s.get(listing_at(draft), f.buyer).body == f.s.get(listing_at(999999), f.buyer).body);
    r = f.s.get(listing_at(active), "bogus-token");
    CHECK(r.status == 401);
    CHECK(r.type() == "unauthenticated");
  }
  SECTION("changing: someone else's visible listing is 403, someone else's draft is 404") {
    const auto change = to_body({{"price_fen", 1}});
    auto r = patch(f.s, listing_at(active), change, "");
    CHECK(r.status == 401);
    CHECK(r.type() == "unauthenticated");
    r = patch(f.s, listing_at(draft), change, "");
    CHECK(r.status == 401);
    CHECK(r.type() == "unauthenticated");
    for (const auto& tok : {f.neighbour, f.partner, f.other_partner, f.buyer, f.w.admin}) {
      r = patch(f.s, listing_at(active), change, tok);
      CHECK(r.status == 403);
      CHECK(r.type() == "forbidden");
      r = patch(f.s, listing_at(draft), change, tok);
      CHECK(r.status == 404);
      CHECK(r.type() == "not_found");
    }
    // An archived listing is visible, so others get 403.
    REQUIRE(f.w.set_listing(owner, active, {{"status", "archived"}}).status == 200);
    r = patch(f.s, listing_at(active), change, f.other_partner);
    CHECK(r.status == 403);
    CHECK(r.type() == "forbidden");
    CHECK(f.s.get(listing_at(active)).json().at("price_fen").as_int64() == 1200);
    CHECK(f.s.get(listing_at(draft), owner).json().at("price_fen").as_int64() == 1200);
  }
}

TEST_CASE("archived listings stay readable by id and are never listed, drafts are never listed",
          "[server][catalog][listings]") {
  shop_fixture f;
  const auto& owner = f.owner.first;
  const auto keep = f.w.listing(owner, f.shop).at("id").as_int64();
  const auto gone = f.w.listing(owner, f.shop, {{"title", "红富士苹果 旧款"}}).at("id").as_int64();
  const auto draft =
      f.w.listing(owner, f.shop, {{"title", "红富士苹果 新款"}, {"status", "draft"}}).at("id").as_int64();
  auto r = f.w.set_listing(owner, gone, {{"status", "archived"}});
  REQUIRE(r.status == 200);
  CHECK(r.json().at("status").as_string() == "archived");

  r = f.s.get(listing_at(gone));
  REQUIRE(r.status == 200);
  CHECK(r.json().at("status").as_string() == "archived");
  const std::vector<std::int64_t> only{keep};
  for (const std::string& q : std::vector<std::string>{
           "", "?q=" + pct("苹果"), "?q=" + pct("红富士"), "?sort=price_asc", "?sort=price_desc", "?q=" + pct("旧款"),
           "?shop_id=" + std::to_string(f.shop), "?county_id=" + std::to_string(f.county), "?category=fruit",
           "?village_id=" + std::to_string(f.village) + "&in_stock=true", "?q=" + pct("苹果") + "&sort=price_desc"}) {
    INFO(q);
    auto seen = walk(f.s, "/v1/listings" + q);
    if (q.find(pct("旧款")) != std::string::npos) CHECK(seen.empty());
    else CHECK(seen == only);
  }
  // Listed again once active; not listed as a draft again.
  REQUIRE(f.w.set_listing(owner, draft, {{"status", "active"}}).status == 200);
  CHECK(walk(f.s, "/v1/listings") == std::vector<std::int64_t>{draft, keep});
  REQUIRE(f.w.set_listing(owner, draft, {{"status", "draft"}}).status == 200);
  REQUIRE(f.w.set_listing(owner, gone, {{"status", "active"}}).status == 200);
  CHECK(walk(f.s, "/v1/listings") == std::vector<std::int64_t>{gone, keep});
}

TEST_CASE("ETag and If-Match", "[server][catalog][listings]") {
  shop_fixture f;
  const auto& owner = f.owner.first;
  const auto id = f.w.listing(owner, f.shop).at("id").as_int64();
  auto r = f.s.get(listing_at(id));
  const auto etag1 = r.header("etag");
  REQUIRE(etag1 == "\"" + std::to_string(id) + "-1\"");

  r = patch(f.s, listing_at(id), R"({"price_fen":1500})", owner, {{"If-Match", etag1}});
  REQUIRE(r.status == 200);
  const auto etag2 = r.header("etag");
  CHECK(etag2 != etag1);
  CHECK(r.json().at("version").as_int64() == 2);
  CHECK(f.s.get(listing_at(id)).header("etag") == etag2);

  // Stale: 412, nothing changes.
  r = patch(f.s, listing_at(id), R"({"price_fen":9999})", owner, {{"If-Match", etag1}});
  CHECK(r.status == 412);
  CHECK(r.type() == "precondition_failed");
  r = f.s.get(listing_at(id));
  CHECK(r.json().at("price_fen").as_int64() == 1500);
  CHECK(r.json().at("version").as_int64() == 2);
  CHECK(r.header("etag") == etag2);

  // A 412 carries the current tag, to read again with.
  CHECK(r.header("etag") == etag2);

  // Tags that can never match this listing: another listing's, weak, empty, a future version.
  const auto other = f.w.listing(owner, f.shop).at("id").as_int64();
  const auto other_tag = "\"" + std::to_string(other) + "-2\"";
  for (const std::string& tag : std::vector<std::string>{
           other_tag, "W/" + etag2, "\"\"", "\"" + std::to_string(id) + "-3\"", "\"" + std::to_string(id) + "-x\""}) {
    INFO(tag);
    r = patch(f.s, listing_at(id), R"({"stock":1})", owner, {{"If-Match", tag}});
    CHECK(r.status == 412);
    CHECK(r.type() == "precondition_failed");
    CHECK(r.header("etag") == etag2);
  }
  // Headers that are neither * nor a list of quoted tags are malformed: 400.
  for (const std::string& tag :
       std::vector<std::string>{"garbage", "\"" + std::to_string(id) + "-2", "", ", ,", std::to_string(id) + "-2",
                                "*, " + etag2, "\"a b\"", "W/garbage"}) {
    INFO(tag);
    r = patch(f.s, listing_at(id), R"({"stock":1})", owner, {{"If-Match", tag}});
    CHECK(r.status == 400);
    CHECK(r.type() == "malformed_request");
  }
  CHECK(f.s.get(listing_at(id)).json().at("stock").as_int64() == 100);

  // A list that holds the current tag matches; so does *.
  r = patch(f.s, listing_at(id), R"({"stock":50})", owner, {{"If-Match", etag1 + ", " + etag2}});
  REQUIRE(r.status == 200);
  CHECK(r.json().at("version").as_int64() == 3);
  r = patch(f.s, listing_at(id), R"({"stock":40})", owner, {{"If-Match", "*"}});
  REQUIRE(r.status == 200);
  CHECK(r.json().at("version").as_int64() == 4);
  // Without If-Match the edit applies to whatever is current.
  r = patch(f.s, listing_at(id), R"({"stock":30})", owner);
  REQUIRE(r.status == 200);
  CHECK(r.json().at("version").as_int64() == 5);
  CHECK(r.header("etag") == "\"" + std::to_string(id) + "-5\"");
  // A stale If-Match by someone who may not edit is still 403 (permission first).
  r = patch(f.s, listing_at(id), R"({"stock":1})", f.neighbour, {{"If-Match", etag1}});
  CHECK(r.status == 403);
  CHECK(r.type() == "forbidden");
}

TEST_CASE("concurrent edits with the same ETag: exactly one wins, nothing is lost", "[server][catalog][listings]") {
  shop_fixture f;
  const auto& owner = f.owner.first;
  const auto id = f.w.listing(owner, f.shop).at("id").as_int64();

  SECTION("two clients, different fields") {
    for (int round = 0; round < 5; ++round) {
      const auto etag = f.s.get(listing_at(id)).header("etag");
      const auto before = f.s.get(listing_at(id)).json();
      std::latch go(2);
      reply a, b;
      const std::string body_a = to_body({{"price_fen", 2000 + round}});
      const std::string body_b = to_body({{"stock", 500 + round}});
      std::thread ta([&] {
        http_client c(f.s.port());
        go.arrive_and_wait();
        a = c.request(http::verb::patch, listing_at(id), body_a,
                      {{"Authorization", "Bearer " + owner}, {"Content-Type", "application/json"}, {"If-Match", etag}});
      });
      std::thread tb([&] {
        http_client c(f.s.port());
        go.arrive_and_wait();
        b = c.request(http::verb::patch, listing_at(id), body_b,
                      {{"Authorization", "Bearer " + owner}, {"Content-Type", "application/json"}, {"If-Match", etag}});
      });
      ta.join();
      tb.join();
      INFO("round " << round << ": " << a.status << " " << b.status);
      REQUIRE(((a.status == 200 && b.status == 412) || (a.status == 412 && b.status == 200)));
      const auto& loser = a.status == 412 ? a : b;
      CHECK(loser.type() == "precondition_failed");
      const auto now = f.s.get(listing_at(id)).json();
      CHECK(now.at("version").as_int64() == before.at("version").as_int64() + 1);
      if (a.status == 200) {
        CHECK(now.at("price_fen").as_int64() == 2000 + round);
        CHECK(now.at("stock") == before.at("stock"));
      } else {
        CHECK(now.at("stock").as_int64() == 500 + round);
        CHECK(now.at("price_fen") == before.at("price_fen"));
      }
    }
  }
  SECTION("eight clients at once") {
    constexpr int n = 8;
    for (int round = 0; round < 3; ++round) {
      const auto before = f.s.get(listing_at(id));
      const auto etag = before.header("etag");
      std::latch go(n);
      std::vector<reply> replies(n);
      std::vector<std::thread> threads;
      for (int i = 0; i < n; ++i) {
        threads.emplace_back([&, i] {
          http_client c(f.s.port());
          // Each client changes one field to a value only it uses.
          const auto body = i % 2 == 0 ? to_body({{"price_fen", 10000 + 100 * round + i}})
                                       : to_body({{"stock", 1000 + 100 * round + i}});
          go.arrive_and_wait();
          replies[i] = c.request(
              http::verb::patch, listing_at(id), body,
              {{"Authorization", "Bearer " + owner}, {"Content-Type", "application/json"}, {"If-Match", etag}});
        });
      }
      for (auto& t : threads) t.join();
      int ok = 0, stale = 0, winner = -1;
      for (int i = 0; i < n; ++i) {
        if (replies[i].status == 200) {
          ++ok;
          winner = i;
        } else if (replies[i].status == 412 && replies[i].type() == "precondition_failed") {
          ++stale;
        }
      }
      INFO("round " << round);
      CHECK(ok == 1);
      CHECK(stale == n - 1);
      REQUIRE(winner >= 0);
      const auto now = f.s.get(listing_at(id)).json();
      const auto was = before.json();
      CHECK(now.at("version").as_int64() == was.at("version").as_int64() + 1);
      if (winner % 2 == 0) {
        CHECK(now.at("price_fen").as_int64() == 10000 + 100 * round + winner);
        CHECK(now.at("stock") == was.at("stock"));
      } else {
        CHECK(now.at("stock").as_int64() == 1000 + 100 * round + winner);
        CHECK(now.at("price_fen") == was.at("price_fen"));
      }
      CHECK(replies[winner].json() == now);
    }
  }
  SECTION("without If-Match, concurrent edits of different fields are all kept") {
    constexpr int n = 6;
    std::latch go(n);
    std::vector<reply> replies(n);
    std::vector<std::thread> threads;
    const std::vector<json::object> bodies = {{{"price_fen", 777}},    {{"stock", 55}},
                                              {{"title", "新标题"}},   {{"unit", "box"}},
                                              {{"category", "other"}}, {{"description", "新描述"}}};
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        http_client c(f.s.port());
        go.arrive_and_wait();
        replies[i] = c.request(http::verb::patch, listing_at(id), to_body(bodies[i]),
                               {{"Authorization", "Bearer " + owner}, {"Content-Type", "application/json"}});
      });
    }
    for (auto& t : threads) t.join();
    for (const auto& r : replies) CHECK(r.status == 200);
    const auto now = f.s.get(listing_at(id)).json();
    CHECK(now.at("price_fen").as_int64() == 777);
    CHECK(now.at("stock").as_int64() == 55);
    CHECK(now.at("title").as_string() == "新标题");
    CHECK(now.at("unit").as_string() == "box");
    CHECK(now.at("category").as_string() == "other");
    CHECK(now.at("description").as_string() == "新描述");
    CHECK(now.at("version").as_int64() == 1 + n);
  }
}

TEST_CASE("poverty_relief follows the county", "[server][catalog][listings]") {
  shop_fixture f;
  const auto& owner = f.owner.first;
  const auto id = f.w.listing(owner, f.shop).at("id").as_int64();
  CHECK(f.s.get(listing_at(id)).json().at("poverty_relief").as_bool() == false);
  CHECK(walk(f.s, "/v1/listings?poverty_relief=true").empty());
  CHECK(walk(f.s, "/v1/listings?poverty_relief=false") == std::vector<std::int64_t>{id});

  auto r = patch(f.s, "/v1/counties/" + std::to_string(f.county), R"({"poverty_stricken":true})", f.w.admin);
  REQUIRE(r.status == 200);
  r = f.s.get(listing_at(id));
  CHECK(r.json().at("poverty_relief").as_bool());
  CHECK(r.json().at("version").as_int64() == 1);  // the listing itself did not change
  CHECK(walk(f.s, "/v1/listings?poverty_relief=true") == std::vector<std::int64_t>{id});
  r = f.s.get("/v1/listings");
  CHECK(r.json().at("items").at(0).at("poverty_relief").as_bool());

  r = patch(f.s, "/v1/counties/" + std::to_string(f.county), R"({"poverty_stricken":false})", f.w.admin);
  REQUIRE(r.status == 200);
  CHECK(f.s.get(listing_at(id)).json().at("poverty_relief").as_bool() == false);
  CHECK(walk(f.s, "/v1/listings?poverty_relief=true").empty());
}

namespace {
// A small catalogue over two counties (one poverty-stricken), three villages and four shops.
struct browse_fixture {
  test_server s;
  world w{s};
  std::int64_t c_rich = w.county(false, "静宁县");
  std::int64_t c_poor = w.county(true, "会宁县");
  std::int64_t v1 = w.village(c_rich, "一村"), v2 = w.village(c_rich, "二村"), v3 = w.village(c_poor, "三村");
  std::string f1 = w.farmer(v1).first, f2 = w.farmer(v2).first, f3 = w.farmer(v3).first;
  std::int64_t s1 = w.shop(f1), s2 = w.shop(f2), s3 = w.shop(f3), s1b = w.shop(f1, std::nullopt, "一村二号店");

  struct row {
    std::int64_t id, shop, village, county;
    std::string title, category;
    std::int64_t price, stock;
    bool poor;
  };
  std::vector<row> rows;

  void add(const std::string& tok, std::int64_t shop, std::int64_t village, std::int64_t county,
           const std::string& title, const std::string& category, std::int64_t price, std::int64_t stock) {
    const auto l = w.listing(tok, shop,
                             {{"title", title}, {"category", category}, {"price_fen", price}, {"stock", stock}});
    rows.push_back({l.at("id").as_int64(), shop, village, county, title, category, price, stock, county == c_poor});
  }

  browse_fixture() {
    add(f1, s1, v1, c_rich, "新鲜红富士苹果", "fruit", 1200, 100);
    add(f1, s1, v1, c_rich, "高山土豆 5斤装", "vegetable", 1500, 0);
    add(f2, s2, v2, c_rich, "Fuji Apples 5kg", "fruit", 4500, 20);
    add(f3, s3, v3, c_poor, "会宁小杂粮 荞麦", "grain", 900, 30);
    add(f3, s3, v3, c_poor, "土蜂蜜 500克", "honey", 6800, 5);
    add(f1, s1b, v1, c_rich, "苹果干 100g", "fruit", 1200, 0);
    add(f2, s2, v2, c_rich, "organic apple juice", "other", 2500, 12);
    add(f3, s3, v3, c_poor, "散养土鸡蛋 30枚", "poultry_eggs", 3600, 8);
    add(f2, s2, v2, c_rich, "核桃 WALNUTS", "nuts_dried", 1200, 40);
    add(f1, s1, v1, c_rich, "红薯粉条", "vegetable", 1500, 60);
    // Not listed: a draft and an archived listing that would match everything.
    w.listing(f1, s1, {{"title", "新鲜苹果 草稿"}, {"status", "draft"}, {"price_fen", 1}});
    const auto archived = w.listing(f2, s2, {{"title", "苹果 已下架"}, {"price_fen", 2}}).at("id").as_int64();
    REQUIRE(w.set_listing(f2, archived, {{"status", "archived"}}).status == 200);
  }

  template <class Pred>
  std::vector<std::int64_t> newest(Pred p) const {
    std::vector<std::int64_t> out;
    for (auto it = rows.rbegin(); it != rows.rend(); ++it)
      if (p(*it)) out.push_back(it->id);
    return out;
  }
  std::vector<std::int64_t> by_price(bool asc) const {
    auto copy = rows;
    std::sort(copy.begin(), copy.end(), [&](const row& a, const row& b) {
      return asc ? std::pair(a.price, a.id) < std::pair(b.price, b.id)
                 : std::pair(a.price, a.id) > std::pair(b.price, b.id);
    });
    std::vector<std::int64_t> out;
    for (const auto& r : copy) out.push_back(r.id);
    return out;
  }
  std::int64_t id_titled(const std::string& t) const {
    for (const auto& r : rows)
      if (r.title == t) return r.id;
    FAIL("no listing titled " << t);
    return 0;
  }
  std::set<std::int64_t> search(const std::string& q) {
    auto seen = walk(s, "/v1/listings?q=" + pct(q));
    return {seen.begin(), seen.end()};
  }
};
}  // namespace

TEST_CASE("browsing: every filter", "[server][catalog][listings]") {
  browse_fixture b;
  const auto all = [](const auto&) { return true; };
  CHECK(walk(b.s, "/v1/listings") == b.newest(all));
  auto r = b.s.get("/v1/listings");
  REQUIRE(r.status == 200);
  CHECK(r.json().at("items").as_array().size() == 10);
  CHECK(r.json().at("next_cursor").is_null());
  CHECK(keys_of(r.json()) == fields_of({"items", "next_cursor"}));
  CHECK(keys_of(r.json().at("items").at(0)).size() == 16);

  CHECK(walk(b.s, "/v1/listings?category=fruit&limit=1") ==
        b.newest([](const auto& x) { return x.category == "fruit"; }));
  CHECK(walk(b.s, "/v1/listings?category=tea").empty());
  CHECK(walk(b.s, "/v1/listings?county_id=" + std::to_string(b.c_poor)) ==
        b.newest([&](const auto& x) { return x.county == b.c_poor; }));
  CHECK(walk(b.s, "/v1/listings?village_id=" + std::to_string(b.v2) + "&limit=2") ==
        b.newest([&](const auto& x) { return x.village == b.v2; }));
  CHECK(walk(b.s, "/v1/listings?shop_id=" + std::to_string(b.s1b)) ==
        b.newest([&](const auto& x) { return x.shop == b.s1b; }));
  CHECK(walk(b.s, "/v1/listings?shop_id=" + std::to_string(b.s1) + "&village_id=" + std::to_string(b.v1)) ==
        b.newest([&](const auto& x) { return x.shop == b.s1; }));
  CHECK(walk(b.s, "/v1/listings?shop_id=" + std::to_string(b.s1) + "&village_id=" + std::to_string(b.v2)).empty());
  CHECK(walk(b.s, "/v1/listings?poverty_relief=true") == b.newest([](const auto& x) { return x.poor; }));
  CHECK(walk(b.s, "/v1/listings?poverty_relief=false") == b.newest(all));
  CHECK(walk(b.s, "/v1/listings?min_price_fen=1500") == b.newest([](const auto& x) { return x.price >= 1500; }));
  CHECK(walk(b.s, "/v1/listings?max_price_fen=1200") == b.newest([](const auto& x) { return x.price <= 1200; }));
  CHECK(walk(b.s, "/v1/listings?min_price_fen=1200&max_price_fen=1500&limit=2") ==
        b.newest([](const auto& x) { return x.price >= 1200 && x.price <= 1500; }));
  CHECK(walk(b.s, "/v1/listings?min_price_fen=1600&max_price_fen=1500").empty());
  CHECK(walk(b.s, "/v1/listings?in_stock=true") == b.newest([](const auto& x) { return x.stock > 0; }));
  CHECK(walk(b.s, "/v1/listings?in_stock=false") == b.newest(all));
  CHECK(walk(b.s, "/v1/listings?category=fruit&in_stock=true&county_id=" + std::to_string(b.c_rich)) ==
        b.newest([&](const auto& x) { return x.category == "fruit" && x.stock > 0 && x.county == b.c_rich; }));
  CHECK(walk(b.s, "/v1/listings?poverty_relief=true&category=honey&max_price_fen=6800") ==
        std::vector<std::int64_t>{b.id_titled("土蜂蜜 500克")});
  CHECK(walk(b.s, "/v1/listings?county_id=999999").empty());

  // Stock changes show at once.
  const auto potatoes = b.id_titled("高山土豆 5斤装");
  REQUIRE(b.w.set_listing(b.f1, potatoes, {{"stock", 3}}).status == 200);
  auto in_stock = walk(b.s, "/v1/listings?in_stock=true");
  CHECK(std::find(in_stock.begin(), in_stock.end(), potatoes) != in_stock.end());
}

TEST_CASE("browsing: sorts, page sizes and cursors", "[server][catalog][listings]") {
  browse_fixture b;
  const auto all = [](const auto&) { return true; };
  for (int limit : {1, 2, 3, 7, 10, 11, 100}) {
    INFO("limit " << limit);
    const auto l = "&limit=" + std::to_string(limit);
    int pages = 0;
    CHECK(walk(b.s, "/v1/listings?sort=newest" + l, "", &pages) == b.newest(all));
    CHECK(pages == std::max(1, (10 + limit - 1) / limit));
    CHECK(walk(b.s, "/v1/listings?sort=price_asc" + l) == b.by_price(true));
    CHECK(walk(b.s, "/v1/listings?sort=price_desc" + l) == b.by_price(false));
    // relevance without q is newest
    CHECK(walk(b.s, "/v1/listings?sort=relevance" + l) == b.newest(all));
  }
  // The default page is 20.
  for (int i = 0; i < 12; ++i) b.add(b.f1, b.s1, b.v1, b.c_rich, "补充商品" + std::to_string(i), "other", 100 + i, 1);
  auto r = b.s.get("/v1/listings");
  REQUIRE(r.status == 200);
  CHECK(r.json().at("items").as_array().size() == 20);
  const auto cursor = next_cursor_of(r);
  REQUIRE(cursor);
  r = b.s.get("/v1/listings?cursor=" + pct(*cursor));
  REQUIRE(r.status == 200);
  CHECK(r.json().at("items").as_array().size() == 2);
  CHECK(r.json().at("next_cursor").is_null());

  SECTION("bad list parameters are 422") {
    for (const std::string bad : {"limit=0",
                                  "limit=101",
                                  "limit=-1",
                                  "limit=abc",
                                  "limit=1.5",
                                  "limit=",
                                  "limit=99999999999999999999",
                                  "sort=cheapest",
                                  "sort=",
                                  "category=toys",
                                  "county_id=0",
                                  "county_id=x",
                                  "village_id=-2",
                                  "shop_id=1e3",
                                  "poverty_relief=yes",
                                  "in_stock=1",
                                  "min_price_fen=-1",
                                  "max_price_fen=100000001",
                                  "min_price_fen=abc",
                                  "cursor=",
                                  "cursor=bG46eA",
                                  "cursor=AAAA"}) {
      INFO(bad);
      r = b.s.get("/v1/listings?" + bad);
      CHECK(r.status == 422);
      CHECK(r.type() == "validation_failed");
    }
    r = b.s.get("/v1/listings?cursor=%%%");  // not even a query string: never read as text
    CHECK(r.status == 400);
    CHECK(r.type() == "malformed_request");
    CHECK(b.s.get("/v1/listings?limit=100").status == 200);
    CHECK(b.s.get("/v1/listings?limit=1").status == 200);
    CHECK(b.s.get("/v1/listings?min_price_fen=0&max_price_fen=100000000").status == 200);
    r = b.s.get("/v1/listings?limit=0&sort=nope&category=toys");
    CHECK(r.status == 422);
    auto fields = error_fields(r);
    std::sort(fields.begin(), fields.end());
    CHECK(fields == fields_of({"category", "limit", "sort"}));
  }
  SECTION("a cursor only works for the sort that gave it out") {
    std::map<std::string, std::string> cursors;
    for (const std::string sort : {"newest", "price_asc", "price_desc"}) {
      r = b.s.get("/v1/listings?limit=2&sort=" + sort);
      REQUIRE(r.status == 200);
      cursors[sort] = *next_cursor_of(r);
    }
    r = b.s.get("/v1/listings?limit=1&q=" + pct("苹果"));
    REQUIRE(r.status == 200);
    REQUIRE(next_cursor_of(r));
    cursors["relevance"] = *next_cursor_of(r);
    for (const auto& [from, c] : cursors) {
      for (const std::string to : {"newest", "price_asc", "price_desc", "relevance"}) {
        if (to == from) continue;
        const std::string target = to == "relevance" ? "/v1/listings?q=" + pct("苹果") + "&cursor=" + pct(c)
                                                     : "/v1/listings?sort=" + to + "&cursor=" + pct(c);
        INFO(from << " cursor used for " << to);
        r = b.s.get(target);
        CHECK(r.status == 422);
        CHECK(r.type() == "validation_failed");
        CHECK(error_fields(r) == fields_of({"cursor"}));
      }
    }
    // Nor for another list.
    r = b.s.get("/v1/shops?cursor=" + pct(cursors["newest"]));
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    // A cursor with a changed character is refused, not misread.
    auto tampered = cursors["price_asc"];
    tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
    r = b.s.get("/v1/listings?sort=price_asc&cursor=" + pct(tampered));
    CHECK((r.status == 422 || r.status == 200));
    CHECK(r.status != 500);
  }
}

TEST_CASE("search: Chinese words and parts of words, Latin words, case-insensitive", "[server][catalog][listings]") {
  browse_fixture b;
  const auto apples = b.id_titled("新鲜红富士苹果");
  const auto dried = b.id_titled("苹果干 100g");
  const auto potatoes = b.id_titled("高山土豆 5斤装");
  const auto fuji = b.id_titled("Fuji Apples 5kg");
  const auto juice = b.id_titled("organic apple juice");
  const auto walnuts = b.id_titled("核桃 WALNUTS");
  const auto honey = b.id_titled("土蜂蜜 500克");
  const auto eggs = b.id_titled("散养土鸡蛋 30枚");
  using ids = std::set<std::int64_t>;

  CHECK(b.search("苹果") == ids{apples, dried});
  CHECK(b.search("红富士") == ids{apples});
  CHECK(b.search("富士苹果") == ids{apples});
  CHECK(b.search("土豆") == ids{potatoes});
  CHECK(b.search("高山土豆") == ids{potatoes});
  CHECK(b.search("5斤装").count(potatoes) == 1);
  CHECK(b.search("apple") == ids{fuji, juice});
  CHECK(b.search("apples") == ids{fuji});
  CHECK(b.search("APPLE") == ids{fuji, juice});
  CHECK(b.search("fuji") == ids{fuji});
  CHECK(b.search("FuJi aPPles") == ids{fuji});
  CHECK(b.search("walnut") == ids{walnuts});
  CHECK(b.search("Ｆｕｊｉ") == ids{fuji});  // full-width Latin
  // One Chinese character finds every listing that contains it.
  CHECK(b.search("果") == ids{apples, dried});
  CHECK(b.search("土") == ids{potatoes, honey, eggs});
  CHECK(b.search("蜜") == ids{honey});
  // Words are ANDed; nothing matches a word no listing has.
  CHECK(b.search("苹果 干") == ids{dried});
  CHECK(b.search("苹果 apple").empty());
  CHECK(b.search("榴莲").empty());
  CHECK(b.search("xyzzy").empty());
  // Punctuation only: nothing to search for, an empty list.
  auto r = b.s.get("/v1/listings?q=" + pct("!!! ，。"));
  REQUIRE(r.status == 200);
  CHECK(r.json().at("items").as_array().empty());
  CHECK(r.json().at("next_cursor").is_null());
  // An empty q is no search.
  CHECK(walk(b.s, "/v1/listings?q=").size() == 10);

  SECTION("search combines with filters and sorts") {
    CHECK(walk(b.s, "/v1/listings?q=" + pct("苹果") + "&sort=price_desc") == std::vector<std::int64_t>{dried, apples});
    CHECK(walk(b.s, "/v1/listings?q=" + pct("苹果") + "&sort=newest") == std::vector<std::int64_t>{dried, apples});
    CHECK(walk(b.s, "/v1/listings?q=" + pct("苹果") + "&sort=price_asc&limit=1") ==
          std::vector<std::int64_t>{apples, dried});
    CHECK(walk(b.s, "/v1/listings?q=" + pct("苹果") + "&in_stock=true") == std::vector<std::int64_t>{apples});
    CHECK(walk(b.s, "/v1/listings?q=" + pct("土") + "&poverty_relief=true&limit=1").size() == 2);
    CHECK(walk(b.s, "/v1/listings?q=apple&shop_id=" + std::to_string(b.s2)).size() == 2);
    CHECK(walk(b.s, "/v1/listings?q=apple&category=fruit") == std::vector<std::int64_t>{fuji});
    // Relevance: a title match ranks above a description-only match.
    const auto desc_only =
        b.w.listing(b.f2, b.s2, {{"title", "礼盒"}, {"description", "里面是苹果"}}).at("id").as_int64();
    auto ranked = walk(b.s, "/v1/listings?q=" + pct("苹果") + "&limit=1");
    REQUIRE(ranked.size() == 3);
    CHECK(ranked.back() == desc_only);
  }
  SECTION("q at most 100 characters") {
    r = b.s.get("/v1/listings?q=" + pct(repeat("苹", 101)));
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    CHECK(error_fields(r) == fields_of({"q"}));
    r = b.s.get("/v1/listings?q=" + pct(repeat("a", 101)));
    CHECK(r.status == 422);
    CHECK(error_fields(r) == fields_of({"q"}));
    r = b.s.get("/v1/listings?q=" + pct(repeat("苹", 100)));
    CHECK(r.status == 200);
    r = b.s.get("/v1/listings?q=" + pct(repeat("苹果 ", 20)));
    CHECK(r.status == 200);
    CHECK(ids_of(r).size() == 2);
  }
  SECTION("hostile q strings are data, never syntax, never a 500") {
    const std::vector<std::string> hostile = {"\"",
                                              "\"\"",
                                              "苹果\"",
                                              "\"苹果",
                                              "a\"b",
                                              "*",
                                              "**",
                                              "苹果*",
                                              "* 苹果",
                                              "NEAR",
                                              "NEAR(苹果 土豆)",
                                              "NEAR(a b, 2)",
                                              "OR",
                                              "苹果 OR 土豆",
                                              "AND",
                                              "NOT",
                                              "苹果 NOT 土豆",
                                              "(",
                                              ")",
                                              "(苹果",
                                              "苹果)",
                                              "((((",
                                              "-",
                                              "-苹果",
                                              "苹果 -土豆",
                                              "^苹果",
                                              "title:苹果",
                                              "{title}: 苹果",
                                              "title : apple",
                                              "+",
                                              "\\",
                                              "'",
                                              "';--",
                                              "' OR 1=1 --",
                                              "%",
                                              "_",
                                              "😀",
                                              "苹果😀",
                                              "😀😀😀",
                                              "\x7f",
                                              "\t",
                                              "a\nb",
                                              "ａｐｐｌｅ",
                                              "apple*",
                                              "app*le",
                                              "^",
                                              ":",
                                              "col:",
                                              "fuji:",
                                              "\"apple\" \"",
                                              "🍎 apple"};
    for (const auto& q : hostile) {
      INFO("q=" << q);
      for (const std::string sort : {"", "&sort=price_asc", "&limit=1"}) {
        r = b.s.get("/v1/listings?q=" + pct(q) + sort);
        CHECK((r.status == 200 || r.status == 422));
        if (r.status == 422) CHECK(r.type() == "validation_failed");
      }
    }
    // Queries that look like FTS5 syntax search for their words.
    CHECK(b.search("苹果 OR 土豆").empty());   // "or" is a word that no listing has
    CHECK(b.search("NEAR(苹果 干)").empty());  // "near" is a word too
    CHECK(b.search("(苹果 干)") == ids{dried});
    CHECK(b.search("-苹果") == ids{apples, dried});
    CHECK(b.search("\"苹果\"") == ids{apples, dried});
    CHECK(b.search("apple*") == ids{fuji, juice});
    CHECK(b.search("🍎 apple") == ids{fuji, juice});
    // Invalid UTF-8 is refused, before it is read as text.
    for (const std::string raw : {"%FF", "%C3%28", "%E8%8B", "%ED%A0%80", "%C0%AF", "a%FFb"}) {
      INFO(raw);
      r = b.s.get("/v1/listings?q=" + raw);
      CHECK(r.status == 400);
      CHECK(r.type() == "malformed_request");
    }
    // Raw characters the URL encoder would have escaped.
    for (const std::string raw : {"%22", "%2A", "a+b", "%28%29", "%00", "%25"}) {
      r = b.s.get("/v1/listings?q=" + raw);
      CHECK((r.status == 200 || r.status == 422));
    }
  }
}

TEST_CASE("walking search results by cursor while listings are added", "[server][catalog][listings]") {
  browse_fixture b;
  for (int i = 0; i < 15; ++i)
    b.w.listing(b.f1, b.s1, {{"title", "苹果" + std::string(i % 3 == 0 ? " 礼盒装" : "") + std::to_string(i)}});
  for (const std::string sort : {"", "&sort=newest"}) {
    INFO("sort " << sort);
    const auto start = walk(b.s, "/v1/listings?q=" + pct("苹果") + sort + "&limit=100");
    REQUIRE(start.size() >= 17);
    std::vector<std::int64_t> seen;
    std::optional<std::string> cursor;
    int added = 0;
    do {
      auto r = b.s.get("/v1/listings?q=" + pct("苹果") + sort + "&limit=4" + (cursor ? "&cursor=" + pct(*cursor) : ""));
      REQUIRE(r.status == 200);
      for (auto id : ids_of(r)) seen.push_back(id);
      cursor = next_cursor_of(r);
      b.w.listing(b.f2, b.s2, {{"title", "新到苹果 " + std::to_string(added++)}});
    } while (cursor);
    std::vector<std::int64_t> sorted_seen = seen, sorted_start = start;
    std::sort(sorted_seen.begin(), sorted_seen.end());
    std::sort(sorted_start.begin(), sorted_start.end());
    CHECK(sorted_seen == sorted_start);  // each one there at the start exactly once, nothing new
  }
}
