#include "core/months.hpp"

#include <algorithm>

#include "core/time.hpp"

namespace cunji {

namespace {
// Floor division, also for negative numbers.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

std::optional<int> digits(std::string_view s) noexcept {
  int v = 0;
  for (const char ch : s) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + (ch - '0');
  }
  return v;
}
}  // namespace

day_number first_day(month_number m) noexcept {
  const auto y = 1970 + floor_div(m, 12);
  const auto mm = static_cast<unsigned>(m - floor_div(m, 12) * 12) + 1;
  return days_from_civil(y, mm, 1);
}

month_number month_of_day(day_number d) noexcept {
  // A month starts on day first_day; estimate by 30.44-day months, then correct.
  month_number m = floor_div(d * 100, 3044);
  while (first_day(m) > d) --m;
  while (first_day(m + 1) <= d) ++m;
  return m;
}

day_range days_of(month_number m) noexcept { return {first_day(m), first_day(m + 1)}; }

day_number status_day(month_number m, day_number today) noexcept { return std::min(first_day(m + 1) - 1, today); }

std::optional<month_number> parse_month(std::string_view s) noexcept {
  if (s.size() != 7 || s[4] != '-') return std::nullopt;
  const auto y = digits(s.substr(0, 4));
  const auto m = digits(s.substr(5, 2));
  if (!y || !m || *y < 1970 || *m < 1 || *m > 12) return std::nullopt;
  return (*y - 1970) * 12 + (*m - 1);
}

std::string format_month(month_number m) {
  const auto y = 1970 + floor_div(m, 12);
  const auto mm = m - floor_div(m, 12) * 12 + 1;
  std::string out = std::to_string(y) + "-";
  if (mm < 10) out += '0';
  return out + std::to_string(mm);
}

result<month_range> report_months(std::optional<std::string_view> from, std::optional<std::string_view> to,
                                  day_number today) {
  std::vector<field_error> errors;
  auto month_param = [&](std::optional<std::string_view> text, const char* name) -> std::optional<month_number> {
    if (!text) return std::nullopt;
    const auto m = parse_month(*text);
    if (!m) errors.push_back({name, "must be a month YYYY-MM"});
    return m;
  };
  const auto f = month_param(from, "from");
  const auto t = month_param(to, "to");
  if (!errors.empty()) return validation(std::move(errors));
  const month_number current = month_of_day(today);
  if (t && *t > current) return validation({{"to", "must not be after the current month (UTC)"}});
  month_range r;
  r.to = t.value_or(current);
  r.from = f.value_or(r.to - (default_report_months - 1));
  if (r.from > r.to) {
    if (!t) return validation({{"from", "must not be after the current month (UTC)"}});
    return validation({{"to", "must not be before from"}});
  }
  if (r.size() > max_report_months)
    return validation({{"from", "must be at most " + std::to_string(max_report_months) + " months before to"}});
  return r;
}

bool sold_in_window(const std::vector<day_number>& sale_days, day_number day) noexcept {
  const auto w = gmv_window(day);
  const auto it = std::lower_bound(sale_days.begin(), sale_days.end(), w.from);
  return it != sale_days.end() && *it < w.to;
}

}  // namespace cunji
