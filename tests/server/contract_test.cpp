#include "openapi_contract.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <set>

#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;
namespace json = boost::json;

namespace {

reply json_reply(unsigned status, const std::string& body, const std::string& type = "application/json") {
  reply r;
  r.status = status;
  r.body = body;
  r.headers["content-type"] = type;
  return r;
}

// True if some problem line holds `needle`.
bool mentions(const std::vector<std::string>& problems, const std::string& needle) {
  for (const auto& p : problems)
    if (p.find(needle) != std::string::npos) return true;
  return false;
}

const std::string a_shop =
    R"({"id":1,"village_id":2,"county_id":3,"name":"李家果园","description":"","status":"active",)"
    R"("owner_account_id":4,"villager_id":null,"partner_id":null,"created_at":"2026-11-23T14:00:00Z"})";

}  // namespace

TEST_CASE("every route the server has is documented, and every documented operation is routed", "[server][contract]") {
  test_server s;
  std::set<std::string> routed, documented;
  s.srv().app().routes().for_each([&](http::verb m, std::string_view tmpl, const auto&) {
    routed.insert(std::string(http::to_string(m)) + " " + std::string(tmpl));
  });
  for (const auto& [path, item] : contract::document().at("paths").as_object())
    for (const auto& [name, op] : item.as_object()) {
      std::string upper(name);
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (http::string_to_verb(upper) != http::verb::unknown) documented.insert(upper + " " + std::string(path));
    }
  CHECK(routed.size() > 30);
  CHECK(routed == documented);
}

TEST_CASE("the contract check accepts a conforming answer and names what breaks one", "[server][contract]") {
  CHECK(contract::check("GET", "/v1/shops/1", json_reply(200, a_shop)).empty());

  SECTION("an undocumented and a missing property, with their pointers") {
    auto body = json::parse(a_shop).as_object();
    body.erase("name");
    body["phone"] = "13900000000";
    const auto p = contract::check("GET", "/v1/shops/1?x=1", json_reply(200, json::serialize(body)));
    REQUIRE(p.size() == 2);
    CHECK(mentions(p, "GET /v1/shops/1?x=1 -> 200 (GET /v1/shops/{id}): (body): lacks required property \"name\""));
    CHECK(mentions(p, "/phone: is not a documented property"));
  }
  SECTION("an undocumented status, media type, or a body that is not JSON") {
    CHECK(mentions(contract::check("GET", "/v1/shops/1", json_reply(418, "{}")), "status 418 is not documented"));
    CHECK(mentions(contract::check("GET", "/v1/shops/1", json_reply(200, a_shop, "text/html")),
                   "Content-Type \"text/html\" is not documented"));
    CHECK(mentions(contract::check("GET", "/v1/shops/1", json_reply(200, "{")), "the body is not JSON"));
    CHECK(mentions(contract::check("DELETE", "/v1/sessions/current", json_reply(204, "{}")), "documents no body"));
  }
  SECTION("a problem of the wrong type for its status, or without its required header") {
    const std::string forbidden = R"({"type":"forbidden","title":"Forbidden","status":403,"detail":"no"})";
    CHECK(contract::check("PATCH", "/v1/shops/1", json_reply(403, forbidden, "application/problem+json")).empty());
    CHECK(mentions(contract::check("PATCH", "/v1/shops/1", json_reply(404, forbidden, "application/problem+json")),
                   "/type: is \"forbidden\", expected \"not_found\""));
    const std::string unauth = R"({"type":"unauthenticated","title":"Unauthenticated","status":401,"detail":"no"})";
    auto r = json_reply(401, unauth, "application/problem+json");
    CHECK(mentions(contract::check("GET", "/v1/me", r), "lacks the required header WWW-Authenticate"));
    r.headers["www-authenticate"] = "Basic";
    CHECK(mentions(contract::check("GET", "/v1/me", r), "header WWW-Authenticate: is \"Basic\""));
  }
  SECTION("a body in a coding other than gzip, or a gzip body that does not inflate") {
    auto r = json_reply(200, a_shop);
    r.headers["content-encoding"] = "br";
    CHECK(mentions(contract::check("GET", "/v1/shops/1", r), "Content-Encoding \"br\" is not gzip"));
    r.headers["content-encoding"] = "gzip";
    r.decode_error = "the gzip body does not inflate";
    CHECK(mentions(contract::check("GET", "/v1/shops/1", r), "the gzip body does not inflate"));
  }
  SECTION("unknown paths and methods must get the generic 404 and 405 problems") {
    const std::string not_found = R"({"type":"not_found","title":"Not found","status":404,"detail":"no"})";
    CHECK(contract::check("GET", "/v1/nowhere", json_reply(404, not_found, "application/problem+json")).empty());
    CHECK(mentions(contract::check("GET", "/v1/nowhere", json_reply(200, "{}")), "expected 404"));
    const std::string not_allowed =
        R"({"type":"method_not_allowed","title":"Method not allowed","status":405,"detail":"no"})";
    auto r = json_reply(405, not_allowed, "application/problem+json");
    CHECK(mentions(contract::check("DELETE", "/v1/shops/1", r), "lacks the required header Allow"));
    r.headers["allow"] = "GET, PATCH";
    CHECK(contract::check("DELETE", "/v1/shops/1", r).empty());
    CHECK(mentions(contract::check("DELETE", "/v1/nowhere", r), "expected 404"));
  }
}

TEST_CASE("the request line of raw bytes is found for the contract check", "[server][contract]") {
  CHECK(contract::request_line_of("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n") ==
        std::pair<std::string, std::string>{"GET", "/healthz"});
  CHECK(contract::request_line_of("HELLO\r\n\r\n") == std::pair<std::string, std::string>{});
}

TEST_CASE("responses are counted as they are checked", "[server][contract]") {
  test_server s;
  const auto before = contract::responses_checked();
  CHECK(s.get("/healthz").status == 200);
  CHECK(s.get("/v1/no-such-thing").status == 404);
  CHECK(contract::responses_checked() == before + 2);
}
