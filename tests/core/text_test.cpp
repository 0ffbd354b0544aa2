#include "core/text.hpp"

#include <catch2/catch.hpp>

using cunji::text::has_control_chars;
using cunji::text::utf8_length;

TEST_CASE("utf8_length counts code points and rejects invalid UTF-8", "[core][text]") {
  SECTION("valid text") {
    CHECK(utf8_length("") == 0u);
    CHECK(utf8_length("abc") == 3u);
    CHECK(utf8_length("苹果") == 2u);
    CHECK(utf8_length("5斤装 apples") == 10u);
    CHECK(utf8_length("\xF0\x9F\x8D\x8E") == 1u);  // 🍎
  }
  SECTION("invalid text") {
    CHECK_FALSE(utf8_length("\xFF"));
    CHECK_FALSE(utf8_length("\xC3"));            // truncated
    CHECK_FALSE(utf8_length("\xC0\xAF"));        // overlong '/'
    CHECK_FALSE(utf8_length("\xED\xA0\x80"));    // surrogate
    CHECK_FALSE(utf8_length("\xF4\x90\x80\x80")); // above U+10FFFF
    CHECK_FALSE(utf8_length("ok\x80"));
  }
}

TEST_CASE("has_control_chars allows tab and newlines only", "[core][text]") {
  CHECK_FALSE(has_control_chars("line one\nline two\ttab\r"));
  CHECK(has_control_chars(std::string_view("a\0b", 3)));
  CHECK(has_control_chars("bell\a"));
  CHECK(has_control_chars("del\x7F"));
}
