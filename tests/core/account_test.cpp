#include "core/account.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace cunji;

namespace {
std::vector<std::string> fields_of(const std::vector<field_error>& errs) {
  std::vector<std::string> out;
  for (const auto& e : errs) out.push_back(e.field);
  return out;
}
registration valid_buyer() { return registration{role::buyer, "王小明", "+8613800000000", "correct horse", std::nullopt}; }
}  // namespace

TEST_CASE("roles round-trip through their names", "[core][account]") {
  for (auto r : {role::buyer, role::farmer, role::partner, role::admin}) CHECK(parse_role(to_string(r)) == r);
  CHECK_FALSE(parse_role("Buyer"));
  CHECK_FALSE(parse_role(""));
}

TEST_CASE("registration rules", "[core][account]") {
  SECTION("a valid buyer has no errors") { CHECK(validate_registration(valid_buyer()).empty()); }
  SECTION("name is 1..50 characters, counted as characters") {
    auto r = valid_buyer();
    r.name = "";
    CHECK(fields_of(validate_registration(r)) == std::vector<std::string>{"name"});
    r.name = std::string(50 * 3, 'x').substr(0, 0);
    for (int i = 0; i < 50; ++i) r.name += "村";  // 50 characters, 150 bytes
    CHECK(validate_registration(r).empty());
    r.name += "村";
    CHECK(fields_of(validate_registration(r)) == std::vector<std::string>{"name"});
    r.name = "   ";
    CHECK(fields_of(validate_registration(r)) == std::vector<std::string>{"name"});
  }
  SECTION("phone is 5..20 digits with an optional +") {
    auto r = valid_buyer();
    for (const char* bad : {"1234", "+123", "123456789012345678901", "138-0000-0000", "phone", "++12345", ""}) {
      r.phone = bad;
      CHECK(fields_of(validate_registration(r)) == std::vector<std::string>{"phone"});
    }
    for (const char* good : {"12345", "+1234", "12345678901234567890"}) {
      r.phone = good;
      CHECK(validate_registration(r).empty());
    }
  }
  SECTION("password is 8..128 characters") {
    auto r = valid_buyer();
    r.password = "1234567";
    CHECK(fields_of(validate_registration(r)) == std::vector<std::string>{"password"});
    r.password = "12345678";
    CHECK(validate_registration(r).empty());
    r.password = std::string(128, 'p');
    CHECK(validate_registration(r).empty());
    r.password = std::string(129, 'p');
    CHECK(fields_of(validate_registration(r)) == std::vector<std::string>{"password"});
  }
  SECTION("farmers and partners need a village; admins cannot register") {
    auto r = valid_buyer();
    r.role = role::farmer;
    CHECK(fields_of(validate_registration(r)) == std::vector<std::string>{"village_id"});
    r.village_id = 7;
    CHECK(validate_registration(r).empty());
    r.village_id = 0;
    CHECK(fields_of(validate_registration(r)) == std::vector<std::string>{"village_id"});
    r = valid_buyer();
    r.role = role::admin;
    CHECK(fields_of(validate_registration(r)) == std::vector<std::string>{"role"});
  }
  SECTION("all errors are reported at once") {
    registration r{role::farmer, "", "x", "short", std::nullopt};
    CHECK(fields_of(validate_registration(r)) == std::vector<std::string>{"name", "phone", "password", "village_id"});
  }
}

TEST_CASE("login throttling: 10 failures in 15 minutes block until the window passes", "[core][account]") {
  const unix_seconds now = 1'800'000'000;
  std::vector<unix_seconds> failures;  // newest first
  for (int i = 0; i < 9; ++i) failures.push_back(now - i * 10);
  CHECK_FALSE(login_retry_after(failures, now));  // 9 failures: still allowed
  failures.push_back(now - 100);                   // the 10th, 100 s ago
  const auto wait = login_retry_after(failures, now);
  REQUIRE(wait);
  CHECK(*wait == 15 * 60 - 100);
  // When the 10th-newest failure leaves the window, logins open again.
  CHECK_FALSE(login_retry_after(failures, now - 100 + 15 * 60));
  CHECK(login_retry_after(failures, now - 100 + 15 * 60 - 1) == 1);
}
