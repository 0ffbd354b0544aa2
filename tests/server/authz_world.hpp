#pragma once
// A victim's world for the object-level authorization test: a farmer with an open shop (a
// published, a draft and an archived listing) and a closed one, a partner running a villager's
// shop, a buyer with orders in every state, an assisted-buying order, a payout; and the
// outsiders who attack it: an unrelated buyer, a farmer and a partner of another village, a
// farmer and a partner of the victim's own village who have no part in its objects, and an
// anonymous caller. Also the victim's private texts, which no outsider's answer may contain.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "catalog_helpers.hpp"
#include "support/images.hpp"
#include "test_client.hpp"

namespace cunji::test::authz {

// What a path id names.
struct object_ref {
  std::string label;     // for failure messages
  std::string id;        // the path segment
  bool hidden;           // The API: an object outsiders may not see (or none at all): 404, never 403
  std::string owner;     // a token that may read the object (to prove the id is real), or ""
  std::string sub = {};  // the second segment of a two-parameter path (a listing's photo id)
};

struct secret {
  std::string label;
  std::string text;
  bool village_partners_see = false;  // partners of the victim's village may list its villagers
};

struct caller {
  std::string label;
  std::string token;  // "" for anonymous
  std::int64_t id = 0;
  bool village_partner = false;
};

struct victim_world {
  std::vector<object_ref> counties, villages, shops, listings, orders, partners, payments, purchases, returns;
  std::vector<object_ref> photos;       // {listing id, photo id}
  std::vector<object_ref> photo_names;  // rendition names (GET /photos/{name})
  std::vector<secret> secrets;
  std::vector<caller> outsiders;
  std::string admin;
  std::int64_t shop = 0;
};

namespace detail {

inline std::int64_t id_in(const boost::json::object& o) { return o.at("id").as_int64(); }

inline std::int64_t place(test_server& s, const std::string& token, std::int64_t shop, std::int64_t listing,
                          const std::string& delivery, const std::string& extra = "") {
  auto r = s.post("/v1/orders",
                  R"({"shop_id":)" + std::to_string(shop) + R"(,"items":[{"listing_id":)" + std::to_string(listing) +
                      R"(,"quantity":1}],"delivery":)" + delivery + extra + "}",
                  token);
  INFO(r.body);
  REQUIRE(r.status == 201);
  return catalog::id_of(r);
}

inline void act(test_server& s, const std::string& token, std::int64_t order, const std::string& action,
                const std::string& body) {
  auto r = s.post("/v1/orders/" + std::to_string(order) + "/" + action, body, token);
  INFO(action << ": " << r.body);
  REQUIRE(r.status == 200);
}

// Uploads a small JPEG to the listing; the photo's JSON.
inline boost::json::object add_photo(test_server& s, const std::string& token, std::int64_t listing, int width) {
  auto r = s.send(http::verb::post, "/v1/listings/" + std::to_string(listing) + "/photos", images::jpeg(width, 48),
                  {{"Content-Type", "image/jpeg"}, {"Authorization", "Bearer " + token}});
  INFO(r.body);
  REQUIRE(r.status == 201);
  return r.json().as_object();
}

inline std::string phone_of(test_server& s, const std::string& token) {
  auto r = s.get("/v1/me", token);
  REQUIRE(r.status == 200);
  return std::string(r.json().at("phone").as_string());
}

}  // namespace detail

inline victim_world build_world(test_server& s) {
  using detail::act;
  using detail::place;
  catalog::world w(s);
  victim_world v;
  v.admin = w.admin;
  // Delivered to an address, so that no station's partner has a part in the victim's orders.
  const std::string pickup = R"({"method":"address","address":"VICTIM-ADDRESS 岚天乡2号"})";

  // The victims.
  const auto county = w.county(false, "受害县");
  const auto village = w.village(county, "受害村");
  auto [farmer_id, farmer] = s.direct_user(role::farmer, village);
  auto [partner_id, partner] = s.direct_user(role::partner, village);
  auto [buyer_id, buyer] = s.direct_user(role::buyer);
  auto r = s.post("/v1/villagers", R"({"name":"VICTIM-VILLAGER 张奶奶","phone":"+8613800000099"})", partner);
  REQUIRE(r.status == 201);
  const auto villager = catalog::id_of(r);

  const auto shop = w.shop(farmer, std::nullopt, "受害者果园");
  const auto closed_shop = w.shop(farmer, std::nullopt, "已关的店");
  const auto partner_shop = w.shop(partner, villager, "张奶奶的土鸡蛋");
  const auto published = detail::id_in(w.listing(farmer, shop));
  const auto draft = detail::id_in(w.listing(
      farmer, shop, {{"status", "draft"}, {"title", "VICTIM-DRAFT-TITLE 新品"}, {"description", "VICTIM-DRAFT-DESC"}}));
  const auto archived = detail::id_in(w.listing(farmer, shop));
  REQUIRE(w.set_listing(farmer, archived, {{"status", "archived"}}).status == 200);
  const auto in_closed = detail::id_in(w.listing(farmer, closed_shop));
  REQUIRE(w.set_shop(farmer, closed_shop, {{"status", "closed"}}).status == 200);
  const auto partner_published = detail::id_in(w.listing(partner, partner_shop));
  const auto partner_draft = detail::id_in(
      w.listing(partner, partner_shop, {{"status", "draft"}, {"title", "VICTIM-PARTNER-DRAFT 土鸡蛋"}}));

  const auto published_photo = detail::add_photo(s, farmer, published, 64);
  const auto draft_photo = detail::add_photo(s, farmer, draft, 65);
  const auto partner_photo = detail::add_photo(s, partner, partner_published, 66);

  const auto placed = place(s, buyer, shop, published, R"({"method":"address","address":"VICTIM-ADDRESS 岚天乡1号"})");
  const auto paid = place(s, buyer, shop, published, pickup);
  std::int64_t paid_payment = 0;
  {  // paid with Alipay: its trade number becomes the payment's reference
    auto reply = s.post("/v1/orders/" + std::to_string(paid) + "/pay", R"({"method":"alipay"})", buyer);
    REQUIRE(reply.status == 202);
    REQUIRE(s.notify(s.alipay_notification(reply.json().at("payment").as_object(), "VICTIM-PAYREF-0001")).status ==
            200);
    paid_payment = reply.json().at("payment").at("id").as_int64();
  }
  const auto shipped = place(s, buyer, shop, published, pickup);
  s.pay(shipped, buyer);
  act(s, farmer, shipped, "ship", R"({"tracking":"VICTIM-TRACK-SF001"})");
  const auto delivered = place(s, buyer, shop, published, pickup);
  s.pay(delivered, buyer);
  act(s, farmer, delivered, "ship", "{}");
  act(s, buyer, delivered, "deliver", "{}");
  const auto cancelled = place(s, buyer, shop, published, pickup);
  s.pay(cancelled, buyer);
  act(s, buyer, cancelled, "cancel", R"({"reason":"VICTIM-CANCEL-REASON"})");
  const auto assisted = place(s, partner, shop, published, pickup, R"(,"villager_id":)" + std::to_string(villager));
  act(s, partner, assisted, "pay", R"({"method":"cash_at_station"})");
  const auto to_partner_shop = place(s, buyer, partner_shop, partner_published, pickup);
  s.pay(to_partner_shop, buyer);
  REQUIRE(s.post("/v1/payouts", "", w.admin).status == 201);  // pays out the delivered order
  std::int64_t returned = 0;
  {  // the delivered order, asked back
    auto reply = s.post("/v1/orders/" + std::to_string(delivered) + "/returns", R"({"reason":"VICTIM-RETURN-REASON"})",
                        buyer);
    REQUIRE(reply.status == 201);
    returned = catalog::id_of(reply);
  }
  std::int64_t purchase = 0;
  {  // a purchase across the farmer's and the partner-run shop, left placed
    auto reply = s.post("/v1/purchases",
                        R"({"lines":[{"listing_id":)" + std::to_string(published) + R"(,"quantity":1},{"listing_id":)" +
                            std::to_string(partner_published) + R"(,"quantity":1}],"delivery":)" + pickup + "}",
                        buyer);
    INFO(reply.body);
    REQUIRE(reply.status == 201);
    purchase = catalog::id_of(r);
  }

  // The outsiders, each with objects of its own (a buyer with an order at the victim's shop).
  const auto other_village = w.village(w.county(true, "别的县"), "别的村");
  auto [x_buyer_id, x_buyer] = s.direct_user(role::buyer);
  place(s, x_buyer, shop, published, R"({"method":"address","address":"外人地址 1号"})");
  auto [x_farmer_id, x_farmer] = s.direct_user(role::farmer, other_village);
  w.listing(x_farmer, w.shop(x_farmer, std::nullopt, "别人的店"));
  auto [x_partner_id, x_partner] = s.direct_user(role::partner, other_village);
  w.shop(x_partner, w.villager(x_partner), "别村代运营店");
  auto [n_farmer_id, n_farmer] = s.direct_user(role::farmer, village);
  w.shop(n_farmer, std::nullopt, "邻居的店");
  auto [n_partner_id, n_partner] = s.direct_user(role::partner, village);
  v.outsiders = {{"an unrelated buyer", x_buyer, x_buyer_id},
                 {"a farmer of another village", x_farmer, x_farmer_id},
                 {"a partner of another village", x_partner, x_partner_id},
                 {"a farmer of the victim's village", n_farmer, n_farmer_id},
                 {"a partner of the victim's village", n_partner, n_partner_id, true},
                 {"an anonymous caller", ""}};

  // Ids. Every kind also gets ids that name nothing.
  const std::vector<object_ref> nothing{{"an id that does not exist", "987654321", true, ""},
                                        {"id 0", "0", true, ""},
                                        {"a non-numeric id", "abc", true, ""},
                                        {"an id past int64", "99999999999999999999", true, ""}};
  auto with_nothing = [&](std::vector<object_ref> refs) {
    refs.insert(refs.end(), nothing.begin(), nothing.end());
    return refs;
  };
  const auto id = [](std::int64_t n) { return std::to_string(n); };
  v.counties = with_nothing({{"the victim's county", id(county), false, ""}});
  v.villages = with_nothing({{"the victim's village", id(village), false, ""}});
  v.shops = with_nothing({{"the farmer's shop", id(shop), false, ""},
                          {"the farmer's closed shop", id(closed_shop), false, ""},
                          {"the partner-run shop", id(partner_shop), false, ""}});
  v.listings = with_nothing({{"a published listing", id(published), false, ""},
                             {"an archived listing", id(archived), false, ""},
                             {"a listing of a closed shop", id(in_closed), false, ""},
                             {"a published listing of the partner-run shop", id(partner_published), false, ""},
                             {"a draft", id(draft), true, farmer},
                             {"a draft of the partner-run shop", id(partner_draft), true, partner}});
  v.orders = with_nothing({{"a placed order", id(placed), true, buyer},
                           {"a paid order", id(paid), true, buyer},
                           {"a shipped order", id(shipped), true, farmer},
                           {"a delivered and paid-out order", id(delivered), true, buyer},
                           {"a cancelled order", id(cancelled), true, buyer},
                           {"an assisted-buying order", id(assisted), true, partner},
                           {"an order to the partner-run shop", id(to_partner_shop), true, partner}});
  const auto photo_id = [&](const boost::json::object& p) { return id(p.at("id").as_int64()); };
  v.photos = {{"a photo of a published listing", id(published), false, "", photo_id(published_photo)},
              {"a photo of a draft", id(draft), true, "", photo_id(draft_photo)},
              {"a photo of the partner-run shop's listing", id(partner_published), false, "", photo_id(partner_photo)},
              {"another listing's photo", id(published), false, "", photo_id(partner_photo)},
              {"a photo id that does not exist", id(published), false, "", "987654321"},
              {"a non-numeric photo id", id(published), true, "", "abc"}};
  for (auto ref : nothing) {
    ref.label = "a photo under " + ref.label;
    ref.sub = photo_id(published_photo);
    v.photos.push_back(ref);
  }
  const std::string large_url(published_photo.at("large_url").as_string());
  v.photo_names = {{"a published listing's large rendition", large_url.substr(8), false, ""},
                   {"a name that names nothing", std::string(64, '0') + ".jpg", true, ""},
                   {"a path up", "..", true, ""},
                   {"a name of the wrong shape", "abc", true, ""}};
  v.purchases = with_nothing({{"a buyer's purchase across two shops", id(purchase), true, buyer}});
  v.returns = with_nothing({{"a buyer's return of a delivered order", id(returned), true, buyer}});
  v.payments = with_nothing({{"a buyer's Alipay payment", id(paid_payment), true, buyer}});
  v.partners = with_nothing({{"the victim partner", id(partner_id), true, partner},
                             {"the victim farmer's account", id(farmer_id), true, ""},
                             {"the victim buyer's account", id(buyer_id), true, ""}});

  v.secrets = {{"the farmer's phone", detail::phone_of(s, farmer)},
               {"the partner's phone", detail::phone_of(s, partner)},
               {"the buyer's phone", detail::phone_of(s, buyer)},
               {"the farmer's token", farmer},
               {"the partner's token", partner},
               {"the buyer's token", buyer},
               {"the villager's name", "VICTIM-VILLAGER", true},
               {"the villager's phone", "+8613800000099", true},
               {"a draft's title", "VICTIM-DRAFT-TITLE"},
               {"a draft's description", "VICTIM-DRAFT-DESC"},
               {"the partner-run shop's draft", "VICTIM-PARTNER-DRAFT"},
               {"a delivery address", "VICTIM-ADDRESS"},
               {"a payment reference", "VICTIM-PAYREF"},
               {"a tracking number", "VICTIM-TRACK"},
               {"a cancel reason", "VICTIM-CANCEL"},
               {"a return's reason", "VICTIM-RETURN"}};
  v.shop = shop;
  return v;
}

}  // namespace cunji::test::authz
