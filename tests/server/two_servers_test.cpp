// Two servers on one PostgreSQL database, as two `cunji serve` processes on two machines would
// be: each has its own pool, caches and change feed. Hidden ([.]) so that the SQLite pass, whose
// file one process serves, leaves them out; the PostgreSQL pass asks for [two_servers] (on
// SQLite they fail at once: "a second server on one database needs PostgreSQL").
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <latch>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "order_fixture.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {

std::int64_t stock_through(unsigned short port, std::int64_t listing) {
  http_client c(port);
  const auto r = c.request(http::verb::get, "/v1/listings/" + std::to_string(listing));
  REQUIRE(r.status == 200);
  return r.json().at("stock").as_int64();
}

// How long after `since` server `port` first answers `listing` with stock `want`: polled every
// millisecond for up to 2 s; nullopt if it never does.
std::optional<std::chrono::milliseconds> seen_after(unsigned short port, std::int64_t listing, std::int64_t want,
                                                    std::chrono::steady_clock::time_point since) {
  const auto deadline = since + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < deadline) {
    if (stock_through(port, listing) == want)
      return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return std::nullopt;
}
}  // namespace

TEST_CASE("two servers: a flash sale alternating between them sells exactly the stock",
          "[.][two_servers][server][orders][attack]") {
  test_server s;
  market m(s, false, 100);
  const unsigned short ports[2] = {s.port(), s.twin_port()};
  constexpr int buyers = 300;
  std::vector<std::string> tokens;
  for (int i = 0; i < buyers; ++i) tokens.push_back(s.direct_user(role::buyer).second);
  std::atomic<int> created[2]{0, 0};
  std::atomic<int> sold_out{0}, other{0};
  std::latch go(buyers);
  std::vector<std::thread> threads;
  for (int i = 0; i < buyers; ++i) {
    threads.emplace_back([&, i] {
      http_client c(ports[i % 2]);
      go.arrive_and_wait();
      auto r = c.request(http::verb::post, "/v1/orders", m.order_body(m.shop, m.listing, 1), bearer(tokens[i]));
      if (r.status == 201) ++created[i % 2];
      else if (r.status == 409 && r.type() == "insufficient_stock") ++sold_out;
      else ++other;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(created[0] + created[1] == 100);
  CHECK(created[0] > 0);  // both servers sold
  CHECK(created[1] > 0);
  CHECK(sold_out == 200);
  CHECK(other == 0);
  CHECK(stock_through(ports[0], m.listing) == 0);
  CHECK(seen_after(ports[1], m.listing, 0, std::chrono::steady_clock::now()).has_value());
  const auto seller = s.get("/v1/orders?as=seller&limit=100", m.farmer).json();
  CHECK(seller.at("items").as_array().size() == 100);
  CHECK(seller.at("next_cursor").is_null());
  CHECK(m.ledger().at("balanced").as_bool());
}

TEST_CASE("two servers: a retry storm across them makes one order per key",
          "[.][two_servers][server][orders][attack]") {
  test_server s;
  market m(s, false, 1000);
  const unsigned short ports[2] = {s.port(), s.twin_port()};
  constexpr int clients = 50, tries = 4;
  std::vector<std::string> tokens;
  for (int i = 0; i < clients; ++i) tokens.push_back(s.direct_user(role::buyer).second);
  std::mutex mu;
  std::map<int, std::vector<reply>> replies;
  std::latch go(clients * tries);
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i)
    for (int k = 0; k < tries; ++k)
      threads.emplace_back([&, i, k] {
        http_client c(ports[k % 2]);  // each key's tries go to both servers
        go.arrive_and_wait();
        auto r = c.request(http::verb::post, "/v1/orders", m.order_body(m.shop, m.listing, 2),
                           bearer(tokens[i], "storm-" + std::to_string(i)));
        std::lock_guard lk(mu);
        replies[i].push_back(std::move(r));
      });
  for (auto& t : threads) t.join();
  int replayed = 0;
  for (const auto& [i, rs] : replies) {
    REQUIRE(rs.size() == tries);
    for (const auto& r : rs) {
      CHECK(r.status == 201);
      CHECK(r.body == rs.front().body);  // one order per key, the same answer from either server
      replayed += r.header("idempotent-replayed") == "true";
    }
  }
  CHECK(replayed == clients * (tries - 1));
  CHECK(m.stock_of(m.listing) == 1000 - 2 * clients);
  const auto seller = s.get("/v1/orders?as=seller&limit=100", m.farmer).json();
  CHECK(seller.at("items").as_array().size() == clients);
  CHECK(m.ledger().at("balanced").as_bool());
}

TEST_CASE("two servers: a write through one is seen at once there and soon through the other's cache",
          "[.][two_servers][server][listings]") {
  test_server s;
  market m(s, false, 500);
  const unsigned short a = s.port(), b = s.twin_port();
  const auto buyer = s.direct_user(role::buyer).second;
  auto slowest = std::chrono::milliseconds(0);
  for (int i = 1; i <= 20; ++i) {
    REQUIRE(stock_through(b, m.listing) == 500 - (i - 1));  // now in B's response cache
    REQUIRE(stock_through(b, m.listing) == 500 - (i - 1));
    http_client c(a);
    const auto placed = c.request(http::verb::post, "/v1/orders", m.order_body(m.shop, m.listing, 1), bearer(buyer));
    REQUIRE(placed.status == 201);
    const auto acknowledged = std::chrono::steady_clock::now();
    CHECK(stock_through(a, m.listing) == 500 - i);  // the writing server: at once
    const auto seen = seen_after(b, m.listing, 500 - i, acknowledged);
    REQUIRE(seen.has_value());
    slowest = std::max(slowest, *seen);
  }
  WARN("slowest of 20: another server's cached read saw the write " << slowest.count() << " ms after its 2xx");
  CHECK(slowest < std::chrono::milliseconds(2000));
}
