// Tests that try to break the money paths: a flash sale, a retry storm, a randomised workload
// from many threads, and every order and money endpoint called by people who have no business
// there.
#include <atomic>
#include <catch2/catch.hpp>
#include <latch>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "order_fixture.hpp"

using namespace cunji;
using namespace cunji::test;

TEST_CASE("flash sale: 300 concurrent buyers, stock 100: exactly 100 orders", "[server][orders][attack]") {
  test_server s;
  market m(s, false, 100);
  constexpr int buyers = 300;
  std::vector<std::string> tokens;
  for (int i = 0; i < buyers; ++i) tokens.push_back(s.direct_user(role::buyer).second);
  std::atomic<int> created{0}, sold_out{0}, other{0};
  std::latch go(buyers);
  std::vector<std::thread> threads;
  for (int i = 0; i < buyers; ++i) {
    threads.emplace_back([&, i] {
      http_client c(s.port());
      go.arrive_and_wait();
      auto r = c.request(http::verb::post, "/v1/orders", m.order_body(m.shop, m.listing, 1), bearer(tokens[i]));
      if (r.status == 201) ++created;
      else if (r.status == 409 && r.type() == "insufficient_stock") ++sold_out;
      else ++other;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(created == 100);
  CHECK(sold_out == 200);
  CHECK(other == 0);
  CHECK(m.stock_of(m.listing) == 0);
  const auto seller = s.get("/v1/orders?as=seller&limit=100", m.farmer).json();
  CHECK(seller.at("items").as_array().size() == 100);
  CHECK(seller.at("next_cursor").is_null());
  CHECK(m.ledger().at("balanced").as_bool());
}

TEST_CASE("retry storm: 50 clients send their order 5 times at once: 50 orders", "[server][orders][attack]") {
  test_server s;
  market m(s, false, 1000);
  constexpr int clients = 50, tries = 5;
  std::vector<std::string> tokens;
  for (int i = 0; i < clients; ++i) tokens.push_back(s.direct_user(role::buyer).second);
  std::mutex mu;
  std::map<int, std::vector<reply>> replies;
  std::latch go(clients * tries);
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i)
    for (int k = 0; k < tries; ++k)
      threads.emplace_back([&, i] {
        http_client c(s.port());
        go.arrive_and_wait();
        auto r = c.request(http::verb::post, "/v1/orders", m.order_body(m.shop, m.listing, 2),
                           bearer(tokens[i], "retry-" + std::to_string(i)));
        std::lock_guard lk(mu);
        replies[i].push_back(std::move(r));
      });
  for (auto& t : threads) t.join();
  int replayed = 0;
  for (const auto& [i, rs] : replies) {
    REQUIRE(rs.size() == tries);
    for (const auto& r : rs) {
      CHECK(r.status == 201);
      CHECK(r.body == rs.front().body);  // one order per client, the same answer every time
      replayed += r.header("idempotent-replayed") == "true";
    }
  }
  CHECK(replayed == clients * (tries - 1));
  CHECK(m.stock_of(m.listing) == 1000 - 2 * clients);
  const auto seller = s.get("/v1/orders?as=seller&limit=100", m.farmer).json();
  CHECK(seller.at("items").as_array().size() == clients);
}

TEST_CASE("randomised workload from many threads keeps every invariant", "[server][orders][attack]") {
  test_server s;
  market m(s, false, 0);
  // A few listings in both shops, each with known initial stock.
  std::map<std::int64_t, std::int64_t> initial;                // listing -> stock
  std::vector<std::pair<std::int64_t, std::int64_t>> catalog;  // (shop, listing)
  for (int i = 0; i < 3; ++i) {
    for (auto [token, shop] : {std::pair{m.farmer, m.shop}, std::pair{m.partner, m.partner_shop}}) {
      const std::int64_t stock = 40 + 10 * i;
      const auto l = m.new_listing(token, shop, stock, 995 + 333 * i, i == 1 ? "tea" : "fruit");
      initial[l] = stock;
      catalog.emplace_back(shop, l);
    }
  }
  std::vector<std::string> buyers;
  for (int i = 0; i < 6; ++i) buyers.push_back(s.direct_user(role::buyer).second);

  std::mutex mu;
  std::vector<std::pair<std::int64_t, std::string>> orders;  // (id, placer token)
  constexpr int threads_n = 6, ops = 60;
  std::latch go(threads_n);
  std::vector<std::thread> threads;
  std::atomic<int> server_errors{0};
  for (int t = 0; t < threads_n; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(1234 + t);
      http_client c(s.port());
      go.arrive_and_wait();
      for (int op = 0; op < ops; ++op) {
        const int kind = static_cast<int>(rng() % 100);
        std::pair<std::int64_t, std::string> pick{0, ""};
        {
          std::lock_guard lk(mu);
          if (!orders.empty()) pick = orders[rng() % orders.size()];
        }
        reply r;
        if (kind < 35 || pick.first == 0) {
          const auto [shop, listing] = catalog[rng() % catalog.size()];
          const bool assisted = rng() % 4 == 0 && shop == m.partner_shop;
          const auto& token = assisted ? m.partner : buyers[rng() % buyers.size()];
          std::string extra = assisted ? R"(,"villager_id":)" + std::to_string(m.villager) : "";
          r = c.request(http::verb::post, "/v1/orders",
                        m.order_body(shop, listing, 1 + static_cast<int>(rng() % 7), extra), bearer(token));
          if (r.status == 201) {
            std::lock_guard lk(mu);
            orders.emplace_back(r.json().at("id").as_int64(), token);
          }
        } else if (kind < 55) {
          // Alipay: the 202's pending payment, then its notification (as Alipay would send it).
          r = c.request(http::verb::post, "/v1/orders/" + std::to_string(pick.first) + "/pay", R"({"method":"alipay"})",
                        bearer(pick.second));
          if (r.status == 202)
            r = c.request(http::verb::post, "/v1/payments/alipay/notify",
                          s.alipay_notification(r.json().at("payment").as_object(),
                                                "2026T" + std::to_string(t) + "-" + std::to_string(op)),
                          {{"Content-Type", "application/x-www-form-urlencoded"}});
        } else if (kind < 68) {
          // Either shop side tries to ship; the wrong one gets 404 or 403.
          r = c.request(http::verb::post, "/v1/orders/" + std::to_string(pick.first) + "/ship", "{}",
                        bearer(rng() % 2 ? m.farmer : m.partner));
        } else if (kind < 80) {
          r = c.request(http::verb::post, "/v1/orders/" + std::to_string(pick.first) + "/deliver", "",
                        bearer(pick.second));
        } else if (kind < 92) {
          r = c.request(http::verb::post, "/v1/orders/" + std::to_string(pick.first) + "/cancel", "{}",
                        bearer(rng() % 2 ? pick.second : m.farmer));
        } else if (kind < 96) {
          r = c.request(http::verb::post, "/v1/payouts", "", bearer(m.admin));
        } else {
          const auto bps = std::to_string(rng() % 1500);
          r = c.request(
              http::verb::put, "/v1/fee-schedule",
              R"({"platform_commission_bps":)" + bps + R"(,"category_commission_bps":{"tea":)" +
                  std::to_string(rng() % 900) +
                  R"(},"poverty_county_commission_bps":0,)"
                  R"("assisted_buying_fee_bps":)" +
                  std::to_string(rng() % 600) + R"(,"assisted_selling_fee_bps":)" + std::to_string(rng() % 600) +
                  R"(,"address_delivery_fee_fen":800,"taobao_village_min_shops":100,)"
                  R"("taobao_village_min_gmv_fen":1000000000,"unpaid_timeout_minutes":30,"auto_deliver_days":10,"station_hold_days":14})",
              bearer(m.admin));
        }
        if (r.status >= 500) ++server_errors;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(server_errors == 0);

  const auto ledger = m.ledger();
  INFO(boost::json::serialize(ledger));
  CHECK(ledger.at("balanced").as_bool());
  CHECK(ledger.at("sum_fen").as_int64() == 0);
  CHECK(ledger.at("orders_checked").as_int64() == static_cast<std::int64_t>(orders.size()));

  // Stock conservation, and each order's own arithmetic, read back over the API.
  std::map<std::int64_t, std::int64_t> sold;
  for (const auto& [id, token] : orders) {
    auto o = s.get("/v1/orders/" + std::to_string(id), m.admin).json();
    CHECK(o.at("total_fen").as_int64() == o.at("subtotal_fen").as_int64() + o.at("delivery_fee_fen").as_int64());
    CHECK(o.at("shop_proceeds_fen").as_int64() ==
          o.at("subtotal_fen").as_int64() - o.at("platform_commission_fen").as_int64());
    if (o.at("status").as_string() == "cancelled") continue;
    for (const auto& item : o.at("items").as_array())
      sold[item.at("listing_id").as_int64()] += item.at("quantity").as_int64();
  }
  for (const auto& [listing, stock] : initial) {
    INFO("listing " << listing);
    CHECK(m.stock_of(listing) + sold[listing] == stock);
  }
}

TEST_CASE("order and money endpoints give strangers nothing", "[server][orders][authz]") {
  test_server s;
  market m(s, false, 100);
  auto [bid, buyer] = s.direct_user(role::buyer);
  // Delivered to an address: no station's partner has a part in them.
  auto placed = s.post("/v1/orders", market::order_body_to(std::nullopt, m.shop, m.listing, 1), buyer).json();
  const auto id = std::to_string(placed.at("id").as_int64());
  auto paid = s.post("/v1/orders", market::order_body_to(std::nullopt, m.shop, m.listing, 1), buyer).json();
  const auto paid_id = std::to_string(paid.at("id").as_int64());
  s.pay(paid.at("id").as_int64(), buyer);

  const auto other_village = s.make_village();
  const std::vector<std::pair<std::string, std::string>> strangers{
      {"buyer", s.direct_user(role::buyer).second},
      {"farmer", s.direct_user(role::farmer, m.village).second},
      {"partner", s.direct_user(role::partner, m.village).second},
      {"partner of another village", s.direct_user(role::partner, other_village).second},
  };
  for (const auto& [who, token] : strangers) {
    INFO(who);
    for (const auto& oid : {id, paid_id}) {
      auto r = s.get("/v1/orders/" + oid, token);
      CHECK(r.status == 404);
      CHECK(r.body.find("subtotal") == std::string::npos);
      for (const auto& [action, body] : std::vector<std::pair<std::string, std::string>>{
               {"pay", R"({"method":"alipay"})"}, {"ship", "{}"}, {"deliver", ""}, {"cancel", "{}"}}) {
        r = s.post("/v1/orders/" + oid + "/" + action, body, token);
        CHECK(r.status == 404);
        CHECK(r.type() == "not_found");
      }
      // A bad body does not reveal the order either.
      CHECK(s.post("/v1/orders/" + oid + "/pay", R"({"method":"gold"})", token).status == 404);
    }
    for (const auto& as : {"buyer", "seller"}) {
      auto list = s.get(std::string("/v1/orders?as=") + as, token).json();
      CHECK(list.at("items").as_array().empty());
    }
    CHECK(s.post("/v1/payouts", "", token).status == 403);
    CHECK(s.get("/v1/admin/ledger/check", token).status == 403);
    CHECK(s.send(http::verb::put, "/v1/fee-schedule", "{}", bearer(token)).status == 403);
  }
  // Buyers have no balance; anonymous callers get 401 everywhere.
  CHECK(s.get("/v1/balances/me", buyer).status == 403);
  CHECK(s.get("/v1/statements/me", buyer).status == 403);
  for (const std::string& path : {std::string("/v1/orders"), "/v1/orders/" + id, std::string("/v1/balances/me"),
                                  std::string("/v1/statements/me"), std::string("/v1/admin/ledger/check")})
    CHECK(s.get(path).status == 401);
  CHECK(s.post("/v1/orders", m.order_body(m.shop, m.listing, 1)).status == 401);
  CHECK(s.post("/v1/orders/" + id + "/pay", R"({"method":"alipay"})").status == 401);
  // Nothing changed.
  CHECK(s.get("/v1/orders/" + id, buyer).json().at("status").as_string() == "placed");
  CHECK(s.get("/v1/orders/" + paid_id, buyer).json().at("status").as_string() == "paid");
  CHECK(m.stock_of(m.listing) == 98);
  // The admin sees but cannot move an order.
  CHECK(s.get("/v1/orders/" + id, m.admin).status == 200);
  CHECK(s.post("/v1/orders/" + id + "/cancel", "{}", m.admin).status == 403);
}
