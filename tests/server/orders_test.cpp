// Orders over HTTP: placement, validation, stock, lifecycle, fees, idempotency, permissions.
#include <algorithm>
#include <catch2/catch.hpp>

#include "order_fixture.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {
std::string id_path(std::int64_t id, const std::string& action = "") {
  return "/v1/orders/" + std::to_string(id) + (action.empty() ? "" : "/" + action);
}
std::vector<std::string> error_fields(const reply& r) { return r.error_fields(); }
}  // namespace

TEST_CASE("a buyer places an order: stock taken, money snapshotted", "[server][orders]") {
  test_server s;
  market m(s, false, 10, 1234);
  auto [buyer_id, buyer] = s.direct_user(role::buyer);
  auto r = s.post("/v1/orders",
                  R"({"shop_id":)" + std::to_string(m.shop) + R"(,"items":[{"listing_id":)" +
                      std::to_string(m.listing) +
                      R"(,"quantity":3}],"delivery":{"method":"address","address":"重庆市城口县岚天乡"}})",
                  buyer);
  REQUIRE(r.status == 201);
  const auto o = r.json().as_object();
  CHECK(o.at("status").as_string() == "placed");
  CHECK(o.at("placed_by").as_int64() == buyer_id);
  CHECK(o.at("buyer_account_id").as_int64() == buyer_id);
  CHECK(o.at("villager_id").is_null());
  CHECK(o.at("subtotal_fen").as_int64() == 3702);
  CHECK(o.at("delivery_fee_fen").as_int64() == 800);
  CHECK(o.at("total_fen").as_int64() == 4502);
  CHECK(o.at("platform_commission_fen").as_int64() == 185);  // 5 % of 3702 = 185.1
  CHECK(o.at("shop_proceeds_fen").as_int64() == 3517);
  CHECK(o.at("partner_fees").as_array().empty());
  CHECK(o.at("delivery").at("address").as_string() == "重庆市城口县岚天乡");
  CHECK(o.at("items").at(0).at("line_total_fen").as_int64() == 3702);
  CHECK(o.at("payment").is_null());
  CHECK(m.stock_of(m.listing) == 7);
  CHECK(s.get(id_path(o.at("id").as_int64()), buyer).status == 200);
  CHECK(s.get(id_path(o.at("id").as_int64()), m.farmer).status == 200);
  CHECK(s.get(id_path(o.at("id").as_int64()), m.admin).status == 200);
}

TEST_CASE("placement validation", "[server][orders]") {
  test_server s;
  market m(s);
  const auto buyer = s.direct_user(role::buyer, m.village).second;  // its station: the village's
  const auto shop = std::to_string(m.shop);
  const auto listing = std::to_string(m.listing);
  auto expect = [&](const std::string& body, std::vector<std::string> fields) {
    auto r = s.post("/v1/orders", body, buyer);
    INFO(body << " -> " << r.body);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    if (r.status == 422) CHECK(error_fields(r) == fields);
  };
  const std::string pickup = R"(,"delivery":{"method":"station_pickup"}})";
  expect(R"({"shop_id":99999,"items":[{"listing_id":)" + listing + R"(,"quantity":1}])" + pickup,
         {"shop_id", "items[0].listing_id"});
  expect(R"({"shop_id":)" + shop + R"(,"items":[{"listing_id":)" + std::to_string(m.partner_listing) +
             R"(,"quantity":1}])" + pickup,
         {"items[0].listing_id"});
  expect(R"({"shop_id":)" + shop + R"(,"items":[{"listing_id":)" + listing + R"(,"quantity":1},{"listing_id":)" +
             listing + R"(,"quantity":2}])" + pickup,
         {"items[1].listing_id"});
  expect(R"({"shop_id":)" + shop + R"(,"items":[])" + pickup, {"items"});
  std::string many = R"({"shop_id":)" + shop + R"(,"items":[)";
  for (int i = 0; i < 51; ++i)
    many += std::string(i ? "," : "") + R"({"listing_id":)" + std::to_string(1000 + i) + R"(,"quantity":1})";
  expect(many + "]" + pickup, {"items"});
  expect(R"({"shop_id":)" + shop + R"(,"items":[{"listing_id":)" + listing + R"(,"quantity":0}])" + pickup,
         {"items[0].quantity"});
  expect(R"({"shop_id":)" + shop + R"(,"items":[{"listing_id":)" + listing + R"(,"quantity":10001}])" + pickup,
         {"items[0].quantity"});
  expect(R"({"shop_id":)" + shop + R"(,"items":[{"listing_id":)" + listing +
             R"(,"quantity":1}],"delivery":{"method":"address"}})",
         {"delivery.address"});
  expect(R"({"shop_id":)" + shop + R"(,"items":[{"listing_id":)" + listing +
             R"(,"quantity":1}],"delivery":{"method":"drone"}})",
         {"delivery.method"});
  expect(m.order_body(m.shop, m.listing, 1, R"(,"villager_id":)" + std::to_string(m.villager)), {"villager_id"});
  expect(m.order_body(m.shop, m.listing, 1, R"(,"total_fen":1,"status":"paid")"), {"total_fen", "status"});
  // Nothing was taken by any of them.
  CHECK(m.stock_of(m.listing) == 100);
  // Admins do not buy; a farmer cannot buy from its own shop.
  CHECK(s.post("/v1/orders", m.order_body(m.shop, m.listing, 1), m.admin).status == 403);
  auto own = s.post("/v1/orders", m.order_body(m.shop, m.listing, 1), m.farmer);
  CHECK(own.status == 422);
  CHECK(error_fields(own) == std::vector<std::string>{"shop_id"});
  // A closed shop takes no orders; a draft listing is not for sale.
  REQUIRE(s.send(http::verb::patch, "/v1/shops/" + shop, R"({"status":"closed"})",
                 {{"Authorization", "Bearer " + m.farmer}, {"Content-Type", "application/json"}})
              .status == 200);
  auto closed = s.post("/v1/orders", m.order_body(m.shop, m.listing, 1), buyer);
  CHECK(closed.status == 422);
  CHECK(error_fields(closed) == std::vector<std::string>{"shop_id"});
}

TEST_CASE("insufficient stock is all or nothing and names the listings", "[server][orders]") {
  test_server s;
  market m(s, false, 5);
  const auto second = m.new_listing(m.farmer, m.shop, 2, 500);
  auto [bid, buyer] = s.direct_user(role::buyer, m.village);
  auto r = s.post("/v1/orders",
                  R"({"shop_id":)" + std::to_string(m.shop) + R"(,"items":[{"listing_id":)" +
                      std::to_string(m.listing) + R"(,"quantity":4},{"listing_id":)" + std::to_string(second) +
                      R"(,"quantity":3}],"delivery":{"method":"station_pickup"}})",
                  buyer);
  REQUIRE(r.status == 409);
  CHECK(r.type() == "insufficient_stock");
  const auto doc = r.json();
  CHECK(doc.at("listing_ids").as_array().size() == 1);
  CHECK(doc.at("listing_ids").at(0).as_int64() == second);
  CHECK(m.stock_of(m.listing) == 5);
  CHECK(m.stock_of(second) == 2);
  CHECK(s.get("/v1/orders", buyer).json().at("items").as_array().empty());
}

TEST_CASE("the lifecycle, each move by the right party, money through the ledger", "[server][orders][money]") {
  test_server s;
  market m(s, false, 10, 10000);
  auto [bid, buyer] = s.direct_user(role::buyer);
  auto r = s.post("/v1/orders", m.order_body(m.shop, m.listing, 2), buyer);
  REQUIRE(r.status == 201);
  const auto id = r.json().at("id").as_int64();
  const std::string pay = R"({"method":"alipay"})";

  CHECK(s.post(id_path(id, "ship"), "{}", m.farmer).type() == "invalid_transition");
  CHECK(s.post(id_path(id, "pay"), pay, m.farmer).status == 403);
  CHECK(s.post(id_path(id, "deliver"), "", buyer).type() == "invalid_transition");
  const auto payment = s.pay(id, buyer);
  r = s.get(id_path(id), buyer);
  CHECK(r.json().at("status").as_string() == "paid");
  CHECK(r.json().at("payment").at("id").as_int64() == payment.at("id").as_int64());
  CHECK(r.json().at("payment").at("method").as_string() == "alipay");
  CHECK(s.post(id_path(id, "pay"), pay, buyer).type() == "invalid_transition");

  auto bal = s.get("/v1/balances/me", m.farmer).json();
  CHECK(bal.at("pending_fen").as_int64() == 19000);  // 20000 - 5 %
  CHECK(bal.at("available_fen").as_int64() == 0);

  CHECK(s.post(id_path(id, "ship"), "{}", buyer).status == 403);
  r = s.post(id_path(id, "ship"), R"({"tracking":"SF123"})", m.farmer);
  REQUIRE(r.status == 200);
  CHECK(r.json().at("tracking").as_string() == "SF123");
  CHECK(s.post(id_path(id, "cancel"), "{}", buyer).type() == "invalid_transition");
  // Station pickup: only the station's partner delivers it, against the placer's code.
  CHECK(s.post(id_path(id, "deliver"), "", m.farmer).status == 403);
  CHECK(s.post(id_path(id, "deliver"), "", buyer).type() == "invalid_transition");
  const auto code = std::string(s.get(id_path(id), buyer).json().at("pickup_code").as_string());
  CHECK(s.get(id_path(id), m.admin).json().at("pickup_code").as_string() == code);
  for (const auto* other : {&m.farmer, &m.partner})  // the shop side, the station
    CHECK_FALSE(s.get(id_path(id), *other).json().as_object().contains("pickup_code"));
  const std::string right = R"({"pickup_code":")" + code + R"("})";
  const std::string wrong = R"({"pickup_code":")" + std::string(code == "000000" ? "000001" : "000000") + R"("})";
  CHECK(s.post(id_path(id, "hand-over"), right, m.partner).type() == "invalid_transition");  // not there yet
  CHECK(s.post(id_path(id, "arrive"), "", m.farmer).status == 403);
  CHECK(s.post(id_path(id, "arrive"), "", buyer).status == 403);
  r = s.post(id_path(id, "arrive"), "", m.partner);
  REQUIRE(r.status == 200);
  CHECK(r.json().at("status").as_string() == "at_station");
  CHECK(s.post(id_path(id, "arrive"), "", m.partner).type() == "invalid_transition");
  CHECK(s.post(id_path(id, "hand-over"), right, buyer).status == 403);
  r = s.post(id_path(id, "hand-over"), wrong, m.partner);
  CHECK(r.status == 422);
  CHECK(error_fields(r) == std::vector<std::string>{"pickup_code"});
  CHECK(s.post(id_path(id, "hand-over"), R"({"pickup_code":"12345"})", m.partner).status == 422);
  CHECK(s.get(id_path(id), buyer).json().at("status").as_string() == "at_station");
  r = s.post(id_path(id, "hand-over"), right, m.partner);
  REQUIRE(r.status == 200);
  CHECK(r.json().at("status").as_string() == "delivered");

  bal = s.get("/v1/balances/me", m.farmer).json();
  CHECK(bal.at("pending_fen").as_int64() == 0);
  CHECK(bal.at("available_fen").as_int64() == 19000);

  r = s.post("/v1/payouts", "", m.admin);
  REQUIRE(r.status == 201);
  const auto payouts = r.json().at("payouts").as_array();
  REQUIRE(payouts.size() == 1);
  CHECK(payouts.at(0).at("payee").at("type").as_string() == "shop");
  CHECK(payouts.at(0).at("payee").at("id").as_int64() == m.shop);
  CHECK(payouts.at(0).at("amount_fen").as_int64() == 19000);
  CHECK(s.post("/v1/payouts", "", m.admin).json().at("payouts").as_array().empty());
  bal = s.get("/v1/balances/me", m.farmer).json();
  CHECK(bal.at("available_fen").as_int64() == 0);
  CHECK(bal.at("paid_out_fen").as_int64() == 19000);

  auto st = s.get("/v1/statements/me", m.farmer).json().at("items").as_array();
  std::int64_t net = 0;
  for (const auto& e : st) net += e.at("amount_fen").as_int64();
  CHECK(st.size() == 4);  // payment (pending), delivery (pending out, available in), payout
  CHECK(net == 0);        // everything owed was paid out
  const auto ledger = m.ledger();
  CHECK(ledger.at("balanced").as_bool());
  CHECK(ledger.at("sum_fen").as_int64() == 0);
  CHECK(ledger.at("orders_checked").as_int64() == 1);
}

TEST_CASE("cancelling restores stock and reverses a payment", "[server][orders][money]") {
  test_server s;
  market m(s, false, 10);
  auto [bid, buyer] = s.direct_user(role::buyer);
  auto a = s.post("/v1/orders", m.order_body(m.shop, m.listing, 4), buyer).json().at("id").as_int64();
  auto b = s.post("/v1/orders", m.order_body(m.shop, m.listing, 3), buyer).json().at("id").as_int64();
  CHECK(m.stock_of(m.listing) == 3);
  s.pay(b, buyer);
  // The buyer cancels the unpaid one; the shop cancels the paid one.
  auto r = s.post(id_path(a, "cancel"), R"({"reason":"买错了"})", buyer);
  REQUIRE(r.status == 200);
  CHECK(r.json().at("cancel_reason").as_string() == "买错了");
  REQUIRE(s.post(id_path(b, "cancel"), "", m.farmer).status == 200);
  CHECK(m.stock_of(m.listing) == 10);
  CHECK(s.post(id_path(b, "cancel"), "", buyer).type() == "invalid_transition");
  auto bal = s.get("/v1/balances/me", m.farmer).json();
  CHECK(bal.at("pending_fen").as_int64() == 0);
  CHECK(bal.at("available_fen").as_int64() == 0);
  const auto ledger = m.ledger();
  CHECK(ledger.at("balanced").as_bool());
  // payment: cash, shop pending, commission; refund: the same three, the money now owed back
  CHECK(ledger.at("postings").as_int64() == 6);
}

TEST_CASE("assisted buying and selling pay both partner fees, schedule changes apply forward only",
          "[server][orders][money]") {
  test_server s;
  market m(s, false, 100, 10000);
  // A partner of another village buys, for a villager of its own, at the shop m.partner runs for
  // a villager of m's village (delivered to an address: no station in between).
  const auto other_village = s.make_village();
  auto [p2id, p2] = s.direct_user(role::partner, other_village);
  const auto v2 = s.post("/v1/villagers", R"({"name":"王爷爷"})", p2).json().at("id").as_int64();
  const auto for_v2 = R"(,"villager_id":)" + std::to_string(v2);
  auto r = s.post("/v1/orders", market::order_body_to(std::nullopt, m.partner_shop, m.partner_listing, 1, for_v2), p2);
  REQUIRE(r.status == 201);
  auto o = r.json().as_object();
  CHECK(o.at("buyer_account_id").is_null());
  CHECK(o.at("villager_id").as_int64() == v2);
  const auto fees = o.at("partner_fees").as_array();
  REQUIRE(fees.size() == 2);
  CHECK(fees.at(0).at("kind").as_string() == "assisted_buying");
  CHECK(fees.at(0).at("partner_id").as_int64() == p2id);
  CHECK(fees.at(0).at("amount_fen").as_int64() == 300);
  CHECK(fees.at(1).at("kind").as_string() == "assisted_selling");
  CHECK(fees.at(1).at("partner_id").as_int64() == m.partner_id);
  CHECK(fees.at(1).at("amount_fen").as_int64() == 200);
  const auto first = o.at("id").as_int64();

  // A villager of another village is refused; a partner's own villager buying at the shop that
  // partner runs is trading with oneself.
  r = s.post("/v1/orders", m.order_body(m.partner_shop, m.partner_listing, 1, for_v2), m.partner);
  CHECK(r.status == 422);
  r = s.post("/v1/orders",
             m.order_body(m.partner_shop, m.partner_listing, 1, R"(,"villager_id":)" + std::to_string(m.villager)),
             m.partner);
  CHECK(r.error_fields() == std::vector<std::string>{"shop_id"});

  const std::string schedule =
      R"({"platform_commission_bps":1000,"category_commission_bps":{"fruit":700},"poverty_county_commission_bps":0,)"
      R"("assisted_buying_fee_bps":400,"assisted_selling_fee_bps":100,"address_delivery_fee_fen":500,)"
      R"("taobao_village_min_shops":100,"taobao_village_min_gmv_fen":1000000000,"unpaid_timeout_minutes":30,"auto_deliver_days":10,"station_hold_days":14})";
  CHECK(s.send(http::verb::put, "/v1/fee-schedule", schedule,
               {{"Authorization", "Bearer " + m.partner}, {"Content-Type", "application/json"}})
            .status == 403);
  r = s.send(http::verb::put, "/v1/fee-schedule", schedule,
             {{"Authorization", "Bearer " + m.admin}, {"Content-Type", "application/json"}});
  REQUIRE(r.status == 200);
  CHECK(s.get("/v1/fee-schedule").json().at("category_commission_bps").at("fruit").as_int64() == 700);
  // Every field is required.
  r = s.send(http::verb::put, "/v1/fee-schedule", R"({"platform_commission_bps":1})",
             {{"Authorization", "Bearer " + m.admin}, {"Content-Type", "application/json"}});
  CHECK(r.status == 422);

  auto newer = s.post("/v1/orders", market::order_body_to(std::nullopt, m.partner_shop, m.partner_listing, 1, for_v2),
                      p2)
                   .json();
  CHECK(newer.at("platform_commission_fen").as_int64() == 700);  // fruit's category rate
  CHECK(newer.at("partner_fees").at(0).at("amount_fen").as_int64() == 400);
  auto old = s.get(id_path(first), p2).json();
  CHECK(old.at("platform_commission_fen").as_int64() == 500);
  CHECK(old.at("partner_fees").at(0).at("amount_fen").as_int64() == 300);

  // The partners' fees become their balances once delivered.
  REQUIRE(s.post(id_path(first, "pay"), R"({"method":"cash_at_station"})", p2).status == 200);
  REQUIRE(s.post(id_path(first, "ship"), "{}", m.partner).status == 200);
  REQUIRE(s.post(id_path(first, "deliver"), "", p2).status == 200);
  CHECK(s.get("/v1/balances/me", p2).json().at("available_fen").as_int64() == 300);
  CHECK(s.get("/v1/balances/me", m.partner).json().at("available_fen").as_int64() == 200);
  CHECK(m.ledger().at("balanced").as_bool());
}

TEST_CASE("poverty counties pay no commission by default", "[server][orders][money]") {
  test_server s;
  market m(s, true, 10, 9999);
  auto [bid, buyer] = s.direct_user(role::buyer);
  auto o = s.post("/v1/orders", m.order_body(m.shop, m.listing, 1), buyer).json();
  CHECK(o.at("poverty_relief").as_bool());
  CHECK(o.at("platform_commission_fen").as_int64() == 0);
  CHECK(o.at("shop_proceeds_fen").as_int64() == 9999);
}

TEST_CASE("idempotency keys replay, refuse another body, and are scoped per caller and endpoint",
          "[server][orders][idempotency]") {
  test_server s;
  market m(s, false, 100);
  auto [b1id, b1] = s.direct_user(role::buyer);
  auto [b2id, b2] = s.direct_user(role::buyer);
  auto post_key = [&](const std::string& path, const std::string& body, const std::string& token,
                      const std::string& key) {
    return s.send(
        http::verb::post, path, body,
        {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}, {"Idempotency-Key", key}});
  };
  const auto body = m.order_body(m.shop, m.listing, 2);
  auto first = post_key("/v1/orders", body, b1, "order-1");
  REQUIRE(first.status == 201);
  CHECK(first.header("idempotent-replayed").empty());
  auto again = post_key("/v1/orders", body, b1, "order-1");
  CHECK(again.status == 201);
  CHECK(again.header("idempotent-replayed") == "true");
  CHECK(again.body == first.body);
  auto other = post_key("/v1/orders", m.order_body(m.shop, m.listing, 3), b1, "order-1");
  CHECK(other.status == 409);
  CHECK(other.type() == "idempotency_key_reused");
  // Another caller with the same key makes its own order.
  auto theirs = post_key("/v1/orders", body, b2, "order-1");
  CHECK(theirs.status == 201);
  CHECK(theirs.header("idempotent-replayed").empty());
  CHECK(m.stock_of(m.listing) == 96);
  // 4xx answers are kept too.
  auto bad = post_key("/v1/orders", R"({"shop_id":1})", b1, "bad-1");
  CHECK(bad.status == 422);
  auto bad_again = post_key("/v1/orders", R"({"shop_id":1})", b1, "bad-1");
  CHECK(bad_again.status == 422);
  CHECK(bad_again.header("idempotent-replayed") == "true");
  // Pay is idempotent; the key is per endpoint, so "order-1" is free there. A repeat gets the
  // same pending payment, not a second one.
  const auto id = first.json().at("id").as_int64();
  auto paid = post_key(id_path(id, "pay"), R"({"method":"alipay"})", b1, "order-1");
  REQUIRE(paid.status == 202);
  auto paid_again = post_key(id_path(id, "pay"), R"({"method":"alipay"})", b1, "order-1");
  CHECK(paid_again.status == 202);
  CHECK(paid_again.header("idempotent-replayed") == "true");
  CHECK(paid_again.body == paid.body);
  CHECK(post_key("/v1/orders", body, b1, std::string(256, 'k')).status == 422);
  CHECK(m.ledger().at("balanced").as_bool());
}

TEST_CASE("order lists: as buyer and as seller, by status, walked by cursor", "[server][orders]") {
  test_server s;
  market m(s, false, 100);
  auto [bid, buyer] = s.direct_user(role::buyer);
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(s.post("/v1/orders", m.order_body(m.shop, m.listing, 1), buyer).json().at("id").as_int64());
  for (int i : {1, 3}) s.pay(ids[i], buyer);

  std::vector<std::int64_t> seen;
  std::string target = "/v1/orders?limit=2";
  for (int page = 0; page < 10; ++page) {
    auto r = s.get(target, buyer);
    REQUIRE(r.status == 200);
    const auto doc = r.json();
    for (const auto& o : doc.at("items").as_array()) seen.push_back(o.at("id").as_int64());
    if (doc.at("next_cursor").is_null()) break;
    target = "/v1/orders?limit=2&cursor=" + std::string(doc.at("next_cursor").as_string());
  }
  CHECK(seen == std::vector<std::int64_t>{ids[4], ids[3], ids[2], ids[1], ids[0]});  // newest first, once each

  auto paid = s.get("/v1/orders?status=paid", buyer).json().at("items").as_array();
  REQUIRE(paid.size() == 2);
  CHECK(paid.at(0).at("id").as_int64() == ids[3]);
  CHECK(s.get("/v1/orders?as=seller", m.farmer).json().at("items").as_array().size() == 5);
  CHECK(s.get("/v1/orders?as=seller", buyer).json().at("items").as_array().empty());
  CHECK(s.get("/v1/orders", m.farmer).json().at("items").as_array().empty());  // the farmer bought nothing
  CHECK(s.get("/v1/orders?as=nobody", buyer).type() == "validation_failed");
  CHECK(s.get("/v1/orders?status=lost", buyer).type() == "validation_failed");
  CHECK(s.get("/v1/orders?cursor=garbage", buyer).type() == "validation_failed");
}

TEST_CASE("statements list a payee's entries within from..to", "[server][orders][money]") {
  test_server s;
  market m(s, false, 100, 2000);
  auto [bid, buyer] = s.direct_user(role::buyer);
  const auto id =
      s.post("/v1/orders", market::order_body_to(std::nullopt, m.shop, m.listing, 1), buyer).json().at("id").as_int64();
  s.pay(id, buyer);  // 2026-11-23
  s.advance_clock(2 * 86400);
  REQUIRE(s.post(id_path(id, "ship"), "{}", m.farmer).status == 200);
  REQUIRE(s.post(id_path(id, "deliver"), "", buyer).status == 200);  // 2026-11-25

  auto all = s.get("/v1/statements/me", m.farmer).json().at("items").as_array();
  REQUIRE(all.size() == 3);
  CHECK(all.at(2).at("kind").as_string() == "payment_pending");
  CHECK(all.at(2).at("amount_fen").as_int64() == 1900);
  CHECK(all.at(2).at("order_id").as_int64() == id);
  auto later = s.get("/v1/statements/me?from=2026-11-24", m.farmer).json().at("items").as_array();
  REQUIRE(later.size() == 2);
  std::vector<std::string> kinds{std::string(later.at(0).at("kind").as_string()),
                                 std::string(later.at(1).at("kind").as_string())};
  std::sort(kinds.begin(), kinds.end());
  CHECK(kinds == std::vector<std::string>{"delivery_available", "delivery_pending"});
  CHECK(s.get("/v1/statements/me?to=2026-11-24", m.farmer).json().at("items").as_array().size() == 1);
  CHECK(s.get("/v1/statements/me?from=2026-13-01", m.farmer).type() == "validation_failed");
  // The partner's statement is its own (empty here).
  CHECK(s.get("/v1/statements/me", m.partner).json().at("items").as_array().empty());
}

TEST_CASE("cancelling when the owner has since set stock to the maximum still works", "[server][orders]") {
  test_server s;
  market m(s, false, 100);
  auto [bid, buyer] = s.direct_user(role::buyer);
  const auto id = s.post("/v1/orders", m.order_body(m.shop, m.listing, 5), buyer).json().at("id").as_int64();
  s.pay(id, buyer);
  REQUIRE(s.send(http::verb::patch, "/v1/listings/" + std::to_string(m.listing), R"({"stock":10000000})",
                 {{"Authorization", "Bearer " + m.farmer}, {"Content-Type", "application/json"}})
              .status == 200);
  // Restoring the 5 units would pass the stock limit: they are capped, and the refund happens.
  auto r = s.post(id_path(id, "cancel"), "{}", buyer);
  REQUIRE(r.status == 200);
  CHECK(m.stock_of(m.listing) == 10'000'000);
  CHECK(s.get("/v1/balances/me", m.farmer).json().at("pending_fen").as_int64() == 0);
  CHECK(m.ledger().at("balanced").as_bool());
}
