// The HTTP layer end to end over real sockets: routing, limits, errors, timeouts, shutdown.
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <latch>
#include <thread>

#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
const header_list json_ct{{"Content-Type", "application/json"}};

// Reads until the peer closes; true if it closed within `limit`.
bool closed_within(tcp::socket& s, std::chrono::milliseconds limit) {
  auto fut = std::async(std::launch::async, [&s] {
    char buf[1024];
    boost::system::error_code ec;
    while (!ec) s.read_some(net::buffer(buf), ec);
    return true;
  });
  return fut.wait_for(limit) == std::future_status::ready;
}
}  // namespace

TEST_CASE("healthz, 404 and 405", "[server][http]") {
  test_server s;
  auto r = s.get("/healthz");
  CHECK(r.status == 200);
  CHECK(r.header("content-type") == "application/json");
  CHECK(r.body == R"({"status":"ok"})");

  r = s.get("/v1/nowhere");
  CHECK(r.status == 404);
  CHECK(r.type() == "not_found");
  CHECK(r.json().at("status").as_int64() == 404);

  r = s.post("/healthz", "{}");
  CHECK(r.status == 405);
  CHECK(r.type() == "method_not_allowed");
  CHECK(r.header("allow") == "GET, HEAD");

  r = s.del("/v1/accounts");
  CHECK(r.status == 405);
  CHECK(r.header("allow") == "POST, GET, HEAD");
}

TEST_CASE("request bodies: media type, JSON, size, depth", "[server][http]") {
  test_server s;
  SECTION("wrong content type is 415") {
    auto r = s.send(http::verb::post, "/v1/accounts", "{}", {{"Content-Type", "text/plain"}});
    CHECK(r.status == 415);
    CHECK(r.type() == "unsupported_media_type");
    r = s.send(http::verb::post, "/v1/sessions", R"({"phone":"12345"})", {});
    CHECK(r.status == 415);
  }
  SECTION("content type parameters are fine") {
    auto r = s.send(http::verb::post, "/v1/sessions", R"({"phone":"12345","password":"whatever1"})",
                    {{"Content-Type", "application/json; charset=utf-8"}});
    CHECK(r.status == 401);
  }
  SECTION("malformed JSON is 400") {
    for (const char* bad : {R"({"role":)", "not json", R"({"a":1} trailing)", ""}) {
      auto r = s.send(http::verb::post, "/v1/accounts", bad, json_ct);
      CHECK(r.status == 400);
      CHECK(r.type() == "malformed_json");
    }
    auto r = s.send(http::verb::post, "/v1/accounts", "{\"name\":\"\xff\"}", json_ct);  // invalid UTF-8
    CHECK(r.status == 400);
  }
  SECTION("a body that is not an object is 400, before any permission check") {
    auto r = s.send(http::verb::post, "/v1/accounts", "[1,2]", json_ct);
    CHECK(r.status == 400);
    CHECK(r.type() == "malformed_json");
  }
  SECTION("nesting up to 32 parses; deeper is 400") {
    auto nested = [](int depth) {
      std::string inner = std::string(static_cast<std::size_t>(depth - 1), '[') +
                          std::string(static_cast<std::size_t>(depth - 1), ']');
      return R"({"x":)" + inner + "}";
    };
    auto r = s.send(http::verb::post, "/v1/accounts", nested(32), json_ct);
    CHECK(r.status == 422);  // parsed; "x" is then an unknown field
    r = s.send(http::verb::post, "/v1/accounts", nested(33), json_ct);
    CHECK(r.status == 400);
    CHECK(r.type() == "malformed_json");
    r = s.send(http::verb::post, "/v1/accounts", nested(5000), json_ct);
    CHECK(r.status == 400);
  }
  SECTION("a 2 MiB body is 413") {
    auto r = s.send(http::verb::post, "/v1/accounts", std::string(2 * 1024 * 1024, ' '), json_ct);
    CHECK(r.status == 413);
    CHECK(r.type() == "payload_too_large");
  }
  SECTION("headers over 8 KiB are 431") {
    auto r = s.send(http::verb::get, "/healthz", "", {{"X-Padding", std::string(9000, 'a')}});
    CHECK(r.status == 431);
    CHECK(r.type() == "request_header_too_large");
  }
  SECTION("garbage instead of HTTP is 400") {
    http_client c(s.port());
    auto r = c.raw("HELLO\r\n\r\n");
    CHECK(r.status == 400);
  }
}

TEST_CASE("keep-alive serves several requests on one connection", "[server][http]") {
  test_server s;
  http_client c(s.port());
  for (int i = 0; i < 5; ++i) {
    auto r = c.request(http::verb::get, "/healthz");
    CHECK(r.status == 200);
  }
  auto r = c.request(http::verb::get, "/nope");
  CHECK(r.status == 404);
  r = c.request(http::verb::get, "/healthz");
  CHECK(r.status == 200);
}

TEST_CASE("an unexpected failure is a 500 problem and the server keeps serving", "[server][http][sqlite]") {
  test_server s;
  const auto token = s.new_user("buyer");
  // Break the sessions table under the running server.
  s.db().writer().submit_sync([](storage::connection& c) -> result<unit> {
    c.exec("DROP TABLE sessions");
    return unit{};
  });
  http_client c(s.port());
  auto r = c.request(http::verb::get, "/v1/me", "", {{"Authorization", "Bearer " + token}});
  CHECK(r.status == 500);
  CHECK(r.type() == "internal");
  CHECK(r.body.find("sessions") == std::string::npos);  // no internals leak
  r = c.request(http::verb::get, "/healthz");
  CHECK(r.status == 200);
}

TEST_CASE("slow and idle clients are dropped on time", "[server][http]") {
  test_server s([](server::server_config& c) {
    c.request_timeout = std::chrono::milliseconds(300);
    c.idle_timeout = std::chrono::milliseconds(300);
  });
  net::io_context ioc;
  SECTION("half a request header, then silence") {
    tcp::socket sock(ioc);
    sock.connect({net::ip::make_address("127.0.0.1"), s.port()});
    net::write(sock, net::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n")));
    CHECK(closed_within(sock, std::chrono::milliseconds(3000)));
  }
  SECTION("an idle keep-alive connection") {
    tcp::socket sock(ioc);
    sock.connect({net::ip::make_address("127.0.0.1"), s.port()});
    CHECK(closed_within(sock, std::chrono::milliseconds(3000)));
  }
  SECTION("a normal client is unaffected") { CHECK(s.get("/healthz").status == 200); }
}

TEST_CASE("connections beyond the limit get a fast 503", "[server][http]") {
  test_server s([](server::server_config& c) { c.max_connections = 2; });
  http_client a(s.port()), b(s.port());
  CHECK(a.request(http::verb::get, "/healthz").status == 200);
  CHECK(b.request(http::verb::get, "/healthz").status == 200);
  http_client c(s.port());
  auto r = c.request(http::verb::get, "/healthz");
  CHECK(r.status == 503);
  CHECK(r.type() == "overloaded");
  CHECK(r.header("retry-after") == "1");
  // The others keep working.
  CHECK(a.request(http::verb::get, "/healthz").status == 200);
}

TEST_CASE("metrics are Prometheus text for loopback callers", "[server][http][sqlite]") {
  test_server s;
  s.get("/healthz");
  s.get("/v1/nowhere");
  // Two writes, each answered after its batch was committed and reported to the metrics.
  s.new_user("buyer");
  // A request is counted once its response has been written, which can be just after the
  // client has read it: give the counter a moment.
  reply r;
  for (int i = 0; i < 100; ++i) {
    r = s.get("/metrics");
    if (r.body.find(R"(route="unmatched",status="404")") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type").rfind("text/plain", 0) == 0);
  CHECK(r.body.find(R"(cunji_http_requests_total{method="GET",route="/healthz",status="200"} 1)") != std::string::npos);
  CHECK(r.body.find(R"(route="unmatched",status="404")") != std::string::npos);
  CHECK(r.body.find("cunji_http_request_duration_seconds_bucket") != std::string::npos);
  CHECK(r.body.find("cunji_writer_batch_size_bucket") != std::string::npos);
  CHECK(r.body.find("cunji_writer_commit_seconds_count") != std::string::npos);
  CHECK(r.body.find("cunji_writer_sync_seconds_count") != std::string::npos);
  CHECK(r.body.find("\ncunji_writer_failed_syncs_total 0\n") != std::string::npos);
  // The writer thread's batch reports reach the histogram (registration and login: 2 writes).
  const auto at = r.body.find("\ncunji_writer_batch_size_count ");
  REQUIRE(at != std::string::npos);
  CHECK(std::stoll(r.body.substr(at + 31)) >= 2);
}

TEST_CASE("the OpenAPI document is served", "[server][http]") {
  test_server s;
  auto r = s.get("/openapi.json");
  REQUIRE(r.status == 200);
  auto doc = r.json();
  CHECK(doc.at("openapi").as_string() == "3.1.0");
  CHECK(doc.at("paths").as_object().contains("/v1/sessions"));
}

TEST_CASE("graceful stop finishes the request in flight and closes idle connections", "[server][http][sqlite]") {
  test_server s;
  http_client idle(s.port());
  CHECK(idle.request(http::verb::get, "/healthz").status == 200);

  // Hold the writer so that a registration is in flight when the stop begins.
  std::promise<void> release;
  auto released = release.get_future().share();
  std::latch holding(1);
  auto blocker = std::async(std::launch::async, [&] {
    return s.db().writer().submit_sync([&](storage::connection&) -> result<unit> {
      holding.count_down();
      released.wait();
      return unit{};
    });
  });
  holding.wait();
  auto in_flight = std::async(std::launch::async, [&] {
    return s.post("/v1/accounts", R"({"role":"buyer","name":"李四","phone":"13911112222","password":"password1"})");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  s.srv().stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  release.set_value();
  auto r = in_flight.get();
  CHECK(r.status == 201);
  CHECK(r.header("connection") == "close");
  s.srv().join();  // returns: every connection has ended
  CHECK(blocker.get().ok());
  // The idle connection was closed by the server.
  CHECK_THROWS(idle.request(http::verb::get, "/healthz"));
}
