#pragma once
// Time as Unix seconds (UTC), formatted as RFC 3339. The server supplies "now"; the core never
// reads a clock, so tests can move time freely.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cunji {

using unix_seconds = std::int64_t;

// "2026-11-23T14:00:00Z"
std::string format_rfc3339(unix_seconds t);
// The same, appended to `out`.
void append_rfc3339(std::string& out, unix_seconds t);

// Days since 1970-01-01 for a civil date, and back (proleptic Gregorian).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept;

// Parses "YYYY-MM-DD" into the Unix time of its midnight UTC; nullopt if malformed or invalid.
std::optional<unix_seconds> parse_date(std::string_view s) noexcept;

}  // namespace cunji
