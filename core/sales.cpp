#include "core/sales.hpp"

#include <string>
#include <vector>

namespace cunji {

result<day_range> report_period(std::optional<std::string_view> from, std::optional<std::string_view> to,
                                unix_seconds now) {
  std::vector<field_error> errors;
  auto day_param = [&](std::optional<std::string_view> text, const char* name) -> std::optional<day_number> {
    if (!text) return std::nullopt;
    const auto t = parse_date(*text);
    if (!t) {
      errors.push_back({name, "must be a date YYYY-MM-DD"});
      return std::nullopt;
    }
    return day_of(*t);
  };
  const auto f = day_param(from, "from");
  const auto t = day_param(to, "to");
  if (!errors.empty()) return validation(std::move(errors));
  const day_number today = day_of(now);
  day_range r;
  r.to = t ? *t : today + 1;
  r.from = f ? *f : r.to - gmv_window_days;
  if (r.from >= r.to) {
    if (!t) return validation({{"from", "must be today or earlier (to defaults to tomorrow, UTC)"}});
    return validation({{"to", "must be a later date than from"}});
  }
  return r;
}

}  // namespace cunji
