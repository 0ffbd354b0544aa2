// Accounts and sessions over HTTP: registration, login, logout, partners, throttling.
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {
std::string account_body(const std::string& role, const std::string& phone, const std::string& extra = "") {
  return R"({"role":")" + role + R"(","name":"王芳","phone":")" + phone + R"(","password":"password1")" + extra + "}";
}
std::vector<std::string> error_fields(const reply& r) { return r.error_fields(); }
}  // namespace

TEST_CASE("register, log in, read me, log out, the old token stops working", "[server][accounts]") {
  test_server s;
  auto r = s.post("/v1/accounts", account_body("buyer", "13900000001"));
  REQUIRE(r.status == 201);
  auto acct = r.json().as_object();
  CHECK(acct.at("role").as_string() == "buyer");
  CHECK(acct.at("name").as_string() == "王芳");
  CHECK(acct.at("phone").as_string() == "13900000001");
  CHECK(acct.at("village_id").is_null());
  CHECK(acct.at("created_at").as_string() == "2026-11-23T14:00:00Z");
  CHECK(acct.size() == 6);  // no password or hash

  r = s.post("/v1/sessions", R"({"phone":"13900000001","password":"password1"})");
  REQUIRE(r.status == 201);
  const std::string token(r.json().at("token").as_string());
  CHECK(token.size() == 43);
  CHECK(r.json().at("account").at("id") == acct.at("id"));

  r = s.get("/v1/me", token);
  REQUIRE(r.status == 200);
  CHECK(r.json().at("id") == acct.at("id"));

  r = s.del("/v1/sessions/current", token);
  CHECK(r.status == 204);
  CHECK(r.body.empty());

  r = s.get("/v1/me", token);
  CHECK(r.status == 401);
  CHECK(r.type() == "unauthenticated");
  CHECK(r.header("www-authenticate") == "Bearer");
}

TEST_CASE("registration errors", "[server][accounts]") {
  test_server s;
  const auto village = s.make_village();
  SECTION("duplicate phone is 409") {
    REQUIRE(s.post("/v1/accounts", account_body("buyer", "13900000001")).status == 201);
    auto r = s.post("/v1/accounts", account_body("buyer", "13900000001"));
    CHECK(r.status == 409);
    CHECK(r.type() == "conflict");
  }
  SECTION("unknown fields are 422, never assigned") {
    auto r = s.post("/v1/accounts", account_body("buyer", "13900000001", R"(,"id":5,"owner_id":1)"));
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    CHECK(error_fields(r) == std::vector<std::string>{"id", "owner_id"});
  }
  SECTION("roles other than buyer and farmer are refused") {
    for (const char* role : {"partner", "admin", "emperor"}) {
      auto r = s.post("/v1/accounts", account_body(role, "13900000001", R"(,"village_id":)" + std::to_string(village)));
      CHECK(r.status == 422);
      CHECK(error_fields(r) == std::vector<std::string>{"role"});
    }
  }
  SECTION("a farmer needs an existing village") {
    auto r = s.post("/v1/accounts", account_body("farmer", "13900000001"));
    CHECK(r.status == 422);
    CHECK(error_fields(r) == std::vector<std::string>{"village_id"});
    r = s.post("/v1/accounts", account_body("farmer", "13900000001", R"(,"village_id":99999)"));
    CHECK(r.status == 422);
    CHECK(error_fields(r) == std::vector<std::string>{"village_id"});
    r = s.post("/v1/accounts", account_body("farmer", "13900000001", R"(,"village_id":)" + std::to_string(village)));
    REQUIRE(r.status == 201);
    CHECK(r.json().at("village_id").as_int64() == village);
  }
  SECTION("field limits and types") {
    auto r = s.post("/v1/accounts", R"({"role":"buyer","name":"","phone":"12-34","password":"short"})");
    CHECK(r.status == 422);
    CHECK(error_fields(r) == std::vector<std::string>{"name", "phone", "password"});
    r = s.post("/v1/accounts", R"({"role":"buyer","name":5,"phone":"13900000001","password":"password1"})");
    CHECK(r.status == 422);
    CHECK(error_fields(r) == std::vector<std::string>{"name"});
    r = s.post("/v1/accounts",
               R"({"role":"buyer","name":"x","phone":"13900000001","password":"password1","village_id":1.5})");
    CHECK(r.status == 422);
    CHECK(error_fields(r) == std::vector<std::string>{"village_id"});
  }
}

TEST_CASE("wrong phone and wrong password get the same 401", "[server][accounts]") {
  test_server s;
  REQUIRE(s.post("/v1/accounts", account_body("buyer", "13900000001")).status == 201);
  auto wrong_pw = s.post("/v1/sessions", R"({"phone":"13900000001","password":"password2"})");
  auto wrong_phone = s.post("/v1/sessions", R"({"phone":"13900000002","password":"password1"})");
  CHECK(wrong_pw.status == 401);
  CHECK(wrong_phone.status == 401);
  CHECK(wrong_pw.body == wrong_phone.body);
  auto missing = s.post("/v1/sessions", R"({"phone":"13900000001"})");
  CHECK(missing.status == 422);
}

TEST_CASE("only admins appoint partners", "[server][accounts]") {
  test_server s;
  const auto village = s.make_village();
  const std::string body = R"({"name":"站长","phone":"13900000009","password":"password1","village_id":)" +
                           std::to_string(village) + "}";
  CHECK(s.post("/v1/partners", body).status == 401);
  auto buyer = s.new_user("buyer");
  auto r = s.post("/v1/partners", body, buyer);
  CHECK(r.status == 403);
  CHECK(r.type() == "forbidden");
  auto farmer = s.new_user("farmer", village);
  CHECK(s.post("/v1/partners", body, farmer).status == 403);

  auto admin = s.admin_token();
  r = s.post("/v1/partners", R"({"name":"站长","phone":"13900000009","password":"password1"})", admin);
  CHECK(r.status == 422);
  CHECK(error_fields(r) == std::vector<std::string>{"village_id"});
  r = s.post("/v1/partners", body, admin);
  REQUIRE(r.status == 201);
  CHECK(r.json().at("role").as_string() == "partner");
  CHECK(r.json().at("village_id").as_int64() == village);
  auto partner = s.login("13900000009", "password1");
  CHECK(s.get("/v1/me", partner).json().at("role").as_string() == "partner");
}

TEST_CASE("after 10 failed logins a phone is throttled for 15 minutes, then the owner gets in", "[server][accounts]") {
  test_server s;
  REQUIRE(s.post("/v1/accounts", account_body("buyer", "13900000001")).status == 201);
  for (int i = 0; i < 10; ++i) {
    auto r = s.post("/v1/sessions", R"({"phone":"13900000001","password":"wrong-guess"})");
    REQUIRE(r.status == 401);
    s.advance_clock(1);
  }
  // Now even the right password is refused, with a Retry-After.
  auto r = s.post("/v1/sessions", R"({"phone":"13900000001","password":"password1"})");
  CHECK(r.status == 429);
  CHECK(r.type() == "rate_limited");
  const int retry = std::stoi(r.header("retry-after"));
  CHECK(retry > 0);
  CHECK(retry <= 15 * 60);
  // Unknown phones are throttled the same way (no hint that a phone exists).
  for (int i = 0; i < 10; ++i) s.post("/v1/sessions", R"({"phone":"13900000077","password":"wrong-guess"})");
  CHECK(s.post("/v1/sessions", R"({"phone":"13900000077","password":"wrong-guess"})").status == 429);
  // Other phones are unaffected.
  REQUIRE(s.post("/v1/accounts", account_body("buyer", "13900000002")).status == 201);
  CHECK(s.post("/v1/sessions", R"({"phone":"13900000002","password":"password1"})").status == 201);

  s.advance_clock(retry - 1);
  CHECK(s.post("/v1/sessions", R"({"phone":"13900000001","password":"password1"})").status == 429);
  s.advance_clock(1);
  CHECK(s.post("/v1/sessions", R"({"phone":"13900000001","password":"password1"})").status == 201);
}

TEST_CASE("tokens expire after 30 days", "[server][accounts]") {
  test_server s;
  const auto token = s.new_user("buyer");
  CHECK(s.get("/v1/me", token).status == 200);
  s.advance_clock(30 * 24 * 3600 - 1);
  CHECK(s.get("/v1/me", token).status == 200);
  s.advance_clock(1);
  CHECK(s.get("/v1/me", token).status == 401);
  CHECK(s.get("/v1/me", "not-a-token").status == 401);
  CHECK(s.send(http::verb::get, "/v1/me", "", {{"Authorization", "Basic abc"}}).status == 401);
}
