#include "core/text.hpp"

namespace cunji::text {

decoded_char decode_utf8(std::string_view s, std::size_t i) noexcept {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return {c, 1};
  std::size_t len = 0;
  char32_t cp = 0;
  unsigned char lo = 0x80;  // allowed range of the second byte
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return {0, 0};
  }
  if (s.size() - i < len) return {0, 0};
  for (std::size_t k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if (k == 1 ? (cc < lo || cc > hi) : (cc & 0xC0) != 0x80) return {0, 0};
    cp = (cp << 6) | (cc & 0x3F);
  }
  return {cp, len};
}

std::optional<char32_t> next_code_point(std::string_view s, std::size_t& pos) noexcept {
  if (pos >= s.size()) return std::nullopt;
  const auto d = decode_utf8(s, pos);
  if (d.len == 0) return std::nullopt;
  pos += d.len;
  return d.cp;
}

std::optional<std::size_t> utf8_length(std::string_view s) noexcept {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++count) {
    const auto d = decode_utf8(s, i);
    if (d.len == 0) return std::nullopt;
    i += d.len;
  }
  return count;
}

bool has_control_chars(std::string_view s) noexcept {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return true;
  }
  return false;
}

bool is_white_space(char32_t c) noexcept {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool is_invisible(char32_t c) noexcept {
  struct range {
    char32_t first, last;
  };
  // Default_Ignorable_Code_Point (Unicode 15, DerivedCoreProperties.txt).
  static constexpr range ignorable[] = {
      {0x00AD, 0x00AD}, {0x034F, 0x034F}, {0x061C, 0x061C},   {0x115F, 0x1160},   {0x17B4, 0x17B5},   {0x180B, 0x180F},
      {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x206F},   {0x3164, 0x3164},   {0xFE00, 0xFE0F},   {0xFEFF, 0xFEFF},
      {0xFFA0, 0xFFA0}, {0xFFF0, 0xFFF8}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0000, 0xE0FFF},
  };
  for (const auto& r : ignorable)
    if (c >= r.first && c <= r.last) return true;
  return false;
}

bool is_blank(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = next_code_point(s, i);
    if (!c) return false;
    if (!is_white_space(*c) && !is_invisible(*c)) return false;
  }
  return true;
}

namespace {
bool is_trimmed(char32_t c) noexcept { return is_white_space(c) || c == 0x200B || c == 0x2060 || c == 0xFEFF; }
}  // namespace

std::string_view trim(std::string_view s) noexcept {
  std::size_t begin = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = next_code_point(s, i);
    if (!c || !is_trimmed(*c)) break;
    begin = i;
  }
  std::size_t end = begin;  // just past the last character that stays
  for (std::size_t i = begin; i < s.size();) {
    const auto c = next_code_point(s, i);
    if (!c) return s.substr(begin);  // invalid UTF-8: only the leading part is trimmed
    if (!is_trimmed(*c)) end = i;
  }
  return s.substr(begin, end - begin);
}

}  // namespace cunji::text
