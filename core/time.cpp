#include "core/time.hpp"

#include <cstdio>

namespace cunji {

// Howard Hinnant's civil-date algorithms.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

namespace {
struct civil {
  std::int64_t y;
  unsigned m, d;
};
civil civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}
bool is_leap(std::int64_t y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
}  // namespace

void append_rfc3339(std::string& out, unix_seconds t) {
  std::int64_t days = t / 86400;
  std::int64_t secs = t % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  const auto c = civil_from_days(days);
  const auto hh = static_cast<unsigned>(secs / 3600), mm = static_cast<unsigned>(secs / 60 % 60),
             ss = static_cast<unsigned>(secs % 60);
  if (c.y < 0 || c.y > 9999) {  // outside the four-digit years: the general path
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02uZ", static_cast<long long>(c.y), c.m, c.d, hh, mm,
                  ss);
    out += buf;
    return;
  }
  const auto y = static_cast<unsigned>(c.y);
  const char buf[20] = {static_cast<char>('0' + y / 1000),
                        static_cast<char>('0' + y / 100 % 10),
                        static_cast<char>('0' + y / 10 % 10),
                        static_cast<char>('0' + y % 10),
                        '-',
                        static_cast<char>('0' + c.m / 10),
                        static_cast<char>('0' + c.m % 10),
                        '-',
                        static_cast<char>('0' + c.d / 10),
                        static_cast<char>('0' + c.d % 10),
                        'T',
                        static_cast<char>('0' + hh / 10),
                        static_cast<char>('0' + hh % 10),
                        ':',
                        static_cast<char>('0' + mm / 10),
                        static_cast<char>('0' + mm % 10),
                        ':',
                        static_cast<char>('0' + ss / 10),
                        static_cast<char>('0' + ss % 10),
                        'Z'};
  out.append(buf, sizeof buf);
}

std::string format_rfc3339(unix_seconds t) {
  std::string out;
  append_rfc3339(out, t);
  return out;
}

std::optional<unix_seconds> parse_date(std::string_view s) noexcept {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto digits = [&](std::size_t from, std::size_t n) -> std::optional<unsigned> {
    unsigned v = 0;
    for (std::size_t i = from; i < from + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return v;
  };
  const auto y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1) return std::nullopt;
  static constexpr unsigned month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const unsigned max_d = month_days[*m - 1] + ((*m == 2 && is_leap(*y)) ? 1 : 0);
  if (*d > max_d) return std::nullopt;
  return days_from_civil(*y, *m, *d) * 86400;
}

}  // namespace cunji
