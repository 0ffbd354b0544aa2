#pragma once
// Villager, shop and listing SQL (listing search: storage/search/listing_search.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/catalog.hpp"
#include "core/error.hpp"
#include "core/region.hpp"
#include "storage/catalog.hpp"

namespace cunji::storage {

class connection;
class query;

// --- listing rows (defined in storage/search/listing_search.cpp) -------------------------
// The columns of a listing row, FROM-less (`l` the listing, `c` its county), and how many.
extern const char* const listing_select;
inline constexpr int listing_select_columns = 15;
listing read_listing_row(const query& q, int first_col);

// --- villagers ---------------------------------------------------------------------------
villager insert_villager(connection& c, std::int64_t village_id, const std::string& name,
                         const std::optional<std::string>& phone, std::int64_t registered_by, unix_seconds now);
std::optional<villager> find_villager(connection& c, std::int64_t id);
// A village's villagers in id order, after `after_id`, at most `limit`.
// A village's villagers by id; with a prefix, those whose name or phone starts with it.
std::vector<villager> list_villagers(connection& c, std::int64_t village_id, const std::string& prefix,
                                     std::int64_t after_id, int limit);

// --- shops -------------------------------------------------------------------------------
struct new_shop {
  std::int64_t village_id = 0;
  std::string name;
  std::string description;
  std::optional<std::int64_t> owner_account_id;
  std::optional<std::int64_t> villager_id;
  std::optional<std::int64_t> partner_id;
};
// The county is taken from the village. Error validation_failed if the village is unknown.
result<shop> insert_shop(connection& c, const new_shop& s, unix_seconds now);
std::optional<shop> find_shop(connection& c, std::int64_t id);

// Applies the patch; closing or reopening a shop hides or shows its active listings.
shop update_shop(connection& c, const shop& current, const shop_patch& p);

// Active shops in id order, at most f.page.limit + 1 (the extra one tells there is more).
std::vector<shop> list_active_shops(connection& c, const shop_filter& f);

// --- listings ----------------------------------------------------------------------------
struct new_listing {
  std::string title;
  std::string description;
  std::string category;
  std::string unit;
  std::int64_t price_fen = 0;
  std::int64_t stock = 0;
  listing_status status = listing_status::active;
};
listing insert_listing(connection& c, const shop& s, const new_listing& l, unix_seconds now);
std::optional<listing> find_listing(connection& c, std::int64_t id);

// Applies the patch if the listing is still at `expected_version` (when given): otherwise
// precondition_failed. Bumps the version. not_found if the listing is gone.
result<listing> update_listing(connection& c, std::int64_t id, const listing_patch& p,
                               std::optional<std::int64_t> expected_version, unix_seconds now);

// --- photos ------------------------------------------------------------------------------
// A listing's photos in upload order; attach_photos fills the photos of each listing given.
std::vector<listing_photo> find_listing_photos(connection& c, std::int64_t listing_id);
void attach_photos(connection& c, std::vector<listing>& ls);
// A listing's photos as one column of a row whose listing is `l` (a correlated subquery: one
// index probe per row, so for rows already cut to a page): NULL without photos, else as
// storage/photo_column.hpp packs them. read_photos_column reads it, in position order.
extern const char* const photos_column;
std::vector<listing_photo> read_photos_column(const query& q, int col);
// A listing with its photos, read by one statement (so as of one moment without a transaction).
std::optional<listing> find_listing_with_photos(connection& c, std::int64_t id);
// Appends a photo, storing each file unless a row of that name exists. Bumps the version.
listing_photo insert_listing_photo(connection& c, const photo_upload& u);
// Deletes the photo if it is the listing's (false if not), then each of its files that no
// photo names any more. Bumps the listing's version.
bool delete_listing_photo(connection& c, std::int64_t listing_id, std::int64_t photo_id, unix_seconds now);
std::optional<std::string> find_photo_bytes(connection& c, const std::string& name);

}  // namespace cunji::storage
