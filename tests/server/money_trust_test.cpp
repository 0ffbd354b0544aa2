// Money that is confirmed, not claimed: cash only through a partner (who then holds it), no
// trading with oneself, the order timers, and the admins' lists and platform figures.
#include <catch2/catch.hpp>

#include "db_snapshot.hpp"
#include "order_fixture.hpp"
#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {
std::string path(std::int64_t id, const std::string& action) {
  return "/v1/orders/" + std::to_string(id) + "/" + action;
}
std::int64_t place(test_server& s, const std::string& body, const std::string& token) {
  auto r = s.post("/v1/orders", body, token);
  REQUIRE(r.status == 201);
  return r.json().at("id").as_int64();
}
std::string assisted(const market& m, std::int64_t shop, std::int64_t listing, std::int64_t qty,
                     const std::string& delivery = R"({"method":"station_pickup"})") {
  return R"({"shop_id":)" + std::to_string(shop) + R"(,"items":[{"listing_id":)" + std::to_string(listing) +
         R"(,"quantity":)" + std::to_string(qty) + R"(}],"delivery":)" + delivery + R"(,"villager_id":)" +
         std::to_string(m.villager) + "}";
}
boost::json::object platform(test_server& s, const market& m) {
  auto r = s.get("/v1/admin/platform", m.admin);
  REQUIRE(r.status == 200);
  return r.json().as_object();
}
}  // namespace

TEST_CASE("cash is taken only by a partner, who then holds it", "[server][payments][money]") {
  test_server s;
  market m(s, false, 100, 1'000);
  const auto buyer = s.new_user("buyer");
  const auto own = place(s, m.order_body(m.shop, m.listing, 2), buyer);
  // A buyer cannot declare cash paid; `mobile` is retired.
  auto r = s.post(path(own, "pay"), R"({"method":"cash_at_station"})", buyer);
  CHECK(r.status == 422);
  CHECK(r.error_fields() == std::vector<std::string>{"method"});
  CHECK(s.post(path(own, "pay"), R"({"method":"mobile","reference":"我说我付过了"})", buyer).status == 422);
  CHECK(s.post(path(own, "pay"), R"({"method":"mobile"})", buyer).status == 422);
  CHECK(s.get("/v1/orders/" + std::to_string(own), buyer).json().at("status") == "placed");

  // The partner takes cash for an order it placed for a villager.
  const auto id = place(s, assisted(m, m.shop, m.listing, 3), m.partner);
  r = s.post(path(id, "pay"), R"({"method":"cash_at_station"})", m.partner);
  REQUIRE(r.status == 200);
  CHECK(r.json().at("status") == "paid");
  CHECK(r.json().at("payment").at("method") == "cash_at_station");
  const auto figures = platform(s, m);
  CHECK(figures.at("station_cash_held_fen").as_int64() == 3'000);
  CHECK(figures.at("cash_fen").as_int64() == 0);
  auto partners = s.get("/v1/partners", m.admin);
  REQUIRE(partners.status == 200);
  bool found = false;
  const auto partners_doc = partners.json();  // the loop reads into it: it must outlive the loop
  for (const auto& p : partners_doc.at("items").as_array())
    if (p.at("id").as_int64() == m.partner_id) {
      found = true;
      CHECK(p.at("cash_held_fen").as_int64() == 3'000);
    }
  CHECK(found);
  // Cancelled: the cash goes back out of the station's.
  REQUIRE(s.post(path(id, "cancel"), "{}", m.partner).status == 200);
  CHECK(platform(s, m).at("station_cash_held_fen").as_int64() == 0);
  CHECK(m.ledger().at("balanced").as_bool());
}

TEST_CASE("no trading with oneself: each form is 422 on shop_id and changes nothing", "[server][orders][money]") {
  test_server s;
  market m(s);
  // Another partner of the same village.
  const auto [partner2_id, partner2] = s.direct_user(role::partner, m.village);
  (void)partner2_id;
  const auto before = s.snapshot();
  struct attempt {
    const char* what;
    std::string body;
    std::string token;
  };
  const attempt attempts[] = {
      {"a farmer buying from its own shop", m.order_body(m.shop, m.listing, 1), m.farmer},
      {"a partner buying from the shop it runs", m.order_body(m.partner_shop, m.partner_listing, 1), m.partner},
      {"a partner buying for the shop's own villager", assisted(m, m.partner_shop, m.partner_listing, 1), m.partner},
      {"another partner buying for the shop's villager", assisted(m, m.partner_shop, m.partner_listing, 1), partner2},
  };
  for (const auto& a : attempts) {
    INFO(a.what);
    const auto r = s.post("/v1/orders", a.body, a.token);
    CHECK(r.status == 422);
    CHECK(r.error_fields() == std::vector<std::string>{"shop_id"});
  }
  CHECK(differences(before, s.snapshot()).empty());
  // Buying from a farmer's shop for the villager is fine.
  CHECK(s.post("/v1/orders", assisted(m, m.shop, m.listing, 1), m.partner).status == 201);
}

TEST_CASE("unpaid orders give their stock back after unpaid_timeout_minutes", "[server][payments][timers]") {
  test_server s;
  market m(s, false, 10, 500);
  const auto buyer = s.new_user("buyer");
  const auto id = place(s, m.order_body(m.shop, m.listing, 10), buyer);
  CHECK(m.stock_of(m.listing) == 0);
  CHECK(s.post("/v1/orders", m.order_body(m.shop, m.listing, 1), s.new_user("buyer")).status == 409);
  s.advance_clock(29 * 60);
  CHECK(s.run_timers().unpaid_cancelled == 0);
  s.advance_clock(60);
  CHECK(s.run_timers().unpaid_cancelled == 1);
  const auto o = s.get("/v1/orders/" + std::to_string(id), buyer).json();
  CHECK(o.at("status") == "cancelled");
  CHECK(o.at("cancel_reason") == "unpaid_timeout");
  CHECK(m.stock_of(m.listing) == 10);
  CHECK(s.run_timers().unpaid_cancelled == 0);  // once
  CHECK(m.ledger().at("balanced").as_bool());
}

TEST_CASE("address orders shipped auto_deliver_days ago are delivered", "[server][payments][timers]") {
  test_server s;
  market m(s, false, 10, 500);
  const auto id = place(s, assisted(m, m.shop, m.listing, 2, R"({"method":"address","address":"岚天村12号"})"),
                        m.partner);
  REQUIRE(s.post(path(id, "pay"), R"({"method":"cash_at_station"})", m.partner).status == 200);
  s.advance_clock(3600);
  REQUIRE(s.post(path(id, "ship"), R"({"tracking":"YT1"})", m.farmer).status == 200);
  s.advance_clock(10 * 86'400 - 1);
  CHECK(s.run_timers().auto_delivered == 0);
  // The unpaid timer never touches a paid order, however old.
  CHECK(s.get("/v1/orders/" + std::to_string(id), m.partner).json().at("status") == "shipped");
  s.advance_clock(1);
  CHECK(s.run_timers().auto_delivered == 1);
  CHECK(s.get("/v1/orders/" + std::to_string(id), m.partner).json().at("status") == "delivered");
  const auto balance = s.get("/v1/balances/me", m.farmer).json();
  CHECK(balance.at("available_fen").as_int64() > 0);
  CHECK(m.ledger().at("balanced").as_bool());
}

TEST_CASE("admins list accounts, partners and every order, and read the platform's figures", "[server][admin][money]") {
  test_server s;
  market m(s, false, 100, 1'000);
  const auto buyer = s.new_user("buyer");
  auto r = s.get("/v1/accounts?role=partner", m.admin);
  REQUIRE(r.status == 200);
  CHECK(r.json().at("items").as_array().size() == 1);
  r = s.get("/v1/accounts?q=%2B86137", m.admin);  // direct users' phones start +86137
  REQUIRE(r.status == 200);
  CHECK(r.json().at("items").as_array().size() == 2);
  for (const auto& who : {buyer, m.farmer, m.partner}) {
    CHECK(s.get("/v1/accounts", who).status == 403);
    CHECK(s.get("/v1/partners", who).status == 403);
    CHECK(s.get("/v1/admin/platform", who).status == 403);
    CHECK(s.get("/v1/orders?as=admin", who).status == 403);
  }
  place(s, m.order_body(m.shop, m.listing, 1), buyer);
  const auto id = place(s, assisted(m, m.shop, m.listing, 4, R"({"method":"address","address":"村口"})"), m.partner);
  REQUIRE(s.post(path(id, "pay"), R"({"method":"cash_at_station"})", m.partner).status == 200);
  r = s.get("/v1/orders?as=admin&shop_id=" + std::to_string(m.shop), m.admin);
  REQUIRE(r.status == 200);
  CHECK(r.json().at("items").as_array().size() == 2);
  CHECK(s.get("/v1/orders?shop_id=" + std::to_string(m.shop), m.admin).status == 422);  // only with as=admin
  // 4 x 1,000 fen at 5% commission, address delivery 800 fen, assisted buying 3% = 120 fen.
  const auto f = platform(s, m);
  CHECK(f.at("commission_fen").as_int64() == 200);
  CHECK(f.at("delivery_fees_fen").as_int64() == 800);
  CHECK(f.at("partner_fees_fen").as_int64() == 120);
  CHECK(f.at("net_revenue_fen").as_int64() == 200 + 800 - 120);
  CHECK(f.at("station_cash_held_fen").as_int64() == 4'800);
  CHECK(f.at("payouts_fen").as_int64() == 0);
}
