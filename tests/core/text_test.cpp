#include "core/text.hpp"

#include <catch2/catch.hpp>
#include <string_view>
#include <utility>

using cunji::text::decode_utf8;
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

TEST_CASE("decode_utf8 decodes one code point, strictly", "[core][text]") {
  auto cp = [](std::string_view s, std::size_t i = 0) { return std::pair(decode_utf8(s, i).cp, decode_utf8(s, i).len); };
  CHECK(cp("a") == std::pair<char32_t, std::size_t>{U'a', 1});
  CHECK(cp("\xC3\xA9") == std::pair<char32_t, std::size_t>{0xE9, 2});
  CHECK(cp("x苹", 1) == std::pair<char32_t, std::size_t>{0x82F9, 3});
  CHECK(cp("\xF0\x9F\x8D\x8E") == std::pair<char32_t, std::size_t>{0x1F34E, 4});
  CHECK(cp("\xF4\x8F\xBF\xBF") == std::pair<char32_t, std::size_t>{0x10FFFF, 4});
  for (const char* bad : {"\x80", "\xC1\xBF", "\xE0\x9F\xBF", "\xED\xA0\x80", "\xF0\x8F\xBF\xBF", "\xF4\x90\x80\x80",
                          "\xF5\x80\x80\x80", "\xE8\x8B", "\xC3("})
    CHECK(decode_utf8(bad, 0).len == 0);
}

TEST_CASE("has_control_chars allows tab and newlines only", "[core][text]") {
  CHECK_FALSE(has_control_chars("line one\nline two\ttab\r"));
  CHECK(has_control_chars(std::string_view("a\0b", 3)));
  CHECK(has_control_chars("bell\a"));
  CHECK(has_control_chars("del\x7F"));
}
