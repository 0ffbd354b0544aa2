#include "core/catalog.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace cunji {

bool is_category(std::string_view s) noexcept {
  return std::find(categories.begin(), categories.end(), s) != categories.end();
}
bool is_unit(std::string_view s) noexcept { return std::find(units.begin(), units.end(), s) != units.end(); }

std::string_view to_string(shop_status s) noexcept { return s == shop_status::active ? "active" : "closed"; }

std::string_view to_string(listing_status s) noexcept {
  switch (s) {
    case listing_status::active: return "active";
    case listing_status::draft: return "draft";
    case listing_status::archived: return "archived";
  }
  return "draft";
}

std::optional<shop_status> parse_shop_status(std::string_view s) noexcept {
  if (s == "active") return shop_status::active;
  if (s == "closed") return shop_status::closed;
  return std::nullopt;
}

std::optional<listing_status> parse_listing_status(std::string_view s) noexcept {
  for (auto st : {listing_status::active, listing_status::draft, listing_status::archived})
    if (to_string(st) == s) return st;
  return std::nullopt;
}

std::optional<std::string> check_description(std::string_view s) {
  const auto len = text::utf8_length(s);
  if (!len) return "must be valid UTF-8";
  if (*len > description_max) return "must be at most " + std::to_string(description_max) + " characters";
  return std::nullopt;
}

std::optional<std::string> check_title(std::string_view s) { return check_name(s, title_max); }

std::optional<std::string> check_price(std::int64_t fen) {
  if (fen < price_min_fen || fen > price_max_fen) return "must be 1..100000000 fen";
  return std::nullopt;
}

std::optional<std::string> check_stock(std::int64_t n) {
  if (n < 0 || n > stock_max) return "must be 0..10000000";
  return std::nullopt;
}

bool is_visible(listing_status l, shop_status s) noexcept {
  return l == listing_status::active && s == shop_status::active;
}

std::string listing_etag(std::int64_t id, std::int64_t version) {
  return "\"" + std::to_string(id) + "-" + std::to_string(version) + "\"";
}

}  // namespace cunji
