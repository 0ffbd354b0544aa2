#pragma once
// UTF-8 helpers for validating user text. Limits in the API count characters (code points).
#include <cstddef>
#include <optional>
#include <string_view>

namespace cunji::text {

// Number of code points if `s` is valid UTF-8 (no overlongs, no surrogates), else nullopt.
std::optional<std::size_t> utf8_length(std::string_view s) noexcept;

// True if `s` has a C0 control character other than tab, CR and LF, or DEL.
bool has_control_chars(std::string_view s) noexcept;

}  // namespace cunji::text
