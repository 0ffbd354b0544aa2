// Input that is the same is read the same: phones in one form, blank and padded text, repeated
// JSON keys, integral numbers, ranges named in errors.
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "order_fixture.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {
std::string account_body(const std::string& name, const std::string& phone) {
  return R"({"role":"buyer","name":")" + name + R"(","phone":")" + phone + R"(","password":"password1"})";
}
std::string login_body(const std::string& phone) { return R"({"phone":")" + phone + R"(","password":"password1"})"; }
std::string order_with(const market& m, const std::string& quantity, const std::string& delivery = "") {
  return R"({"shop_id":)" + std::to_string(m.shop) + R"(,"items":[{"listing_id":)" + std::to_string(m.listing) +
         R"(,"quantity":)" + quantity + R"(}],"delivery":)" +
         (delivery.empty() ? R"({"method":"station_pickup"})" : delivery) + "}";
}
}  // namespace

TEST_CASE("phones: every spelling of a mainland number is one account", "[server][accounts][phone]") {
  test_server s;
  auto r = s.post("/v1/accounts", account_body("王芳", "+86 139-0013-9000"));
  REQUIRE(r.status == 201);
  CHECK(r.json().at("phone").as_string() == "13900139000");
  for (const char* same : {"13900139000", "008613900139000", "+8613900139000", "139 0013 9000"}) {
    INFO(same);
    r = s.post("/v1/accounts", account_body("王芳", same));
    CHECK(r.status == 409);
    CHECK(r.type() == "conflict");
    r = s.post("/v1/sessions", login_body(same));
    CHECK(r.status == 201);
  }
  r = s.post("/v1/accounts", account_body("李四", "+86 phone"));
  CHECK(r.status == 422);
  CHECK(r.error_fields() == std::vector<std::string>{"phone"});
  r = s.post("/v1/accounts", account_body("李四", "+86 139-0013-900"));  // 10 digits: no mainland number
  CHECK(r.status == 201);
  CHECK(r.json().at("phone").as_string() == "+861390013900");
}

TEST_CASE("phones: failed sign-ins count against the number, however it is spelled", "[server][accounts][phone]") {
  test_server s;
  REQUIRE(s.post("/v1/accounts", account_body("王芳", "13900139000")).status == 201);
  const char* spellings[] = {"+86 139 0013 9000", "13900139000", "0086-139-0013-9000"};
  for (int i = 0; i < 10; ++i)
    CHECK(s.post("/v1/sessions", R"({"phone":")" + std::string(spellings[i % 3]) + R"(","password":"wrong-pass"})")
              .status == 401);
  const auto r = s.post("/v1/sessions", login_body("13900139000"));
  CHECK(r.status == 429);
}

TEST_CASE("phones: villagers' phones are stored in the one form", "[server][catalog][phone]") {
  test_server s;
  market m(s);
  auto r = s.post("/v1/villagers", R"({"name":"李爷爷","phone":"+86 136-0013-6000"})", m.partner);
  REQUIRE(r.status == 201);
  CHECK(r.json().at("phone").as_string() == "13600136000");
  r = s.post("/v1/villagers", R"({"name":"李爷爷","phone":"+86 136#"})", m.partner);
  CHECK(r.status == 422);
  CHECK(r.error_fields() == std::vector<std::string>{"phone"});
}

TEST_CASE("text: blank means Unicode white space or invisible characters too, and names are trimmed",
          "[server][text]") {
  test_server s;
  for (const char* blank : {"\u3000", "\u00A0\u00A0", "\u200B", "\uFEFF", " \u3000\u2060 "}) {
    INFO(blank);
    const auto r = s.post("/v1/accounts", account_body(blank, "13900139001"));
    CHECK(r.status == 422);
    CHECK(r.error_fields() == std::vector<std::string>{"name"});
  }
  auto r = s.post("/v1/accounts", account_body("\u3000 王芳\\t", "13900139001"));
  REQUIRE(r.status == 201);
  CHECK(r.json().at("name").as_string() == "王芳");

  market m(s);
  const auto listings = "/v1/shops/" + std::to_string(m.shop) + "/listings";
  const auto listing = [](const std::string& title) {
    return R"({"title":")" + title + R"(","category":"fruit","unit":"jin","price_fen":100,"stock":1})";
  };
  r = s.post(listings, listing("\u3000\u200B"), m.farmer);
  CHECK(r.status == 422);
  CHECK(r.error_fields() == std::vector<std::string>{"title"});
  std::string long_title;
  for (int i = 0; i < 120; ++i) long_title += "果";
  r = s.post(listings, listing("  " + long_title + "\u3000"), m.farmer);  // 120 characters once trimmed
  REQUIRE(r.status == 201);
  CHECK(r.json().at("title").as_string() == long_title);
  r = s.post("/v1/shops", R"({"name":" 李家果园\u3000"})", m.farmer);
  REQUIRE(r.status == 201);
  CHECK(r.json().at("name").as_string() == "李家果园");

  const auto buyer = s.direct_user(role::buyer, m.village).second;
  r = s.post("/v1/orders", order_with(m, "1", R"({"method":"address","address":"\u3000\u00A0"})"), buyer);
  CHECK(r.status == 422);
  CHECK(r.error_fields() == std::vector<std::string>{"delivery.address"});
}

TEST_CASE("JSON: a repeated key at any depth is 400 malformed_json", "[server][json]") {
  test_server s;
  market m(s);
  const auto buyer = s.direct_user(role::buyer, m.village).second;
  for (const std::string& body :
       {std::string(R"({"role":"buyer","role":"admin","name":"王芳","phone":"13900139001","password":"password1"})"),
        std::string(R"({"role":"buyer","name":"王芳","phone":"13900139001","password":"password1","password":"x"})")}) {
    const auto r = s.post("/v1/accounts", body);
    CHECK(r.status == 400);
    CHECK(r.type() == "malformed_json");
  }
  const auto nested = R"({"shop_id":)" + std::to_string(m.shop) + R"(,"items":[{"listing_id":)" +
                      std::to_string(m.listing) + R"(,"quantity":1,"quantity":1000}],)" +
                      R"("delivery":{"method":"station_pickup"}})";
  auto r = s.post("/v1/orders", nested, buyer);
  CHECK(r.status == 400);
  CHECK(r.type() == "malformed_json");
  r = s.post("/v1/orders", order_with(m, "1", R"({"method":"address","method":"station_pickup"})"), buyer);
  CHECK(r.status == 400);
  // Keys that differ only in case, or repeat in different objects, are different keys.
  r = s.post("/v1/orders", order_with(m, "1", R"({"method":"station_pickup","Method":"x"})"), buyer);
  CHECK(r.status == 422);
  CHECK(r.error_fields() == std::vector<std::string>{"delivery.Method"});
}

TEST_CASE("JSON: integral numbers are integers, and out of range names the range", "[server][json]") {
  test_server s;
  market m(s, false, 1000);
  const auto buyer = s.direct_user(role::buyer, m.village).second;
  for (const char* integral : {"1.0", "2e0", "3.000", "0.4e1"}) {
    INFO(integral);
    const auto r = s.post("/v1/orders", order_with(m, integral), buyer);
    CHECK(r.status == 201);
  }
  for (const char* bad : {"0", "10001", "1.5", "1e20", "18446744073709551615", "-9223372036854775809", "\"2\""}) {
    INFO(bad);
    const auto r = s.post("/v1/orders", order_with(m, bad), buyer);
    CHECK(r.status == 422);
    CHECK(r.error_fields() == std::vector<std::string>{"items[0].quantity"});
    CHECK(r.json().at("errors").at(0).at("message").as_string() == "must be an integer from 1 to 10000");
  }
  auto r = s.post("/v1/orders", R"({"shop_id":1e30,"items":[],"delivery":{"method":"station_pickup"}})", buyer);
  CHECK(r.status == 422);
  const auto errors = r.json().at("errors").as_array();
  CHECK(errors.at(0).at("field").as_string() == "shop_id");
  CHECK(errors.at(0).at("message").as_string() == "must be an integer from 1 to 9223372036854775807");
}
