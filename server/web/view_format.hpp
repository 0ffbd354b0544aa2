#pragma once
// What the pages show of values, formatted in C++ (never in a template): money, times in China
// (UTC+8, no daylight saving), and the words of statuses, categories and units.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/order_state.hpp"
#include "core/time.hpp"
#include "server/web/messages.hpp"

namespace cunji::server::web {

// 1250 -> "¥12.50"; -5 -> "-¥0.05".
std::string yuan(std::int64_t fen);
// "12.50" -> 1250 fen: at most two decimals, no sign, at most 100,000,000 yuan.
std::optional<std::int64_t> parse_yuan(std::string_view s);
// The time in China: "2026-11-23 22:00".
std::string china_time(unix_seconds t);
std::string_view status_word(lang l, order_status s) noexcept;
// The word of a category or a unit; the code itself if unknown.
std::string_view category_word(lang l, std::string_view category) noexcept;
std::string_view unit_word(lang l, std::string_view unit) noexcept;
// At most `max_chars` characters of `s` (UTF-8), with "…" when cut.
std::string short_text(std::string_view s, std::size_t max_chars);
// "¥12.50/箱" or "¥12.50 per box".
std::string price_per_unit(lang l, std::int64_t fen, std::string_view unit);

}  // namespace cunji::server::web
