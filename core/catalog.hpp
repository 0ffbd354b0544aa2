#pragma once
// Villagers, shops and listings: their fields and the rules for valid values (who may do what
// with them: core/policy.hpp).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/account.hpp"
#include "core/error.hpp"
#include "core/time.hpp"

namespace cunji {

inline constexpr std::array<std::string_view, 12> categories{"fruit",        "vegetable", "grain",      "meat",
                                                             "poultry_eggs", "aquatic",   "tea",        "nuts_dried",
                                                             "honey",        "mushroom",  "handicraft", "other"};
inline constexpr std::array<std::string_view, 6> units{"kg", "jin", "piece", "box", "bag", "dozen"};

bool is_category(std::string_view s) noexcept;
bool is_unit(std::string_view s) noexcept;

enum class shop_status { active, closed };
enum class listing_status { active, draft, archived };

std::string_view to_string(shop_status s) noexcept;
std::string_view to_string(listing_status s) noexcept;
std::optional<shop_status> parse_shop_status(std::string_view s) noexcept;
std::optional<listing_status> parse_listing_status(std::string_view s) noexcept;

struct villager {
  std::int64_t id = 0;
  std::int64_t village_id = 0;
  std::string name;
  std::optional<std::string> phone;
  std::int64_t registered_by = 0;
  unix_seconds created_at = 0;
};

struct shop {
  std::int64_t id = 0;
  std::int64_t village_id = 0;
  std::int64_t county_id = 0;
  std::string name;
  std::string description;
  shop_status status = shop_status::active;
  std::optional<std::int64_t> owner_account_id;
  std::optional<std::int64_t> villager_id;
  std::optional<std::int64_t> partner_id;
  unix_seconds created_at = 0;
};

// A photo of a listing: two renditions named by their content's hash (photos/renditions.hpp);
// width and height are the large one's.
struct listing_photo {
  std::int64_t id = 0;
  int width = 0;
  int height = 0;
  std::string small_name;
  std::string large_name;
};

struct listing {
  std::int64_t id = 0;
  std::int64_t shop_id = 0;
  std::int64_t village_id = 0;
  std::int64_t county_id = 0;
  bool poverty_relief = false;  // the county is poverty-stricken now
  std::string title;
  std::string description;
  std::string category;
  std::string unit;
  std::int64_t price_fen = 0;
  std::int64_t stock = 0;
  listing_status status = listing_status::active;
  std::int64_t version = 1;
  unix_seconds created_at = 0;
  unix_seconds updated_at = 0;
  std::vector<listing_photo> photos;  // in upload order
};

// Limits (docs/http.md).
inline constexpr std::size_t shop_name_max = 80;
inline constexpr std::size_t description_max = 2000;
inline constexpr std::size_t title_max = 120;
inline constexpr std::int64_t price_min_fen = 1;
inline constexpr std::int64_t price_max_fen = 100'000'000;
inline constexpr std::int64_t stock_max = 10'000'000;
inline constexpr std::size_t query_max_chars = 100;
inline constexpr std::size_t photos_per_listing_max = 6;

// Each check returns the message for a bad value, or nullopt.
std::optional<std::string> check_description(std::string_view s);
std::optional<std::string> check_title(std::string_view s);
std::optional<std::string> check_price(std::int64_t fen);
std::optional<std::string> check_stock(std::int64_t n);

// A listing is browsable when it and its shop are active.
bool is_visible(listing_status l, shop_status s) noexcept;

// ETag of a listing version: a strong validator, quoted.
std::string listing_etag(std::int64_t id, std::int64_t version);

}  // namespace cunji
