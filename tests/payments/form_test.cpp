#include "payments/form.hpp"

#include <catch2/catch.hpp>

using namespace cunji::payments;

namespace {

form_fields parsed(std::string_view body) {
  auto r = parse_form(body);
  INFO(body << ": " << (r ? "" : r.err().detail));
  REQUIRE(r);
  return r.value();
}

bool rejected(std::string_view body) { return !parse_form(body).ok(); }

}  // namespace

TEST_CASE("a form decodes '+' as a space and %XX as a byte", "[payments][form]") {
  CHECK(parsed("notify_time=2026-11-23+22%3A00%3A05") == form_fields{{"notify_time", "2026-11-23 22:00:05"}});
  CHECK(parsed("sign=ab%2Bcd%2F%3D%3D") == form_fields{{"sign", "ab+cd/=="}});
  CHECK(parsed("subject=%E6%9D%91%E9%9B%86") == form_fields{{"subject", "村集"}});
  CHECK(parsed("subject=%e6%9d%91%e9%9b%86") == form_fields{{"subject", "村集"}});  // lower-case hex too
  CHECK(parsed("a%5Fb=1") == form_fields{{"a_b", "1"}});                            // keys are decoded too
  CHECK(parsed("a=&b=x=y") == form_fields{{"a", ""}, {"b", "x=y"}});  // an empty value; '=' inside a value
  CHECK(parsed("").empty());
}

TEST_CASE("a form is sorted by key in byte order", "[payments][form]") {
  const auto f = parsed("b=2&a=1&B=3&a_b=4&ab=5");
  std::string keys;
  for (const auto& [k, v] : f) keys += k + ",";
  CHECK(keys == "B,a,a_b,ab,b,");  // '_' (0x5F) sorts before 'b' (0x62), upper case first
}

TEST_CASE("a malformed form is an error", "[payments][form]") {
  SECTION("a repeated key, even with the same value or once encoded") {
    CHECK(rejected("a=1&a=2"));
    CHECK(rejected("a=1&a=1"));
    CHECK(rejected("a=1&%61=1"));
  }
  SECTION("escapes that are not two hex digits") {
    CHECK(rejected("a=%"));
    CHECK(rejected("a=%4"));
    CHECK(rejected("a=%4g"));
    CHECK(rejected("a=%%41"));
    CHECK(rejected("a%=1"));
  }
  SECTION("bytes that are not UTF-8 once decoded") {
    CHECK(rejected("a=%FF"));
    CHECK(rejected("a=%C0%AF"));     // an overlong '/'
    CHECK(rejected("a=%ED%A0%80"));  // a surrogate
    CHECK(rejected("a=%E6%9D"));     // cut short
    CHECK(rejected("%FF=1"));
  }
  SECTION("pairs that are not key=value") {
    CHECK(rejected("a"));
    CHECK(rejected("=1"));
    CHECK(rejected("a=1&&b=2"));
    CHECK(rejected("a=1&"));
    CHECK(rejected("&a=1"));
  }
}

TEST_CASE("encoding keeps RFC 3986's unreserved characters and escapes the rest", "[payments][form]") {
  CHECK(url_encode("AZaz09-._~") == "AZaz09-._~");
  CHECK(url_encode("a b+c&d=e/f*") == "a%20b%2Bc%26d%3De%2Ff%2A");
  CHECK(url_encode("{\"k\":\"村\"}") == "%7B%22k%22%3A%22%E6%9D%91%22%7D");
  CHECK(url_encode(std::string("\0\x7f", 2)) == "%00%7F");
  CHECK(encode_form({{"b", "2 3"}, {"a", "1"}}) == "a=1&b=2%203");
}

TEST_CASE("what is encoded parses back to the same fields", "[payments][form]") {
  const form_fields f{{"biz_content", R"({"subject":"苹果 & 梨","total_amount":"12.34"})"},
                      {"sign", "ab+/=="},
                      {"timestamp", "2026-11-23 22:00:00"},
                      {"empty", ""}};
  CHECK(parsed(encode_form(f)) == f);
}
