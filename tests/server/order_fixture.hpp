#pragma once
// A small marketplace for order tests: a county and village, a farmer's shop with listings,
// a partner running a shop for a villager, buyers, and an admin.
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "test_client.hpp"

namespace cunji::test {

// A JSON request's headers as `token`, with an Idempotency-Key when `key` is not empty.
inline header_list bearer(const std::string& token, const std::string& key = "") {
  header_list h{{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
  if (!key.empty()) h.emplace_back("Idempotency-Key", key);
  return h;
}

struct market {
  explicit market(test_server& server, bool poverty = false, std::int64_t stock = 100, std::int64_t price = 1000)
      : s(server) {
    village = s.make_village(poverty);
    admin = s.admin_token();
    std::tie(farmer_id, farmer) = s.direct_user(role::farmer, village);
    std::tie(partner_id, partner) = s.direct_user(role::partner, village);
    auto r = s.post("/v1/shops", R"({"name":"李家果园"})", farmer);
    REQUIRE(r.status == 201);
    shop = r.json().at("id").as_int64();
    listing = new_listing(farmer, shop, stock, price);
    r = s.post("/v1/villagers", R"({"name":"张奶奶"})", partner);
    REQUIRE(r.status == 201);
    villager = r.json().at("id").as_int64();
    r = s.post("/v1/shops", R"({"name":"张奶奶的土鸡蛋","villager_id":)" + std::to_string(villager) + "}", partner);
    REQUIRE(r.status == 201);
    partner_shop = r.json().at("id").as_int64();
    partner_listing = new_listing(partner, partner_shop, stock, price);
  }

  std::int64_t new_listing(const std::string& token, std::int64_t shop_id, std::int64_t stock, std::int64_t price,
                           const std::string& category = "fruit") {
    auto r = s.post("/v1/shops/" + std::to_string(shop_id) + "/listings",
                    R"({"title":"奉节脐橙 10斤","category":")" + category + R"(","unit":"box","price_fen":)" +
                        std::to_string(price) + R"(,"stock":)" + std::to_string(stock) + "}",
                    token);
    REQUIRE(r.status == 201);
    return r.json().at("id").as_int64();
  }

  // Picked up at the station of the fixture's village (its partner's).
  std::string order_body(std::int64_t shop_id, std::int64_t listing_id, std::int64_t qty,
                         const std::string& extra = "") const {
    return order_body_to(village, shop_id, listing_id, qty, extra);
  }
  // To the station of village `station`, or with no station to an address (800 fen of delivery).
  static std::string order_body_to(std::optional<std::int64_t> station, std::int64_t shop, std::int64_t listing,
                                   std::int64_t qty, const std::string& extra = "") {
    const std::string delivery = station ? R"({"method":"station_pickup","station_village_id":)" +
                                               std::to_string(*station) + "}"
                                         : R"({"method":"address","address":"北京市朝阳区1号"})";
    return R"({"shop_id":)" + std::to_string(shop) + R"(,"items":[{"listing_id":)" + std::to_string(listing) +
           R"(,"quantity":)" + std::to_string(qty) + R"(}],"delivery":)" + delivery + extra + "}";
  }

  std::int64_t stock_of(std::int64_t listing_id) {
    auto r = s.get("/v1/listings/" + std::to_string(listing_id));
    REQUIRE(r.status == 200);
    return r.json().at("stock").as_int64();
  }

  boost::json::object ledger() {
    auto r = s.get("/v1/admin/ledger/check", admin);
    REQUIRE(r.status == 200);
    return r.json().as_object();
  }

  test_server& s;
  std::int64_t village = 0, farmer_id = 0, partner_id = 0, shop = 0, listing = 0, villager = 0, partner_shop = 0,
               partner_listing = 0;
  std::string admin, farmer, partner;
};

// What a run of POST /v1/payouts (its 201 answer) paid the partner `partner_id`; -1 if nothing.
inline std::int64_t paid_to_partner(const boost::json::value& answer, std::int64_t partner_id) {
  for (const auto& p : answer.at("payouts").as_array())
    if (p.at("payee").at("type") == "partner" && p.at("payee").at("id").as_int64() == partner_id)
      return p.at("amount_fen").as_int64();
  return -1;
}

}  // namespace cunji::test
