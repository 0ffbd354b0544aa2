// Purchases: one checkout across shops (POST /v1/purchases), read whole, paid in one step. All
// or nothing under bad input, short stock, a flash sale and retry storms; paid with Alipay (one
// payment for the total) or in cash by a partner (every order paid, the ledger balanced).
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <latch>
#include <map>
#include <mutex>
#include <thread>

#include "db_snapshot.hpp"
#include "order_fixture.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {

// The fixture's market with a third shop: another farmer of the village, one listing.
struct three_shops {
  explicit three_shops(test_server& s, std::int64_t stock = 100) : m(s, false, stock, 1000) {
    std::tie(farmer3_id, farmer3) = s.direct_user(role::farmer, m.village);
    auto r = s.post("/v1/shops", R"({"name":"王家茶园"})", farmer3);
    REQUIRE(r.status == 201);
    shop3 = r.json().at("id").as_int64();
    listing3 = m.new_listing(farmer3, shop3, stock, 2500, "tea");
  }
  market m;
  std::int64_t farmer3_id = 0, shop3 = 0, listing3 = 0;
  std::string farmer3;
};

using lines_t = std::vector<std::pair<std::int64_t, std::int64_t>>;  // (listing, quantity)

// Picked up at the station of `station`, or with none to an address.
std::string purchase_body(const lines_t& lines, std::optional<std::int64_t> station, const std::string& extra = "") {
  std::string out = R"({"lines":[)";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i) out += ",";
    out += R"({"listing_id":)" + std::to_string(lines[i].first) + R"(,"quantity":)" + std::to_string(lines[i].second) +
           "}";
  }
  out += R"(],"delivery":)";
  out += station ? R"({"method":"station_pickup","station_village_id":)" + std::to_string(*station) + "}"
                 : std::string(R"({"method":"address","address":"北京市朝阳区1号"})");
  return out + extra + "}";
}

std::string path(std::int64_t id, const std::string& tail = "") { return "/v1/purchases/" + std::to_string(id) + tail; }

std::size_t rows(const db_snapshot& snap, const std::string& table) {
  const auto it = snap.find(table);
  return it == snap.end() ? 0 : it->second.size();
}

}  // namespace

TEST_CASE("a purchase over three shops is one order per shop, each priced as if placed alone", "[server][purchases]") {
  test_server s;
  three_shops w(s);
  auto& m = w.m;
  const auto buyer = s.direct_user(role::buyer, m.village).second;
  const auto second_listing = m.new_listing(m.farmer, m.shop, 100, 700);
  auto r = s.post(
      "/v1/purchases",
      purchase_body({{m.listing, 2}, {m.partner_listing, 1}, {w.listing3, 3}, {second_listing, 1}}, std::nullopt),
      buyer);
  INFO(r.body);
  REQUIRE(r.status == 201);
  const auto body = r.json().as_object();
  const auto id = body.at("id").as_int64();
  CHECK(body.at("villager_id").is_null());
  CHECK(body.at("buyer_account_id") == body.at("placed_by"));
  const auto& orders = body.at("orders").as_array();
  REQUIRE(orders.size() == 3);
  CHECK(orders[0].at("shop_id").as_int64() == m.shop);  // shops in the order of their first line
  CHECK(orders[0].at("items").as_array().size() == 2);
  CHECK(orders[1].at("shop_id").as_int64() == m.partner_shop);
  CHECK(orders[2].at("shop_id").as_int64() == w.shop3);
  std::int64_t subtotal = 0, delivery = 0, total = 0;
  for (const auto& o : orders) {
    CHECK(o.at("purchase_id").as_int64() == id);
    CHECK(o.at("status").as_string() == "placed");
    CHECK(o.at("delivery_fee_fen").as_int64() == 800);  // per order, as if placed alone
    subtotal += o.at("subtotal_fen").as_int64();
    delivery += o.at("delivery_fee_fen").as_int64();
    total += o.at("total_fen").as_int64();
  }
  CHECK(body.at("subtotal_fen").as_int64() == subtotal);
  CHECK(body.at("delivery_fee_fen").as_int64() == delivery);
  CHECK(body.at("total_fen").as_int64() == total);
  CHECK(subtotal == 2 * 1000 + 700 + 1000 + 3 * 2500);

  // The same lines ordered alone from the third shop cost the same.
  const auto alone = s.post("/v1/orders", market::order_body_to(std::nullopt, w.shop3, w.listing3, 3), buyer);
  REQUIRE(alone.status == 201);
  for (const char* field :
       {"subtotal_fen", "delivery_fee_fen", "total_fen", "platform_commission_fen", "shop_proceeds_fen"})
    CHECK(alone.json().at(field) == orders[2].at(field));
  CHECK(alone.json().at("purchase_id").is_null());

  // Each order is an order of its own, showing its purchase.
  const auto one = s.get("/v1/orders/" + std::to_string(orders[1].at("id").as_int64()), buyer);
  REQUIRE(one.status == 200);
  CHECK(one.json().at("purchase_id").as_int64() == id);
  const auto again = s.get(path(id), buyer);
  REQUIRE(again.status == 200);
  CHECK(again.json() == r.json());
  CHECK(m.stock_of(m.listing) == 98);
  CHECK(m.stock_of(w.listing3) == 94);  // 3 in the purchase, 3 alone
}

TEST_CASE("a purchase whose last line lacks stock is 409 naming it, and nothing changes", "[server][purchases]") {
  test_server s;
  three_shops w(s, 5);
  auto& m = w.m;
  const auto buyer = s.direct_user(role::buyer, m.village).second;
  const auto before = s.snapshot();
  auto r = s.post("/v1/purchases", purchase_body({{m.listing, 1}, {m.partner_listing, 2}, {w.listing3, 6}}, m.village),
                  buyer);
  INFO(r.body);
  CHECK(r.status == 409);
  CHECK(r.type() == "insufficient_stock");
  const auto refused = r.json();
  const auto& short_ids = refused.at("listing_ids").as_array();
  REQUIRE(short_ids.size() == 1);
  CHECK(short_ids[0].as_int64() == w.listing3);
  CHECK(r.error_fields() == std::vector<std::string>{"lines[2].quantity"});
  for (const auto& d : differences(before, s.snapshot())) FAIL_CHECK(d);

  // Every listing short is named, over all shops.
  r = s.post("/v1/purchases", purchase_body({{m.listing, 6}, {m.partner_listing, 2}, {w.listing3, 9}}, m.village),
             buyer);
  CHECK(r.status == 409);
  CHECK(r.json().at("listing_ids").as_array().size() == 2);
  CHECK(r.error_fields() == std::vector<std::string>{"lines[0].quantity", "lines[2].quantity"});
  for (const auto& d : differences(before, s.snapshot())) FAIL_CHECK(d);
  CHECK(s.get("/v1/orders", buyer).json().at("items").as_array().empty());
}

TEST_CASE("bad purchase input is 422 naming the field, and changes nothing", "[server][purchases]") {
  test_server s;
  three_shops w(s);
  auto& m = w.m;
  const auto buyer = s.direct_user(role::buyer, m.village).second;
  lines_t fifty_one;
  for (int i = 0; i < 51; ++i) fifty_one.emplace_back(m.listing, 1);
  const auto no_station = s.make_village();
  const auto before = s.snapshot();
  const std::vector<std::pair<std::string, std::string>> cases{
      {purchase_body(fifty_one, m.village), "lines"},
      {purchase_body({}, m.village), "lines"},
      {purchase_body({{m.listing, 1}, {w.listing3, 1}, {m.listing, 2}}, m.village), "lines[2].listing_id"},
      {purchase_body({{m.listing, 1}, {w.listing3, 0}}, m.village), "lines[1].quantity"},
      {purchase_body({{m.listing, 10001}}, m.village), "lines[0].quantity"},
      {purchase_body({{m.listing, 1}, {987654321, 1}}, m.village), "lines[1].listing_id"},
      {purchase_body({{m.listing, 1}}, m.village, R"(,"villager_id":)" + std::to_string(m.villager)), "villager_id"},
      {purchase_body({{m.listing, 1}}, no_station), "delivery.station_village_id"},
      {R"({"lines":[{"listing_id":1,"quantity":1}],"delivery":{"method":"drone"}})", "delivery.method"},
  };
  for (const auto& [body, field] : cases) {
    INFO(body);
    const auto r = s.post("/v1/purchases", body, buyer);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    const auto fields = r.error_fields();
    CHECK(std::find(fields.begin(), fields.end(), field) != fields.end());
  }
  // A partner's villager is named even when no line names a listing (no shop to check it with).
  const auto r0 = s.post("/v1/purchases", purchase_body({{987654321, 1}}, m.village, R"(,"villager_id":987654322)"),
                         m.partner);
  CHECK(r0.status == 422);
  for (const char* field : {"lines[0].listing_id", "villager_id"}) {
    const auto fields = r0.error_fields();
    CHECK(std::find(fields.begin(), fields.end(), field) != fields.end());
  }
  for (const auto& d : differences(before, s.snapshot())) FAIL_CHECK(d);
  // A listing of the buyer's own shop, and a draft: named by their line.
  const auto draft = s.post(
      "/v1/shops/" + std::to_string(w.shop3) + "/listings",
      R"({"title":"新茶","category":"tea","unit":"kg","price_fen":100,"stock":5,"status":"draft"})", w.farmer3);
  REQUIRE(draft.status == 201);
  auto r = s.post("/v1/purchases",
                  purchase_body({{m.listing, 1}, {w.listing3, 1}, {draft.json().at("id").as_int64(), 1}}, m.village),
                  w.farmer3);
  CHECK(r.status == 422);
  const auto fields = r.error_fields();
  for (const char* field : {"lines[1].listing_id", "lines[2].listing_id"})
    CHECK(std::find(fields.begin(), fields.end(), field) != fields.end());
  CHECK(std::find(fields.begin(), fields.end(), "lines[0].listing_id") == fields.end());
  // Admins do not buy.
  CHECK(s.post("/v1/purchases", purchase_body({{m.listing, 1}}, m.village), m.admin).status == 403);
  // (The draft changed the listings: compare the tables a purchase would change.)
  const auto after = s.snapshot();
  for (const char* table : {"orders", "order_items", "purchases", "payments", "ledger_entries"})
    CHECK(rows(after, table) == rows(before, table));
  CHECK(m.stock_of(m.listing) == 100);
  CHECK(m.stock_of(w.listing3) == 100);
}

TEST_CASE("a purchase is seen only by whoever may see every one of its orders", "[server][purchases]") {
  test_server s;
  three_shops w(s);
  auto& m = w.m;
  const auto buyer = s.direct_user(role::buyer, m.village).second;
  const auto stranger = s.direct_user(role::buyer).second;
  auto r = s.post("/v1/purchases", purchase_body({{m.listing, 1}, {w.listing3, 1}}, std::nullopt), buyer);
  REQUIRE(r.status == 201);
  const auto id = r.json().at("id").as_int64();
  CHECK(s.get(path(id), buyer).status == 200);
  CHECK(s.get(path(id), m.admin).status == 200);
  for (const auto& token : {m.farmer, w.farmer3, stranger, m.partner}) {
    const auto seen = s.get(path(id), token);
    CHECK(seen.status == 404);
    CHECK(seen.type() == "not_found");
  }
  CHECK(s.get(path(987654321), buyer).status == 404);
  // The shop side sees its own order, not the purchase.
  CHECK(s.get("/v1/orders/" + std::to_string(r.json().at("orders").at(0).at("id").as_int64()), m.farmer).status == 200);
  const auto before = s.snapshot();
  CHECK(s.post(path(id, "/pay"), R"({"method":"cash_at_station"})", m.farmer).status == 404);
  CHECK(s.post(path(id, "/pay"), R"({"method":"alipay"})", stranger).status == 404);
  // A buyer may not pay cash: as for one order, 422 on method.
  const auto cash = s.post(path(id, "/pay"), R"({"method":"cash_at_station"})", buyer);
  CHECK(cash.status == 422);
  CHECK(cash.error_fields() == std::vector<std::string>{"method"});
  for (const auto& d : differences(before, s.snapshot())) FAIL_CHECK(d);
}

TEST_CASE("paying a purchase with Alipay: one payment for the total, every order paid by its notice",
          "[server][purchases][alipay]") {
  test_server s;
  three_shops w(s);
  auto& m = w.m;
  const auto buyer = s.direct_user(role::buyer, m.village).second;
  auto r = s.post("/v1/purchases", purchase_body({{m.listing, 1}, {m.partner_listing, 2}, {w.listing3, 1}}, m.village),
                  buyer);
  REQUIRE(r.status == 201);
  const auto id = r.json().at("id").as_int64();
  const auto total = r.json().at("total_fen").as_int64();
  // One order paid alone first: the purchase pays the others.
  const auto first_order = r.json().at("orders").at(0).at("id").as_int64();
  const auto first_total = r.json().at("orders").at(0).at("total_fen").as_int64();
  s.pay(first_order, buyer);

  const auto paying = s.post(path(id, "/pay"), R"({"method":"alipay"})", buyer);
  INFO(paying.body);
  REQUIRE(paying.status == 202);
  const auto payment = paying.json().at("payment").as_object();
  CHECK(payment.at("status").as_string() == "pending");
  CHECK(payment.at("amount_fen").as_int64() == total - first_total);
  CHECK(!payment.at("order_string").as_string().empty());
  const auto payment_id = payment.at("id").as_int64();
  CHECK(s.get("/v1/payments/" + std::to_string(payment_id), buyer).status == 200);

  const auto answer = s.notify(s.alipay_notification(payment, "2026PURCHASE0001"));
  REQUIRE(answer.status == 200);
  CHECK(answer.body == "success");
  const auto after = s.get(path(id), buyer);
  REQUIRE(after.status == 200);
  const auto body = after.json();
  for (const auto& o : body.at("orders").as_array()) {
    CHECK(o.at("status").as_string() == "paid");
    if (o.at("id").as_int64() != first_order) CHECK(o.at("payment").at("id").as_int64() == payment_id);
  }
  CHECK(m.ledger().at("balanced").as_bool());
  // Nothing is left to pay.
  const auto twice = s.post(path(id, "/pay"), R"({"method":"alipay"})", buyer);
  CHECK(twice.status == 409);
  CHECK(twice.type() == "invalid_transition");
}

TEST_CASE("a partner pays its villager's purchase in cash: every order paid, the ledger balanced",
          "[server][purchases][station]") {
  test_server s;
  three_shops w(s);
  auto& m = w.m;
  const auto shop2_farmer = s.direct_user(role::farmer, m.village);
  auto r = s.post("/v1/shops", R"({"name":"赵家菜园"})", shop2_farmer.second);
  REQUIRE(r.status == 201);
  const auto listing2 = m.new_listing(shop2_farmer.second, r.json().at("id").as_int64(), 50, 300, "vegetable");
  r = s.post("/v1/purchases",
             purchase_body({{m.listing, 2}, {listing2, 3}, {w.listing3, 1}}, m.village,
                           R"(,"villager_id":)" + std::to_string(m.villager)),
             m.partner);
  INFO(r.body);
  REQUIRE(r.status == 201);
  const auto id = r.json().at("id").as_int64();
  CHECK(r.json().at("villager_id").as_int64() == m.villager);
  CHECK(r.json().at("buyer_account_id").is_null());
  REQUIRE(r.json().at("orders").as_array().size() == 3);
  const auto placed = r.json();
  for (const auto& o : placed.at("orders").as_array()) CHECK(o.as_object().contains("pickup_code"));

  const auto paid = s.post(path(id, "/pay"), R"({"method":"cash_at_station"})", m.partner);
  INFO(paid.body);
  REQUIRE(paid.status == 200);
  CHECK(!paid.json().as_object().contains("payment"));
  const auto body = paid.json();
  std::int64_t payment_id = 0;
  for (const auto& o : body.at("orders").as_array()) {
    CHECK(o.at("status").as_string() == "paid");
    CHECK(o.at("payment").at("method").as_string() == "cash_at_station");
    payment_id = o.at("payment").at("id").as_int64();
  }
  const auto payment = s.get("/v1/payments/" + std::to_string(payment_id), m.partner);
  REQUIRE(payment.status == 200);
  CHECK(payment.json().at("amount_fen") == body.at("total_fen"));
  CHECK(m.ledger().at("balanced").as_bool());
  // Each order then lives on by itself.
  const auto first = body.at("orders").at(0).at("id").as_int64();
  CHECK(s.post("/v1/orders/" + std::to_string(first) + "/ship", "{}", m.farmer).status == 200);
  CHECK(m.ledger().at("balanced").as_bool());
}

TEST_CASE("flash sale through purchases: 300 concurrent buyers, stock 100: exactly 100 sold",
          "[server][purchases][attack]") {
  test_server s;
  three_shops w(s, 100);
  auto& m = w.m;
  constexpr int buyers = 300;
  std::vector<std::string> tokens;
  for (int i = 0; i < buyers; ++i) tokens.push_back(s.direct_user(role::buyer, m.village).second);
  std::atomic<int> created{0}, sold_out{0}, other{0};
  std::latch go(buyers);
  std::vector<std::thread> threads;
  const auto body = purchase_body({{m.listing, 1}, {m.partner_listing, 1}, {w.listing3, 1}}, m.village);
  for (int i = 0; i < buyers; ++i) {
    threads.emplace_back([&, i] {
      http_client c(s.port());
      go.arrive_and_wait();
      auto r = c.request(http::verb::post, "/v1/purchases", body, bearer(tokens[i]));
      if (r.status == 201) ++created;
      else if (r.status == 409 && r.type() == "insufficient_stock") ++sold_out;
      else ++other;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(created == 100);
  CHECK(sold_out == 200);
  CHECK(other == 0);
  for (const auto l : {m.listing, m.partner_listing, w.listing3}) CHECK(m.stock_of(l) == 0);
  const auto snap = s.snapshot();
  CHECK(rows(snap, "purchases") == 100);
  CHECK(rows(snap, "orders") == 300);
  CHECK(m.ledger().at("balanced").as_bool());
}

TEST_CASE("retry storm: one purchase per Idempotency-Key, and one payment per key", "[server][purchases][attack]") {
  test_server s;
  three_shops w(s, 1000);
  auto& m = w.m;
  constexpr int clients = 20, tries = 5;
  std::vector<std::string> tokens;
  for (int i = 0; i < clients; ++i) tokens.push_back(s.direct_user(role::buyer, m.village).second);
  const auto body = purchase_body({{m.listing, 2}, {w.listing3, 1}}, m.village);
  std::mutex mu;
  std::map<int, std::vector<reply>> replies;
  {
    std::latch go(clients * tries);
    std::vector<std::thread> threads;
    for (int i = 0; i < clients; ++i)
      for (int k = 0; k < tries; ++k)
        threads.emplace_back([&, i] {
          http_client c(s.port());
          go.arrive_and_wait();
          auto r = c.request(http::verb::post, "/v1/purchases", body, bearer(tokens[i], "buy-" + std::to_string(i)));
          std::lock_guard lk(mu);
          replies[i].push_back(std::move(r));
        });
    for (auto& t : threads) t.join();
  }
  std::vector<std::int64_t> ids;
  for (const auto& [i, rs] : replies) {
    REQUIRE(rs.size() == tries);
    for (const auto& r : rs) {
      CHECK(r.status == 201);
      CHECK(r.body == rs.front().body);
    }
    ids.push_back(rs.front().json().at("id").as_int64());
  }
  auto snap = s.snapshot();
  CHECK(rows(snap, "purchases") == clients);
  CHECK(rows(snap, "orders") == 2 * clients);
  CHECK(m.stock_of(m.listing) == 1000 - 2 * clients);

  // Each client pays its purchase 5 times at once with one key: one payment each.
  replies.clear();
  {
    std::latch go(clients * tries);
    std::vector<std::thread> threads;
    for (int i = 0; i < clients; ++i)
      for (int k = 0; k < tries; ++k)
        threads.emplace_back([&, i] {
          http_client c(s.port());
          go.arrive_and_wait();
          auto r = c.request(http::verb::post, path(ids[static_cast<std::size_t>(i)], "/pay"), R"({"method":"alipay"})",
                             bearer(tokens[i], "pay-" + std::to_string(i)));
          std::lock_guard lk(mu);
          replies[i].push_back(std::move(r));
        });
    for (auto& t : threads) t.join();
  }
  for (const auto& [i, rs] : replies) {
    REQUIRE(rs.size() == tries);
    for (const auto& r : rs) {
      CHECK(r.status == 202);
      CHECK(r.body == rs.front().body);
    }
  }
  snap = s.snapshot();
  CHECK(rows(snap, "payments") == clients);
  CHECK(rows(snap, "payment_orders") == 2 * clients);
}

TEST_CASE("cash pays of one purchase at once, each with its own key: one payment, the others 409",
          "[server][purchases][station][attack]") {
  test_server s;
  three_shops w(s, 1000);
  auto& m = w.m;
  constexpr int purchases = 10, pays = 4;
  std::vector<std::int64_t> ids;
  for (int i = 0; i < purchases; ++i) {
    const auto r = s.post(
        "/v1/purchases",
        purchase_body({{m.listing, 1}, {w.listing3, 1}}, m.village, R"(,"villager_id":)" + std::to_string(m.villager)),
        m.partner);
    REQUIRE(r.status == 201);
    ids.push_back(r.json().at("id").as_int64());
  }
  std::atomic<int> paid{0}, refused{0}, other{0};
  {
    std::latch go(purchases * pays);
    std::vector<std::thread> threads;
    for (int i = 0; i < purchases; ++i)
      for (int k = 0; k < pays; ++k)
        threads.emplace_back([&, i, k] {
          http_client c(s.port());
          go.arrive_and_wait();
          const auto r = c.request(http::verb::post, path(ids[static_cast<std::size_t>(i)], "/pay"),
                                   R"({"method":"cash_at_station"})",
                                   bearer(m.partner, "cash-" + std::to_string(i) + "-" + std::to_string(k)));
          if (r.status == 200) ++paid;
          else if (r.status == 409 && r.type() == "invalid_transition") ++refused;
          else ++other;
        });
    for (auto& t : threads) t.join();
  }
  CHECK(paid == purchases);
  CHECK(refused == purchases * (pays - 1));
  CHECK(other == 0);
  const auto snap = s.snapshot();
  CHECK(rows(snap, "payments") == purchases);
  CHECK(rows(snap, "payment_orders") == 2 * purchases);
  CHECK(m.ledger().at("balanced").as_bool());
}
