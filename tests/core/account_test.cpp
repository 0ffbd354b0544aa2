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
registration valid_buyer() {
  return registration{role::buyer, "王小明", "+8613800000000", "correct horse", std::nullopt};
}
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
  failures.push_back(now - 100);                  // the 10th, 100 s ago
  const auto wait = login_retry_after(failures, now);
  REQUIRE(wait);
  CHECK(*wait == 15 * 60 - 100);
  // When the 10th-newest failure leaves the window, logins open again.
  CHECK_FALSE(login_retry_after(failures, now - 100 + 15 * 60));
  CHECK(login_retry_after(failures, now - 100 + 15 * 60 - 1) == 1);
}

TEST_CASE("phones have one form: separators and the mainland's country code go", "[core][account][phone]") {
  SECTION("mainland mobiles") {
    for (const char* spelling : {"+86 139-0013-9000", "+8613900139000", "008613900139000", "0086 139 0013 9000",
                                 "139 0013 9000", "139-0013-9000", "13900139000", "+86-139-0013-9000"})
      CHECK(normalize_phone(spelling) == "13900139000");
  }
  SECTION("mainland landlines get their trunk 0") {
    CHECK(normalize_phone("+86 10 6552 9988") == "01065529988");
    CHECK(normalize_phone("0086-23-6386-2345") == "02363862345");
    CHECK(normalize_phone("+86 755 8765 4321") == "075587654321");
    CHECK(normalize_phone("010-6552-9988") == "01065529988");
  }
  SECTION("other numbers keep their form, without separators") {
    CHECK(normalize_phone("+852 9123 4567") == "+85291234567");
    CHECK(normalize_phone("+1 415-555-0100") == "+14155550100");
    CHECK(normalize_phone("+8612345") == "+8612345");                 // not a mainland number
    CHECK(normalize_phone("+86 123 4567 8901") == "+8612345678901");  // 12x is no mobile prefix
    CHECK(normalize_phone("+86139001390001") == "+86139001390001");   // 12 digits
    CHECK(normalize_phone("12345") == "12345");
    CHECK(normalize_phone("") == "");
  }
  SECTION("normalizing twice changes nothing") {
    for (const char* p : {"+86 139-0013-9000", "+86 10 6552 9988", "+852 9123 4567", "0086", "+86", "--", "a b"})
      CHECK(normalize_phone(normalize_phone(p)) == normalize_phone(p));
  }
  SECTION("what is still no phone after normalizing fails check_phone") {
    CHECK_FALSE(check_phone(normalize_phone("+86 139-0013-9000")));
    CHECK(check_phone(normalize_phone("139.0013.9000")));
    CHECK(check_phone(normalize_phone("+86 (139) 0013")));
    CHECK(check_phone(normalize_phone("1 2 3")));
  }
}

TEST_CASE("a registration is normalized before it is checked", "[core][account]") {
  auto r = valid_buyer();
  r.name = "\u3000 王小明 \t";
  r.phone = "+86 138-0000-0000";
  normalize(r);
  CHECK(r.name == "王小明");
  CHECK(r.phone == "13800000000");
  CHECK(validate_registration(r).empty());
  r.name = "\u3000\u200B\uFEFF";
  normalize(r);
  CHECK(fields_of(validate_registration(r)) == std::vector<std::string>{"name"});
}

TEST_CASE("names and required text reject blank text, Unicode white space included", "[core][text]") {
  for (const char* blank : {"", " ", "\u3000", "\u00A0\u00A0", "\u200B", "\uFEFF", "\u200C\u200D", "\u2060 \u3000"}) {
    CHECK(check_name(blank) == "must not be blank");
    CHECK(check_text(blank, 200, true) == "must not be blank");
    CHECK_FALSE(check_text(blank, 200, false));  // optional text may be empty
  }
  CHECK_FALSE(check_name("李"));
  CHECK_FALSE(check_text("村口小卖部", 200, true));
  CHECK(check_text(std::string(201, 'x'), 200, true) == "must be at most 200 characters");
  CHECK(check_text("a\x01", 200) == "must not contain control characters");
  CHECK(check_text("\xC0\xAF", 200) == "must be valid UTF-8");
}

TEST_CASE("a phone prefix is searched without its country code", "[core][accounts]") {
  CHECK(phone_prefix_for_search("+86139") == "139");
  CHECK(phone_prefix_for_search("0086139") == "139");
  CHECK(phone_prefix_for_search("139") == "139");
  CHECK(phone_prefix_for_search("+86") == "+86");  // nothing after it: kept as typed
  CHECK(phone_prefix_for_search("王") == "王");
}
