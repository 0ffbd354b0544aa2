#include "server/query_params.hpp"

#include <charconv>
#include <limits>

#include "server/router.hpp"

namespace cunji::server {

query_params::query_params(std::string_view target) : values_(parse_query(target)) {}

std::optional<std::string> query_params::str(std::string_view name) const {
  for (const auto& [k, v] : values_)
    if (k == name) return v;
  return std::nullopt;
}

std::optional<std::int64_t> query_params::integer(std::string_view name, std::int64_t min, std::int64_t max) {
  const auto s = str(name);
  if (!s) return std::nullopt;
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc{} || p != s->data() + s->size() || s->empty() || v < min || v > max) {
    add(std::string(name), "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> query_params::id(std::string_view name) {
  return integer(name, 1, std::numeric_limits<std::int64_t>::max());
}

std::optional<bool> query_params::boolean(std::string_view name) {
  const auto s = str(name);
  if (!s) return std::nullopt;
  if (*s == "true") return true;
  if (*s == "false") return false;
  add(std::string(name), "must be true or false");
  return std::nullopt;
}

int query_params::limit() { return static_cast<int>(integer("limit", 1, 100).value_or(20)); }

std::optional<cursor> query_params::cursor_for(std::string_view tag, std::size_t keys) {
  const auto s = str("cursor");
  if (!s) return std::nullopt;
  auto c = decode_cursor(*s, tag, keys);
  if (!c) add("cursor", "is not a cursor this list gave out for this sort order");
  return c;
}

storage::page_request query_params::page(std::string_view tag) {
  storage::page_request p;
  p.limit = limit();
  if (const auto after = cursor_for(tag, 1)) p.after = after->keys;
  return p;
}

std::optional<std::string> next_cursor(std::string_view tag, const std::vector<std::int64_t>& keys) {
  if (keys.empty()) return std::nullopt;
  return encode_cursor(cursor{std::string(tag), keys});
}

result<day_range> report_period_in(std::string_view target, unix_seconds now) {
  query_params qp(target);
  const auto from = qp.str("from");
  const auto to = qp.str("to");
  return report_period(from ? std::optional<std::string_view>(*from) : std::nullopt,
                       to ? std::optional<std::string_view>(*to) : std::nullopt, now);
}

}  // namespace cunji::server
