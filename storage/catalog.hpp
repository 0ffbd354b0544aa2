#pragma once
// Villagers, shops and listings at the storage seam (storage/store.hpp). Who may do what is
// core/policy.hpp's; each use case reads the rows a rule needs and answers 404 or 403 from it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/account.hpp"
#include "core/catalog.hpp"
#include "storage/common.hpp"

namespace cunji::storage {

// --- villagers ---------------------------------------------------------------------------
struct new_villager {
  account caller;  // a partner: the villager joins its village
  std::string name;
  std::optional<std::string> phone;
  unix_seconds now = 0;
};

// --- shops -------------------------------------------------------------------------------
struct shop_opening {
  account caller;  // a farmer (the owner) or a partner (who runs it for `villager_id`)
  std::string name;
  std::string description;
  std::optional<std::int64_t> villager_id;
  unix_seconds now = 0;
};

struct shop_patch {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<shop_status> status;
};

struct shop_update {
  std::int64_t shop_id = 0;
  account caller;
  shop_patch patch;
  std::vector<field_error> invalid;  // answered as 422 after the 404 and 403 checks
};

struct shop_filter {
  std::optional<std::int64_t> village_id;
  std::optional<std::int64_t> county_id;
  std::optional<std::int64_t> managed_by;  // an account: the shops it owns or runs
  page_request page;                       // keys: {id}
};

// --- photos ------------------------------------------------------------------------------
struct photo_file {
  std::string name;  // the content's hash and extension (photos/renditions.hpp)
  std::string bytes;
};

struct photo_upload {
  std::int64_t listing_id = 0;
  account caller;
  photo_file small;
  photo_file large;
  int width = 0;  // of the large rendition
  int height = 0;
  unix_seconds now = 0;
};

// --- listings ----------------------------------------------------------------------------
struct listing_patch {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> category;
  std::optional<std::string> unit;
  std::optional<std::int64_t> price_fen;
  std::optional<std::int64_t> stock;
  std::optional<listing_status> status;
};

struct listing_creation {
  std::int64_t shop_id = 0;
  account caller;
  listing_patch fields;              // title, category, unit, price_fen and stock are set
  std::vector<field_error> invalid;  // answered as 422 after the 404 and 403 checks
  unix_seconds now = 0;
  // A first photo stored in the same write (its listing_id, caller and now are the listing's).
  std::optional<photo_upload> photo;
};

struct listing_update {
  std::int64_t listing_id = 0;
  account caller;
  listing_patch patch;
  std::vector<field_error> invalid;  // answered as 422 after the 404 and 403 checks
  // If-Match: the listing versions the client accepts (nullopt: no precondition; empty: none
  // of its tags names this listing, so 412).
  std::optional<std::vector<std::int64_t>> if_match;
  unix_seconds now = 0;
};

enum class listing_sort { newest, price_asc, price_desc, relevance };

struct listing_query {
  std::optional<std::string> text;  // the user's search text (relevance needs it)
  std::optional<std::string> category;
  std::optional<std::int64_t> county_id;
  std::optional<std::int64_t> village_id;
  std::optional<std::int64_t> shop_id;
  bool poverty_relief_only = false;
  std::optional<std::int64_t> min_price_fen;
  std::optional<std::int64_t> max_price_fen;
  bool in_stock_only = false;
  listing_sort sort = listing_sort::newest;
  // Keyset of the last item of the previous page (page::next_keys), if any: newest {id};
  // price_asc/price_desc {price_fen, id}; relevance {snapshot, score bits, id}.
  std::optional<std::vector<std::int64_t>> after;
  int limit = 20;
};

using listing_page = page<listing>;

class catalog_store {
 public:
  virtual ~catalog_store() = default;

  // forbidden unless the caller may manage villagers (core/policy.hpp).
  virtual task<result<villager>> register_villager(new_villager v) = 0;
  // The caller's village's villagers by id; with a prefix (not empty), those whose name or
  // phone starts with it.
  virtual task<result<page<villager>>> list_villagers(account caller, std::string prefix, page_request p) = 0;

  // forbidden unless the caller may open shops; a partner's villager must be of its village
  // (validation_failed on villager_id).
  virtual task<result<shop>> open_shop(shop_opening s) = 0;
  // The same under an Idempotency-Key: a repeat of the key answers the first answer.
  virtual task<answer> open_shop(shop_opening s, std::optional<idempotency_key> key, renderer<shop> render) = 0;
  virtual task<std::optional<shop>> find_shop(std::int64_t id) = 0;
  // Active shops in id order.
  virtual task<page<shop>> list_shops(shop_filter f) = 0;
  // Closing or reopening a shop hides or shows its active listings.
  virtual task<result<shop>> update_shop(shop_update u) = 0;

  virtual task<result<listing>> create_listing(listing_creation l) = 0;
  // The same under an Idempotency-Key: a repeat of the key answers the first answer and
  // creates nothing (the web form's double tap).
  virtual task<answer> create_listing(listing_creation l, std::optional<idempotency_key> key,
                                      renderer<listing> render) = 0;
  // A listing the caller may see (drafts: only its managers), else not_found.
  virtual task<result<listing>> find_listing(std::int64_t id, std::optional<account> caller) = 0;
  // precondition_failed when If-Match names no current version. Bumps the version.
  virtual task<result<listing>> update_listing(listing_update u) = 0;

  // Browsable listings (active, in active shops) matching the query, in the query's order. A
  // text with nothing searchable in it (only punctuation, say) matches nothing. Relevance is
  // bm25 (title x10) with the collection statistics of the listings up to the walk's snapshot,
  // so listings added during a walk neither show up in it nor reorder it.
  virtual task<listing_page> browse(listing_query q) = 0;

  // The listing, if the caller may add a photo to it now: not_found unless it may see it,
  // forbidden unless it manages the shop, conflict when the listing has its 6 photos. Asked
  // before the upload is decoded; add_photo checks it all again.
  virtual task<result<listing>> check_photo_upload(std::int64_t listing_id, account caller) = 0;
  // Appends a photo (its files stored once per name). Bumps the listing's version.
  virtual task<result<listing_photo>> add_photo(photo_upload u) = 0;
  // Deletes a photo of the listing (not_found if the listing has no such photo), and the files
  // no other photo names. Bumps the listing's version.
  virtual task<result<listing>> remove_photo(std::int64_t listing_id, std::int64_t photo_id, account caller,
                                             unix_seconds now) = 0;
  // The bytes of the rendition named `name`, if any photo names it.
  virtual task<std::optional<std::string>> photo_bytes(std::string name) = 0;
};

}  // namespace cunji::storage
