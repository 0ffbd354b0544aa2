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

}  // namespace cunji::storage
