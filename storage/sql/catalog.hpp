#pragma once
// Villager, shop and listing SQL.
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
class search_rankings;

// --- villagers ---------------------------------------------------------------------------
villager insert_villager(connection& c, std::int64_t village_id, const std::string& name,
                         const std::optional<std::string>& phone, std::int64_t registered_by, unix_seconds now);
std::optional<villager> find_villager(connection& c, std::int64_t id);
// A village's villagers in id order, after `after_id`, at most `limit`.
std::vector<villager> list_villagers(connection& c, std::int64_t village_id, std::int64_t after_id, int limit);

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

// Browsable listings (active, in active shops) matching the query, in the query's order.
// Keysets: newest [id]; price_asc/price_desc [price_fen, id]; relevance [snapshot_max_id,
// bit pattern of the last score, id]. Relevance is bm25 (title x10) computed with the
// collection statistics of the listings up to snapshot_max_id, and listings added after the
// first page are left out, so additions neither show up in a walk nor reorder it: a walk sees
// each match once. With `rankings`, a relevance ranking is computed once per match expression,
// snapshot and search text, and shared (storage/cache/search_rankings.hpp); the pages are the same.
listing_page browse_listings(connection& c, const listing_query& q, search_rankings* rankings = nullptr);

// The query plan SQLite picks for the SQL that browse_listings runs for `q` (same text, same
// bindings): the `detail` column of EXPLAIN QUERY PLAN, one line per plan step.
std::string explain_browse(connection& c, const listing_query& q);

}  // namespace cunji::storage
