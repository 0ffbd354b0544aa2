#pragma once
// Villager, shop and listing SQL on PostgreSQL (the SQLite engine's: storage/sql/catalog.hpp;
// photos: storage/postgresql/sql/photos.hpp; browsing: storage/postgresql/sql/listing_search.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/catalog.hpp"
#include "core/error.hpp"
#include "storage/catalog.hpp"
#include "storage/postgresql/connection.hpp"

namespace cunji::storage::pg {

class connection;

// --- villagers ---------------------------------------------------------------------------
task<villager> insert_villager(connection& c, std::int64_t village_id, std::string name,
                               std::optional<std::string> phone, std::int64_t registered_by, unix_seconds now);
task<std::optional<villager>> find_villager(connection& c, std::int64_t id);
// The same lookups as statements for a pipeline, and what their rows hold.
statement villager_by_id(std::int64_t id);
std::optional<villager> villager_in(const row_set& r);
statement shop_by_id(std::int64_t id);
statement shop_of_listing(std::int64_t listing_id);
std::optional<shop> shop_in(const row_set& r);
statement listing_by_id(std::int64_t id);
std::optional<listing> listing_in(const row_set& r);
// A village's villagers in id order after `after_id`, at most `limit`; with a prefix (not
// empty), those whose name or phone starts with it.
task<std::vector<villager>> list_villagers(connection& c, std::int64_t village_id, std::string prefix,
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
// The county is taken from the village. Error validation_failed (village_id) if the village is
// unknown.
task<result<shop>> insert_shop(connection& c, new_shop s, unix_seconds now);
task<std::optional<shop>> find_shop(connection& c, std::int64_t id);

// Applies the patch; closing or reopening a shop hides or shows its active listings.
task<shop> update_shop(connection& c, shop current, shop_patch p);

// Active shops in id order, at most f.page.limit + 1 (the extra one tells there is more).
task<std::vector<shop>> list_active_shops(connection& c, shop_filter f);

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
// Writes the search terms (search_vector) with the title and the description.
task<listing> insert_listing(connection& c, shop s, new_listing l, unix_seconds now);
// The listing without its photos.
task<std::optional<listing>> find_listing(connection& c, std::int64_t id);

// Applies the patch if the listing is still at `expected_version` (when given): otherwise
// precondition_failed with the current version. Bumps the version unless nothing changes.
// not_found if the listing is gone.
task<result<listing>> update_listing(connection& c, std::int64_t id, listing_patch p,
                                     std::optional<std::int64_t> expected_version, unix_seconds now);

}  // namespace cunji::storage::pg
