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

  m = r.find(http::verb::delete_, "/v1/orders");
  CHECK_FALSE(m.route);
  CHECK(m.allow == "GET, HEAD, POST");

  m = r.find(http::verb::get, "/v1/orders/42/pay");
  CHECK_FALSE(m.route);
  CHECK(m.allow == "POST");

  m = r.find(http::verb::get, "/v1/nothing");
  CHECK_FALSE(m.route);
  CHECK(m.allow.empty());
  CHECK_FALSE(r.find(http::verb::get, "/v1/orders/1/pay/extra").route);
}

TEST_CASE("only canonical paths match: no empty segment, no leading zero in an id", "[server][router]") {
  router<int> r;
  r.add(http::verb::get, "/v1/orders", 1);
  r.add(http::verb::get, "/v1/orders/{id}", 3);
  r.add(http::verb::post, "/v1/orders/{id}/pay", 4);
  r.add(http::verb::get, "/v1/stations/{partner_id}", 5);
  r.add(http::verb::get, "/v1/files/{name}", 6);
  CHECK(r.find(http::verb::get, "/v1/orders").route);
  CHECK(r.find(http::verb::get, "/v1/orders/9223372036854775807").route);
  CHECK(r.find(http::verb::get, "/v1/stations/12").route);
  for (const char* path :
       {"/v1/orders/", "//v1/orders", "/v1//orders", "/v1/orders//", "v1/orders", "", "/", "/v1/orders/007",
        "/v1/orders/0", "/v1/orders/-1", "/v1/orders/+1", "/v1/orders/1x", "/v1/orders/9223372036854775808",
        "/v1/orders//pay", "/v1/orders/07/pay", "/v1/orders/7/pay/", "/v1/stations/012", "/v1/files/"}) {
    INFO(path);
    const auto m = r.find(http::verb::get, path);
    CHECK_FALSE(m.route);
    CHECK(m.allow.empty());  // 404, not 405
  }
  const auto named = r.find(http::verb::get, "/v1/files/007");  // only id parameters are numbers
  REQUIRE(named.route);
  CHECK(named.params.get("name") == "007");
}

TEST_CASE("HEAD matches the GET route of a path", "[server][router]") {
  router<int> r;
  r.add(http::verb::get, "/v1/orders/{id}", 3);
  r.add(http::verb::post, "/v1/orders/{id}/pay", 4);
  r.add(http::verb::get, "/healthz", 7);
  r.add(http::verb::head, "/healthz", 8);
  auto m = r.find(http::verb::head, "/v1/orders/5");
  REQUIRE(m.route);
  CHECK(*m.route == 3);
  CHECK(m.tmpl == "/v1/orders/{id}");
  CHECK(m.params.get("id") == "5");
  m = r.find(http::verb::head, "/v1/orders/5/pay");
  CHECK_FALSE(m.route);
  CHECK(m.allow == "POST");
  m = r.find(http::verb::head, "/healthz");  // a HEAD route of its own comes first
  REQUIRE(m.route);
  CHECK(*m.route == 8);
  CHECK(r.find(http::verb::put, "/healthz").allow == "GET, HEAD");
  CHECK_FALSE(r.find(http::verb::head, "/v1/orders/05").route);
}

TEST_CASE("targets with a malformed percent-escape or invalid UTF-8 are not well formed", "[server][router]") {
  for (const char* ok : {"/v1/orders", "/v1/listings?q=%E8%8B%B9%E6%9E%9C&limit=5", "/v1/listings?q=a+b%20c",
                         "/v1/listings?q=%25", "/v1/%6Frders", "/v1/listings?q=%e8%8b%b9", "/"})
    CHECK(is_well_formed_target(ok));
  for (const char* bad : {"/v1/listings?q=%ZZ", "/v1/listings?q=%4", "/v1/listings?q=%", "/v1/listings?q=%C0%AF",
                          "/v1/%C0%AF", "/v1/orders%", "/v1/listings?q=%E8%8B", "/v1/listings?q=%FF",
                          "/v1/listings?%ZZ=1", "/v1/listings?q=\xC0", "/v1/listings?q=%ED%A0%80"})
    CHECK_FALSE(is_well_formed_target(bad));
  CHECK(is_well_formed_target("/v1/listings?q=\xE8\x8B\xB9"));  // raw UTF-8 bytes are text too
  CHECK_FALSE(is_well_formed_target("/v1/listings?q=\xE8\x8B"));
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
