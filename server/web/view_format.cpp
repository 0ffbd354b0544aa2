#include "server/web/view_format.hpp"

#include <cstdio>

namespace cunji::server::web {

std::string yuan(std::int64_t fen) {
  const bool negative = fen < 0;
  const auto abs = negative ? -static_cast<std::uint64_t>(fen) : static_cast<std::uint64_t>(fen);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s¥%llu.%02llu", negative ? "-" : "", static_cast<unsigned long long>(abs / 100),
                static_cast<unsigned long long>(abs % 100));
  return buf;
}

std::optional<std::int64_t> parse_yuan(std::string_view s) {
  std::int64_t whole = 0;
  std::size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    whole = whole * 10 + (s[i] - '0');
    if (whole > 100'000'000) return std::nullopt;
  }
  if (i == 0) return std::nullopt;
  std::int64_t cents = 0;
  if (i < s.size()) {
    if (s[i] != '.' || s.size() - i - 1 < 1 || s.size() - i - 1 > 2) return std::nullopt;
    for (std::size_t j = i + 1; j < s.size(); ++j) {
      if (s[j] < '0' || s[j] > '9') return std::nullopt;
      cents = cents * 10 + (s[j] - '0');
    }
    if (s.size() - i - 1 == 1) cents *= 10;
  }
  return whole * 100 + cents;
}

namespace {
// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}
}  // namespace

std::string china_time(unix_seconds t) {
  const std::int64_t local = t + 8 * 3600;
  std::int64_t days = local / 86400;
  std::int64_t secs = local % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02lld:%02lld", static_cast<long long>(y), m, d,
                static_cast<long long>(secs / 3600), static_cast<long long>(secs % 3600 / 60));
  return buf;
}

std::string_view status_word(lang l, order_status s) noexcept {
  switch (s) {
    case order_status::placed: return msg(l, "status.placed");
    case order_status::paid: return msg(l, "status.paid");
    case order_status::shipped: return msg(l, "status.shipped");
    case order_status::at_station: return msg(l, "status.at_station");
    case order_status::delivered: return msg(l, "status.delivered");
    case order_status::cancelled: return msg(l, "status.cancelled");
    case order_status::refunded: return msg(l, "status.refunded");
    case order_status::returned_to_shop: return msg(l, "status.returned_to_shop");
  }
  return "?";
}

namespace {
std::string_view prefixed_word(lang l, std::string_view prefix, std::string_view code) noexcept {
  char key[64];
  if (prefix.size() + code.size() >= sizeof key) return code;
  const auto n = static_cast<std::size_t>(std::snprintf(key, sizeof key, "%.*s%.*s", static_cast<int>(prefix.size()),
                                                        prefix.data(), static_cast<int>(code.size()), code.data()));
  const std::string_view k(key, n);
  return has_message(k) ? msg(l, k) : code;
}
}  // namespace

std::string_view category_word(lang l, std::string_view category) noexcept {
  return prefixed_word(l, "category.", category);
}
std::string_view unit_word(lang l, std::string_view unit) noexcept { return prefixed_word(l, "unit.", unit); }

std::string short_text(std::string_view s, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;  // a continuation byte
    if (chars++ == max_chars) return std::string(s.substr(0, i)) + "…";
  }
  return std::string(s);
}

std::string price_per_unit(lang l, std::int64_t fen, std::string_view unit) {
  const auto word = unit_word(l, unit);
  if (l == lang::en) return yuan(fen) + " per " + std::string(word);
  return yuan(fen) + "/" + std::string(word);
}

}  // namespace cunji::server::web
