#pragma once
// UTF-8 helpers for validating user text. Limits in the API count characters (code points).
#include <cstddef>
#include <optional>
#include <string_view>

namespace cunji::text {

struct decoded_char {
  char32_t cp;
  std::size_t len;  // 0: s[i] does not start a valid UTF-8 sequence
};

// Decodes the code point starting at s[i] (i < s.size()). Strict: rejects overlong forms,
// surrogates, code points above U+10FFFF and truncated sequences. Never reads past s.
decoded_char decode_utf8(std::string_view s, std::size_t i) noexcept;

// Number of code points if `s` is valid UTF-8 (no overlongs, no surrogates), else nullopt.
std::optional<std::size_t> utf8_length(std::string_view s) noexcept;

// True if `s` has a C0 control character other than tab, CR and LF, or DEL.
bool has_control_chars(std::string_view s) noexcept;

}  // namespace cunji::text
