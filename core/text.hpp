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

// The same, stepping: the code point that starts at s[pos], and pos moved past it; nullopt (pos
// unchanged) if no valid UTF-8 sequence starts there or pos is at the end.
std::optional<char32_t> next_code_point(std::string_view s, std::size_t& pos) noexcept;

// Number of code points if `s` is valid UTF-8 (no overlongs, no surrogates), else nullopt.
std::optional<std::size_t> utf8_length(std::string_view s) noexcept;

// True if `s` has a C0 control character other than tab, CR and LF, or DEL.
bool has_control_chars(std::string_view s) noexcept;

// Unicode White_Space: U+0009..U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000..U+200A,
// U+2028, U+2029, U+202F, U+205F, U+3000.
bool is_white_space(char32_t c) noexcept;

// Characters that show nothing (Unicode Default_Ignorable_Code_Point): zero-width spaces and
// joiners (U+200B..U+200F), the word joiner (U+2060), U+FEFF, soft hyphen, variation
// selectors, Hangul fillers, bidi controls, tags...
bool is_invisible(char32_t c) noexcept;

// True if valid UTF-8 `s` holds only white space and invisible characters (or nothing): text
// that reads as blank. Invalid UTF-8 is not blank (it fails its own check).
bool is_blank(std::string_view s) noexcept;

// `s` without leading and trailing white space and zero-width spaces (U+200B, U+2060, U+FEFF).
// Other invisible characters stay: U+200D and the variation selectors end emoji sequences.
std::string_view trim(std::string_view s) noexcept;

}  // namespace cunji::text
