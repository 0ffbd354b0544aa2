// Returns after the sale: asked for by the placer within 7 days of delivery (or for a parcel
// lost on its way), decided by the shop side or an admin; an accepted return refunds the order,
// reverses its money and takes it out of the figures.
#include <catch2/catch.hpp>

#include <thread>

#include "order_fixture.hpp"
#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {

constexpr std::int64_t day = 86'400;

std::string order_path(std::int64_t id, const std::string& action) {
  return "/v1/orders/" + std::to_string(id) + "/" + action;
}
std::string return_path(std::int64_t id, const std::string& action = "") {
  return "/v1/returns/" + std::to_string(id) + (action.empty() ? "" : "/" + action);
}

// An order of `qty` boxes (1,000 fen each) a buyer places at the farmer's shop for delivery to
// an address (800 fen), pays with Alipay and sees shipped; delivered too unless `deliver` is false.
std::int64_t shipped_order(test_server& s, market& m, const std::string& buyer, std::int64_t qty, bool deliver = true) {
  auto r = s.post("/v1/orders", market::order_body_to(std::nullopt, m.shop, m.listing, qty), buyer);
  REQUIRE(r.status == 201);
  const auto id = r.json().at("id").as_int64();
  s.pay(id, buyer);
  REQUIRE(s.post(order_path(id, "ship"), "{}", m.farmer).status == 200);
  if (deliver) REQUIRE(s.post(order_path(id, "deliver"), "{}", buyer).status == 200);
  return id;
}

std::int64_t open_return(test_server& s, std::int64_t order_id, const std::string& buyer) {
  auto r = s.post(order_path(order_id, "returns"), R"({"reason":"一半的苹果烂了"})", buyer);
  REQUIRE(r.status == 201);
  return r.json().at("id").as_int64();
}

std::int64_t balance(test_server& s, const std::string& token, const char* which) {
  auto r = s.get("/v1/balances/me", token);
  REQUIRE(r.status == 200);
  return r.json().at(which).as_int64();
}

std::int64_t village_gmv(test_server& s, std::int64_t village) {
  auto r = s.get("/v1/villages/" + std::to_string(village));
  REQUIRE(r.status == 200);
  return r.json().at("gmv_365d_fen").as_int64();
}

std::int64_t county_gmv(test_server& s, const std::string& admin) {
  auto r = s.get("/v1/reports/counties", admin);
  REQUIRE(r.status == 200);
  const auto body = r.json();
  const auto& items = body.at("items").as_array();
  return items.empty() ? 0 : items.at(0).at("gmv_fen").as_int64();
}

std::string order_status_of(test_server& s, std::int64_t id, const std::string& token) {
  auto r = s.get("/v1/orders/" + std::to_string(id), token);
  REQUIRE(r.status == 200);
  return std::string(r.json().at("status").as_string());
}

std::int64_t db_scalar(test_server& s, const char* sql) { return s.number(sql); }

}  // namespace

TEST_CASE("a return accepted with restock: the order refunded, its money reversed, the figures drop",
          "[server][returns][money]") {
  test_server s;
  market m(s, false, 100, 1'000);
  const auto buyer = s.direct_user(role::buyer, m.village).second;
  const auto kept = shipped_order(s, m, buyer, 1);
  const auto id = shipped_order(s, m, buyer, 3);  // 3,000 + 800 delivery; proceeds 2,850
  CHECK(m.stock_of(m.listing) == 96);
  const auto gmv = village_gmv(s, m.village);
  const auto county = county_gmv(s, m.admin);
  CHECK(gmv == 4'000);
  CHECK(balance(s, m.farmer, "available_fen") == 950 + 2'850);

  s.advance_clock(6 * day);
  auto r = s.post(order_path(id, "returns"), R"({"reason":"  一半的苹果烂了  "})", buyer);
  REQUIRE(r.status == 201);
  const auto ret = r.json().at("id").as_int64();
  CHECK(r.json().at("status") == "requested");
  CHECK(r.json().at("reason") == "一半的苹果烂了");
  CHECK(r.json().at("refund_fen").as_int64() == 3'800);
  CHECK(r.json().at("order_id").as_int64() == id);
  CHECK(r.json().at("decided_at").is_null());
  // Nothing moves until it is decided.
  CHECK(order_status_of(s, id, buyer) == "delivered");
  CHECK(village_gmv(s, m.village) == gmv);

  r = s.post(return_path(ret, "accept"), R"({"restock":true})", m.farmer);
  REQUIRE(r.status == 200);
  CHECK(r.json().at("status") == "accepted");
  CHECK(r.json().at("restocked").as_bool());
  CHECK(r.json().at("decided_at").is_string());
  CHECK(order_status_of(s, id, buyer) == "refunded");
  CHECK(m.stock_of(m.listing) == 99);
  CHECK(balance(s, m.farmer, "available_fen") == 950);
  CHECK(balance(s, m.farmer, "pending_fen") == 0);
  // The village and the county drop by exactly the refunded subtotal.
  CHECK(village_gmv(s, m.village) == gmv - 3'000);
  CHECK(county_gmv(s, m.admin) == county - 3'000);
  // Alipay's money is owed back to the buyer until the refund is sent.
  CHECK(db_scalar(s, "SELECT sum(amount_fen) FROM refunds WHERE status = 'pending'") == 3'800);
  // The farmer's statement shows the delivery taken back.
  r = s.get("/v1/statements/me", m.farmer);
  REQUIRE(r.status == 200);
  std::int64_t refunded = 0;
  const auto statement = r.json();
  for (const auto& e : statement.at("items").as_array())
    if (e.at("order_id").is_int64() && e.at("order_id").as_int64() == id && e.at("kind") == "refund_available")
      refunded += e.at("amount_fen").as_int64();
  CHECK(refunded == -2'850);
  CHECK(m.ledger().at("balanced").as_bool());
  CHECK(order_status_of(s, kept, buyer) == "delivered");

  SECTION("the buyer, the shop side and an admin read it; others do not") {
    CHECK(s.get(return_path(ret), buyer).status == 200);
    CHECK(s.get(return_path(ret), m.farmer).status == 200);
    CHECK(s.get(return_path(ret), m.admin).status == 200);
    CHECK(s.get(return_path(ret), s.direct_user(role::buyer).second).status == 404);
    CHECK(s.get(return_path(ret), m.partner).status == 404);
    r = s.get("/v1/returns?as=seller", m.farmer);
    REQUIRE(r.status == 200);
    REQUIRE(r.json().at("items").as_array().size() == 1);
    CHECK(r.json().at("items").at(0).at("id").as_int64() == ret);
    CHECK(s.get("/v1/returns?as=seller", m.partner).json().at("items").as_array().empty());
    CHECK(s.get("/v1/returns", buyer).json().at("items").as_array().size() == 1);
    CHECK(s.get("/v1/returns?status=requested", buyer).json().at("items").as_array().empty());
    CHECK(s.get("/v1/returns?as=owner", buyer).status == 422);
  }
  SECTION("it cannot be decided again") {
    CHECK(s.post(return_path(ret, "accept"), R"({"restock":true})", m.farmer).status == 409);
    CHECK(s.post(return_path(ret, "accept"), R"({"restock":false})", m.admin).status == 409);
    CHECK(s.post(return_path(ret, "reject"), R"({"reason":"不行"})", m.farmer).status == 409);
    CHECK(m.stock_of(m.listing) == 99);
    CHECK(m.ledger().at("balanced").as_bool());
  }
}

TEST_CASE("a return after the proceeds were paid out: the balance goes below zero and the next payout nets it",
          "[server][returns][money]") {
  test_server s;
  market m(s, false, 100, 1'000);
  const auto buyer = s.direct_user(role::buyer, m.village).second;
  const auto id = shipped_order(s, m, buyer, 1);
  REQUIRE(s.post("/v1/payouts", "", m.admin).status == 201);
  CHECK(balance(s, m.farmer, "paid_out_fen") == 950);
  const auto ret = open_return(s, id, buyer);
  REQUIRE(s.post(return_path(ret, "accept"), R"({"restock":false})", m.farmer).status == 200);
  CHECK(m.stock_of(m.listing) == 99);  // not restocked
  CHECK(balance(s, m.farmer, "available_fen") == -950);
  // Two more boxes sold and delivered: 1,900 available less the 950 owed.
  shipped_order(s, m, buyer, 2);
  CHECK(balance(s, m.farmer, "available_fen") == 950);
  auto r = s.post("/v1/payouts", "", m.admin);
  REQUIRE(r.status == 201);
  CHECK(balance(s, m.farmer, "paid_out_fen") == 1'900);
  CHECK(balance(s, m.farmer, "available_fen") == 0);
  CHECK(m.ledger().at("balanced").as_bool());
}

TEST_CASE("a cash-paid order returned after its cash was handed in: the station pays it back",
          "[server][returns][station][money]") {
  test_server s;
  market m(s, false, 100, 1'000);
  auto r = s.post("/v1/orders", m.order_body(m.shop, m.listing, 1, R"(,"villager_id":)" + std::to_string(m.villager)),
                  m.partner);
  REQUIRE(r.status == 201);
  const auto id = r.json().at("id").as_int64();
  const std::string code(r.json().at("pickup_code").as_string());
  REQUIRE(s.post(order_path(id, "pay"), R"({"method":"cash_at_station"})", m.partner).status == 200);
  REQUIRE(s.post(order_path(id, "ship"), "{}", m.farmer).status == 200);
  REQUIRE(s.post(order_path(id, "arrive"), "", m.partner).status == 200);
  REQUIRE(s.post(order_path(id, "hand-over"), R"({"pickup_code":")" + code + R"("})", m.partner).status == 200);
  const auto cash = "/v1/stations/" + std::to_string(m.partner_id) + "/cash";
  REQUIRE(s.post(cash + "-handins", R"({"amount_fen":1000})", m.admin).status == 201);
  CHECK(s.get(cash, m.partner).json().at("held_fen").as_int64() == 0);
  CHECK(balance(s, m.partner, "available_fen") == 30);  // the assisted-buying fee

  const auto ret = open_return(s, id, m.partner);  // the partner placed it for the villager
  REQUIRE(s.post(return_path(ret, "accept"), R"({"restock":true})", m.farmer).status == 200);
  // The partner handed the villager 1,000 fen out of its own pocket: the platform owes it that.
  r = s.get(cash, m.partner);
  CHECK(r.json().at("held_fen").as_int64() == -1'000);
  CHECK(r.json().at("refunded_fen").as_int64() == 1'000);
  CHECK(balance(s, m.partner, "available_fen") == 0);  // its fee taken back
  CHECK(balance(s, m.farmer, "available_fen") == 0);
  CHECK(db_scalar(s, "SELECT count(*) FROM refunds") == 0);  // nothing owed through Alipay
  CHECK(m.ledger().at("balanced").as_bool());

  // The next payout pays it back, though it is owed no fees: max(0, available - held) = 1,000,
  // settled as a negative hand-in, so nothing is held either way afterwards.
  r = s.post("/v1/payouts", "", m.admin);
  REQUIRE(r.status == 201);
  CHECK(paid_to_partner(r.json(), m.partner_id) == 1'000);
  r = s.get(cash, m.partner);
  CHECK(r.json().at("held_fen").as_int64() == 0);
  CHECK(r.json().at("handed_in_fen").as_int64() == 0);  // 1,000 in, then 1,000 settled back
  CHECK(balance(s, m.partner, "available_fen") == 0);
  CHECK(balance(s, m.partner, "paid_out_fen") == 1'000);
  CHECK(m.ledger().at("balanced").as_bool());
  r = s.post("/v1/payouts", "", m.admin);  // once only
  REQUIRE(r.status == 201);
  CHECK(r.json().at("payouts").as_array().empty());
}

TEST_CASE("returns that may not be: late, twice, undelivered, by others, with bad fields", "[server][returns]") {
  test_server s;
  market m(s, false, 100, 1'000);
  const auto buyer = s.direct_user(role::buyer, m.village).second;
  const auto id = shipped_order(s, m, buyer, 1);

  SECTION("after 7 days: 409") {
    s.advance_clock(7 * day + 1);
    auto r = s.post(order_path(id, "returns"), R"({"reason":"坏了"})", buyer);
    CHECK(r.status == 409);
  }
  SECTION("exactly 7 days after delivery: still in time") {
    s.advance_clock(7 * day);
    CHECK(s.post(order_path(id, "returns"), R"({"reason":"坏了"})", buyer).status == 201);
  }
  SECTION("a second return: 409, also after a rejection") {
    const auto ret = open_return(s, id, buyer);
    CHECK(s.post(order_path(id, "returns"), R"({"reason":"还是坏了"})", buyer).status == 409);
    REQUIRE(s.post(return_path(ret, "reject"), R"({"reason":"照片上是好的"})", m.farmer).status == 200);
    CHECK(s.post(order_path(id, "returns"), R"({"reason":"还是坏了"})", buyer).status == 409);
  }
  SECTION("an order not delivered: 409") {
    const auto shipped = shipped_order(s, m, buyer, 1, false);
    CHECK(s.post(order_path(shipped, "returns"), R"({"reason":"坏了"})", buyer).status == 409);
  }
  SECTION("not the placer: 403 for the shop side, 404 for strangers") {
    CHECK(s.post(order_path(id, "returns"), R"({"reason":"坏了"})", m.farmer).status == 403);
    CHECK(s.post(order_path(id, "returns"), R"({"reason":"坏了"})", s.direct_user(role::buyer).second).status == 404);
    CHECK(s.post(order_path(id, "returns"), R"({"reason":"坏了"})", m.admin).status == 403);
  }
  SECTION("bad fields: 422 naming them, and nothing stored") {
    auto r = s.post(order_path(id, "returns"), R"({"reason":"   "})", buyer);
    CHECK(r.status == 422);
    CHECK(r.error_fields() == std::vector<std::string>{"reason"});
    r = s.post(order_path(id, "returns"), "{\"reason\":\"" + std::string(501, 'x') + "\"}", buyer);
    CHECK(r.error_fields() == std::vector<std::string>{"reason"});
    r = s.post(order_path(id, "returns"), R"({"reason":"坏了","refund_fen":1})", buyer);
    CHECK(r.error_fields() == std::vector<std::string>{"refund_fen"});
    r = s.post(order_path(id, "returns"), R"({})", buyer);
    CHECK(r.error_fields() == std::vector<std::string>{"reason"});
    CHECK(db_scalar(s, "SELECT count(*) FROM returns") == 0);
  }
  SECTION("deciding: only the shop side rejects, an admin accepts over a rejection") {
    const auto ret = open_return(s, id, buyer);
    CHECK(s.post(return_path(ret, "accept"), R"({"restock":true})", buyer).status == 403);
    CHECK(s.post(return_path(ret, "reject"), R"({"reason":"不行"})", m.admin).status == 403);
    CHECK(s.post(return_path(ret, "accept"), R"({"restock":true})", s.direct_user(role::farmer, m.village).second)
              .status == 404);
    CHECK(s.post(return_path(ret, "accept"), R"({})", m.farmer).error_fields() == std::vector<std::string>{"restock"});
    CHECK(s.post(return_path(ret, "accept"), R"({"restock":"yes"})", m.farmer).error_fields() ==
          std::vector<std::string>{"restock"});
    CHECK(s.post(return_path(ret, "reject"), R"({})", m.farmer).error_fields() == std::vector<std::string>{"reason"});
    auto r = s.post(return_path(ret, "reject"), R"({"reason":"照片上是好的"})", m.farmer);
    REQUIRE(r.status == 200);
    CHECK(r.json().at("status") == "rejected");
    CHECK(r.json().at("decision_reason") == "照片上是好的");
    CHECK(order_status_of(s, id, buyer) == "delivered");
    CHECK(s.post(return_path(ret, "accept"), R"({"restock":false})", m.farmer).status == 409);
    r = s.post(return_path(ret, "accept"), R"({"restock":false})", m.admin);
    REQUIRE(r.status == 200);
    CHECK(r.json().at("status") == "accepted");
    CHECK(order_status_of(s, id, buyer) == "refunded");
    CHECK(m.ledger().at("balanced").as_bool());
  }
  SECTION("an unknown return: 404") {
    CHECK(s.post(return_path(999, "accept"), R"({"restock":true})", m.admin).status == 404);
  }
}

TEST_CASE("a parcel reported lost: after 7 days shipped, never delivered by the clock, refunded without a delivery",
          "[server][returns][money]") {
  test_server s;
  market m(s, false, 100, 1'000);
  const auto buyer = s.direct_user(role::buyer, m.village).second;
  const auto id = shipped_order(s, m, buyer, 2, false);
  s.advance_clock(6 * day);
  CHECK(s.post(order_path(id, "report-lost"), "{}", buyer).status == 409);
  s.advance_clock(day + 1);
  auto r = s.post(order_path(id, "report-lost"), "", buyer);
  REQUIRE(r.status == 201);
  CHECK(r.json().at("lost").as_bool());
  CHECK(r.json().at("refund_fen").as_int64() == 2'800);
  const auto ret = r.json().at("id").as_int64();
  // The auto-delivery of day 10 leaves it alone while the return waits.
  s.advance_clock(4 * day);
  CHECK(s.run_timers().auto_delivered == 0);
  CHECK(order_status_of(s, id, buyer) == "shipped");
  CHECK(balance(s, m.farmer, "pending_fen") == 1'900);
  REQUIRE(s.post(return_path(ret, "accept"), R"({"restock":false})", m.farmer).status == 200);
  CHECK(order_status_of(s, id, buyer) == "refunded");
  CHECK(balance(s, m.farmer, "pending_fen") == 0);
  CHECK(balance(s, m.farmer, "available_fen") == 0);
  CHECK(village_gmv(s, m.village) == 0);
  CHECK(m.ledger().at("balanced").as_bool());
}

TEST_CASE("a rejected lost report lets the clock deliver the parcel", "[server][returns]") {
  test_server s;
  market m(s, false, 100, 1'000);
  const auto buyer = s.direct_user(role::buyer, m.village).second;
  const auto id = shipped_order(s, m, buyer, 1, false);
  s.advance_clock(8 * day);
  auto r = s.post(order_path(id, "report-lost"), R"({"reason":"快递说送到了但我没收到"})", buyer);
  REQUIRE(r.status == 201);
  REQUIRE(s.post(return_path(r.json().at("id").as_int64(), "reject"), R"({"reason":"有签收记录"})", m.farmer).status ==
          200);
  s.advance_clock(3 * day);
  CHECK(s.run_timers().auto_delivered == 1);
  CHECK(order_status_of(s, id, buyer) == "delivered");
}

TEST_CASE("eight accepts of one return at once: one refund", "[server][returns][money][concurrency]") {
  test_server s;
  market m(s, false, 100, 1'000);
  const auto buyer = s.direct_user(role::buyer, m.village).second;
  const auto id = shipped_order(s, m, buyer, 1);
  const auto ret = open_return(s, id, buyer);
  std::vector<int> statuses(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < statuses.size(); ++i)
    threads.emplace_back([&, i] {
      statuses[i] = s.post(return_path(ret, "accept"), R"({"restock":true})", i % 2 ? m.farmer : m.admin).status;
    });
  for (auto& t : threads) t.join();
  CHECK(std::count(statuses.begin(), statuses.end(), 200) == 1);
  CHECK(std::count(statuses.begin(), statuses.end(), 409) == 7);
  CHECK(m.stock_of(m.listing) == 100);
  CHECK(db_scalar(s, "SELECT count(*) FROM refunds") == 1);
  CHECK(db_scalar(s, "SELECT count(*) FROM ledger_entries WHERE kind = 'refund'") == 1);
  CHECK(m.ledger().at("balanced").as_bool());
}
