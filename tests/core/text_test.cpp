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
    CHECK_FALSE(utf8_length("\xC3"));              // truncated
    CHECK_FALSE(utf8_length("\xC0\xAF"));          // overlong '/'
    CHECK_FALSE(utf8_length("\xED\xA0\x80"));      // surrogate
    CHECK_FALSE(utf8_length("\xF4\x90\x80\x80"));  // above U+10FFFF
    CHECK_FALSE(utf8_length("ok\x80"));
  }
}

TEST_CASE("decode_utf8 decodes one code point, strictly", "[core][text]") {
  auto cp = [](std::string_view s, std::size_t i = 0) {
    return std::pair(decode_utf8(s, i).cp, decode_utf8(s, i).len);
  };
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

TEST_CASE("next_code_point reads one code point and moves past it, strictly", "[core][text]") {
  using cunji::text::next_code_point;
  const std::string_view s = "a苹\xF0\x9F\x8D\x8E";  // a, U+82F9, U+1F34E
  std::size_t pos = 0;
  CHECK(next_code_point(s, pos) == U'a');
  CHECK(pos == 1);
  CHECK(next_code_point(s, pos) == U'\u82F9');
  CHECK(pos == 4);
  CHECK(next_code_point(s, pos) == U'\U0001F34E');
  CHECK(pos == 8);
  CHECK_FALSE(next_code_point(s, pos));  // at the end
  CHECK(pos == 8);
  for (std::string_view bad : {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE8\x8B", "\x80",
                               "\xF5\x80\x80\x80", "\xC3("}) {
    std::size_t p = 0;
    CHECK_FALSE(next_code_point(bad, p));
    CHECK(p == 0);
  }
  std::size_t p = 0;
  CHECK(next_code_point("\xF4\x8F\xBF\xBF", p) == U'\U0010FFFF');
  p = 0;
  CHECK(next_code_point("\xEF\xBF\xBD", p) == U'\uFFFD');
}

TEST_CASE("is_blank: only white space and invisible characters", "[core][text]") {
  using cunji::text::is_blank;
  CHECK(is_blank(""));
  for (std::string_view blank :
       {" ", "\t\r\n", "\u3000", "\u00A0", "\u200B", "\u200C\u200D", "\uFEFF", "\u2060", "\u2028\u2029", "\u202F\u205F",
        "\u1680", "\u2000\u2005\u200A", "\u0085", " \u3000\u200B\uFEFF ", "\u00AD", "\u3164", "\uFE0F", "\U000E0020"})
    CHECK(is_blank(blank));
  for (std::string_view text : {"a", " a ", "\u3000苹果\u3000", "\u200B.", "❤\uFE0F", "0"}) CHECK_FALSE(is_blank(text));
  CHECK_FALSE(is_blank("\xC0\xAF"));  // invalid UTF-8 is not blank: it fails the UTF-8 check
}

TEST_CASE("trim removes white space and zero-width spaces at both ends only", "[core][text]") {
  using cunji::text::trim;
  CHECK(trim("") == "");
  CHECK(trim("  ") == "");
  CHECK(trim(" 王小明 ") == "王小明");
  CHECK(trim("\u3000\u00A0李家果园\t\n") == "李家果园");
  CHECK(trim("\uFEFF\u200B红富士\u2060") == "红富士");
  CHECK(trim("静宁 红富士  苹果") == "静宁 红富士  苹果");  // inner spaces stay
  CHECK(trim("我爱❤\uFE0F ") == "我爱❤\uFE0F");             // a variation selector ends an emoji
  CHECK(trim("👩\u200D🌾") == "👩\u200D🌾");
  CHECK(trim(" a\xFF ") == "a\xFF ");  // invalid UTF-8: only the leading part
}
