#include "server/router.hpp"

#include <catch2/catch.hpp>

using namespace cunji::server;

TEST_CASE("router matches templates, reports 405 methods, extracts parameters", "[server][router]") {
  router<int> r;
  r.add(http::verb::get, "/v1/orders", 1);
  r.add(http::verb::post, "/v1/orders", 2);
  r.add(http::verb::get, "/v1/orders/{id}", 3);
  r.add(http::verb::post, "/v1/orders/{id}/pay", 4);

  auto m = r.find(http::verb::post, "/v1/orders/42/pay");
  REQUIRE(m.route);
  CHECK(*m.route == 4);
  CHECK(m.tmpl == "/v1/orders/{id}/pay");
  CHECK(m.params.get("id") == "42");

  m = r.find(http::verb::get, "/v1/orders/");
  REQUIRE(m.route);
  CHECK(*m.route == 1);

  m = r.find(http::verb::delete_, "/v1/orders");
  CHECK_FALSE(m.route);
  CHECK(m.allow == "GET, POST");

  m = r.find(http::verb::get, "/v1/orders/42/pay");
  CHECK_FALSE(m.route);
  CHECK(m.allow == "POST");

  m = r.find(http::verb::get, "/v1/nothing");
  CHECK_FALSE(m.route);
  CHECK(m.allow.empty());
  CHECK_FALSE(r.find(http::verb::get, "/v1/orders/1/pay/extra").route);
}

TEST_CASE("query strings are split and percent-decoded", "[server][router]") {
  auto q = parse_query("/v1/listings?q=%E8%8B%B9%E6%9E%9C&limit=5&flag&sp=a+b&bad=%zz");
  REQUIRE(q.size() == 5);
  CHECK(q[0] == std::pair<std::string, std::string>{"q", "苹果"});
  CHECK(q[1] == std::pair<std::string, std::string>{"limit", "5"});
  CHECK(q[2] == std::pair<std::string, std::string>{"flag", ""});
  CHECK(q[3] == std::pair<std::string, std::string>{"sp", "a b"});
  CHECK(q[4] == std::pair<std::string, std::string>{"bad", "%zz"});
  CHECK(target_path("/v1/listings?q=1") == "/v1/listings");
  CHECK(parse_query("/v1/x").empty());
}
