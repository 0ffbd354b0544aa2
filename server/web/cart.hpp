#pragma once
// The cart of the pages: a cookie `cart` of "listing_id:quantity" pairs joined by '.', read
// strictly at every request (bad pairs dropped, a listing once, at most cart_lines_max lines,
// quantities 1..max_line_quantity). Prices and stock are read from the catalogue each time.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cunji::server::web {

inline constexpr std::size_t cart_lines_max = 20;

struct cart_line {
  std::int64_t listing_id = 0;
  std::int64_t quantity = 0;
};

std::vector<cart_line> parse_cart(std::string_view cookie);
std::string format_cart(const std::vector<cart_line>& lines);
// A quantity typed in a form: 1..max_line_quantity, digits only.
bool parse_quantity(std::string_view s, std::int64_t& out);

}  // namespace cunji::server::web
