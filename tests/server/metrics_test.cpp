// The Prometheus text of server/metrics: counts kept per thread, summed when read.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "server/metrics.hpp"

using cunji::server::histogram;
using cunji::server::metrics;

namespace {
bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}
}  // namespace

TEST_CASE("histogram buckets are cumulative and sum every thread's observations", "[metrics]") {
  histogram h({1, 10, 100});
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t)  // more threads than shards: some share one
    threads.emplace_back([&h] {
      for (int i = 0; i < 1000; ++i) {
        h.observe(0.5);   // le 1 and every bucket after it
        h.observe(50);    // le 100
        h.observe(1000);  // above every bound: +Inf only
      }
    });
  for (auto& t : threads) t.join();
  std::string out;
  h.render(out, "x");
  CHECK(h.count() == 36000);
  CHECK(has_line(out, R"(x_bucket{le="1"} 12000)"));
  CHECK(has_line(out, R"(x_bucket{le="10"} 12000)"));
  CHECK(has_line(out, R"(x_bucket{le="100"} 24000)"));
  CHECK(has_line(out, R"(x_bucket{le="+Inf"} 36000)"));
  CHECK(has_line(out, "x_sum 12606000"));  // 12,000 x (0.5 + 50 + 1000)
  CHECK(has_line(out, "x_count 36000"));
}

TEST_CASE("requests are counted by method, route and status across threads", "[metrics]") {
  metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&m] {
      for (int i = 0; i < 500; ++i) {
        m.record_request("GET", "/healthz", 200, std::chrono::microseconds(100));
        m.record_request("POST", "/v1/orders", 201, std::chrono::microseconds(3000));
      }
      m.record_request("POST", "/v1/orders", 409, std::chrono::microseconds(3000));
    });
  for (auto& t : threads) t.join();
  const auto out = m.render();
  CHECK(has_line(out, R"(cunji_http_requests_total{method="GET",route="/healthz",status="200"} 2000)"));
  CHECK(has_line(out, R"(cunji_http_requests_total{method="POST",route="/v1/orders",status="201"} 2000)"));
  CHECK(has_line(out, R"(cunji_http_requests_total{method="POST",route="/v1/orders",status="409"} 4)"));
  CHECK(has_line(out, R"(cunji_http_request_duration_seconds_bucket{le="0.0001"} 2000)"));
  CHECK(has_line(out, R"(cunji_http_request_duration_seconds_bucket{le="+Inf"} 4004)"));
}

TEST_CASE("the syncer's syncs are timed and the failed ones counted", "[metrics]") {
  metrics m;
  m.record_sync(std::chrono::microseconds(800), true);     // le 0.001
  m.record_sync(std::chrono::microseconds(30'000), true);  // le 0.05
  m.record_sync(std::chrono::microseconds(4'000), false);  // le 0.005, failed
  const auto out = m.render();
  CHECK(has_line(out, R"(cunji_writer_sync_seconds_bucket{le="0.0005"} 0)"));
  CHECK(has_line(out, R"(cunji_writer_sync_seconds_bucket{le="0.001"} 1)"));
  CHECK(has_line(out, R"(cunji_writer_sync_seconds_bucket{le="0.005"} 2)"));
  CHECK(has_line(out, R"(cunji_writer_sync_seconds_bucket{le="0.05"} 3)"));
  CHECK(has_line(out, "cunji_writer_sync_seconds_sum 0.0348"));
  CHECK(has_line(out, "cunji_writer_sync_seconds_count 3"));
  CHECK(has_line(out, "cunji_writer_failed_syncs_total 1"));
}
