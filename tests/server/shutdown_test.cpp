// A graceful stop while many clients are reading and writing: every request is answered whole
// or its connection closed, every acknowledged write is committed and nothing else is, and
// join() returns. Run under ThreadSanitizer too (CUNJI_TSAN=1 scripts/test): the stop walks
// the connections while the acceptor adds them and they remove themselves.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;

TEST_CASE("stopping under load: whole answers or closed connections, acknowledged writes only",
          "[server][http][sqlite]") {
  test_server s;
  constexpr int clients = 8;
  std::atomic<int> answered{0}, registered{0}, wrong{0}, phones{0};
  std::latch started(clients);
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&] {
      started.count_down();
      for (;;) {
        try {
          http_client c(s.port());
          for (int k = 0; k < 4; ++k) {
            reply r;
            if (k == 0) {
              const auto phone = "+86139" + std::to_string(20'000'000 + phones++);
              r = c.request(http::verb::post, "/v1/accounts",
                            R"({"role":"buyer","name":"王五","phone":")" + phone + R"(","password":"password1"})",
                            {{"Content-Type", "application/json"}});
              if (r.status == 201) ++registered;
              else ++wrong;
            } else {
              r = c.request(http::verb::get, k == 1 ? "/metrics" : "/healthz");
              if (r.status != 200) ++wrong;
            }
            ++answered;
          }
        } catch (const std::exception&) {
          // Refused, reset or closed: expected once the stop has begun.
          if (s.srv().stopping()) return;
        }
      }
    });
  }
  started.wait();
  while (registered < 3 * clients) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  s.srv().stop();
  s.srv().join();  // returns: every connection has ended
  for (auto& th : threads) th.join();

  CHECK(wrong == 0);
  CHECK(answered >= registered);
  auto q = s.db().reader().prepare("SELECT count(*) FROM accounts");
  REQUIRE(q.step());
  CHECK(q.i64(0) == registered.load());
}
