#include "server/web/cart.hpp"

#include <charconv>

#include "core/order.hpp"

namespace cunji::server::web {

namespace {
bool parse_positive(std::string_view s, std::int64_t max, std::int64_t& out) {
  if (s.empty() || s.size() > 12 || s.front() == '0') return false;
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v < 1 || v > max) return false;
  out = v;
  return true;
}
}  // namespace

bool parse_quantity(std::string_view s, std::int64_t& out) { return parse_positive(s, max_line_quantity, out); }

std::vector<cart_line> parse_cart(std::string_view cookie) {
  std::vector<cart_line> out;
  while (!cookie.empty() && out.size() < cart_lines_max) {
    const auto dot = cookie.find('.');
    const auto pair = cookie.substr(0, dot);
    const auto colon = pair.find(':');
    cart_line l;
    if (colon != std::string_view::npos && parse_positive(pair.substr(0, colon), INT64_MAX / 2, l.listing_id) &&
        parse_quantity(pair.substr(colon + 1), l.quantity)) {
      bool seen = false;
      for (const auto& o : out) seen = seen || o.listing_id == l.listing_id;
      if (!seen) out.push_back(l);
    }
    if (dot == std::string_view::npos) break;
    cookie.remove_prefix(dot + 1);
  }
  return out;
}

std::string format_cart(const std::vector<cart_line>& lines) {
  std::string out;
  for (const auto& l : lines) {
    if (!out.empty()) out += '.';
    out += std::to_string(l.listing_id) + ':' + std::to_string(l.quantity);
  }
  return out;
}

}  // namespace cunji::server::web
