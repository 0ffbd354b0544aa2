// Villagers, shops and listings on SQLite (storage/catalog.hpp).
#include <algorithm>

#include "core/policy.hpp"
#include "storage/search/listing_search.hpp"
#include "storage/sql/catalog.hpp"
#include "storage/sql/stores.hpp"
#include "storage/sqlite/engine.hpp"

namespace cunji::storage {

namespace {

error no_shop() { return error{errc::not_found, "No such shop."}; }
error no_listing() { return error{errc::not_found, "No such listing."}; }

// The version an If-Match precondition expects: the current one if the header names it, else
// one it names (which then fails the update); nothing without a precondition.
std::optional<std::int64_t> expected_version(const std::optional<std::vector<std::int64_t>>& if_match,
                                             std::int64_t current) {
  if (!if_match) return std::nullopt;
  if (std::find(if_match->begin(), if_match->end(), current) != if_match->end()) return current;
  return current - 1;  // never current: precondition_failed
}

result<listing> update_listing_checked(connection& c, const listing_update& u) {
  const auto cur = find_listing(c, u.listing_id);
  const auto s = cur ? find_shop(c, cur->shop_id) : std::nullopt;
  if (!cur || !s || !can_view(u.caller, *s, *cur)) return no_listing();
  if (!can_manage(u.caller, *s))
    return error{errc::forbidden, "Only the shop's owner or the partner running it can edit listings."};
  if (!u.invalid.empty()) return validation(u.invalid);
  // Checked here, in the write transaction, so no other edit can come in between.
  auto res = update_listing(c, u.listing_id, u.patch, expected_version(u.if_match, cur->version), u.now);
  if (res) res->photos = find_listing_photos(c, u.listing_id);
  return res;
}

// The listing if the caller may add a photo to it (the 404, 403 and 409 checks of an upload).
result<listing> photo_target_checked(connection& c, std::int64_t listing_id, const account& caller) {
  auto l = find_listing_with_photos(c, listing_id);
  const auto s = l ? find_shop(c, l->shop_id) : std::nullopt;
  if (!l || !s || !can_view(caller, *s, *l)) return no_listing();
  if (!can_manage(caller, *s))
    return error{errc::forbidden, "Only the shop's owner or the partner running it can change its photos."};
  if (l->photos.size() >= photos_per_listing_max)
    return error{errc::conflict, "A listing has at most 6 photos: delete one first."};
  return std::move(*l);
}

result<listing> create_listing_checked(connection& c, const listing_creation& l) {
  const auto s = find_shop(c, l.shop_id);
  if (!s) return no_shop();
  if (!can_manage(l.caller, *s))
    return error{errc::forbidden, "Only the shop's owner or the partner running it can add listings."};
  if (!l.invalid.empty()) return validation(l.invalid);
  const auto& f = l.fields;
  auto made = insert_listing(c, *s,
                             {*f.title, f.description.value_or(""), *f.category, *f.unit, *f.price_fen, *f.stock,
                              f.status.value_or(listing_status::active)},
                             l.now);
  if (!l.photo) return made;
  auto u = *l.photo;
  u.listing_id = made.id;
  u.caller = l.caller;
  u.now = l.now;
  insert_listing_photo(c, u);
  return std::move(*find_listing_with_photos(c, made.id));  // the photo bumped its version
}

result<shop> open_shop_checked(connection& c, const shop_opening& o) {
  if (!can_open_shop(o.caller)) return error{errc::forbidden, "Only farmers and partners open shops."};
  new_shop s;
  s.village_id = *o.caller.village_id;
  s.name = o.name;
  s.description = o.description;
  if (o.caller.role == role::partner) {
    s.partner_id = o.caller.id;
    s.villager_id = o.villager_id;
    const auto v = o.villager_id ? find_villager(c, *o.villager_id) : std::nullopt;
    if (!v || !can_run_shop_for(o.caller, *v))
      return validation({{"villager_id", "is not a villager of your village"}});
  } else {
    s.owner_account_id = o.caller.id;
  }
  return insert_shop(c, s, o.now);
}

class sqlite_catalog_store final : public catalog_store {
 public:
  explicit sqlite_catalog_store(database& db) : e_(db) {}

  task<result<villager>> register_villager(new_villager v) override {
    if (!can_manage_villagers(v.caller)) co_return partners_only();
    auto cmd = [v = std::move(v)](connection& c) -> result<villager> {
      return insert_villager(c, *v.caller.village_id, v.name, v.phone, v.caller.id, v.now);
    };
    co_return co_await e_.write(std::move(cmd));
  }

  task<result<page<villager>>> list_villagers(account caller, std::string prefix, page_request p) override {
    if (!can_manage_villagers(caller)) co_return partners_only();
    co_return e_.read([&](connection& c) {
      const auto after = p.after.empty() ? 0 : p.after.front();
      return page_of(storage::list_villagers(c, *caller.village_id, prefix, after, p.limit + 1), p.limit);
    });
  }

  task<result<shop>> open_shop(shop_opening s) override {
    auto cmd = [s = std::move(s)](connection& c) { return open_shop_checked(c, s); };
    co_return co_await e_.write(std::move(cmd));
  }

  task<answer> open_shop(shop_opening s, std::optional<idempotency_key> key, renderer<shop> render) override {
    const auto now = s.now;
    auto work = [s = std::move(s)](connection& c) { return open_shop_checked(c, s); };
    co_return co_await e_.idempotent<shop>(std::move(key), std::move(work), std::move(render), now);
  }

  task<std::optional<shop>> find_shop(std::int64_t id) override {
    co_return e_.read([&](connection& c) { return storage::find_shop(c, id); });
  }

  task<page<shop>> list_shops(shop_filter f) override {
    co_return e_.read([&](connection& c) { return page_of(list_active_shops(c, f), f.page.limit); });
  }

  task<result<shop>> update_shop(shop_update u) override {
    auto cmd = [u = std::move(u)](connection& c) -> result<shop> {
      const auto cur = storage::find_shop(c, u.shop_id);
      if (!cur) return no_shop();
      if (!can_manage(u.caller, *cur))
        return error{errc::forbidden, "Only the shop's owner or the partner running it can change it."};
      if (!u.invalid.empty()) return validation(u.invalid);
      return storage::update_shop(c, *cur, u.patch);
    };
    co_return co_await e_.write(std::move(cmd));
  }

  task<result<listing>> create_listing(listing_creation l) override {
    auto cmd = [l = std::move(l)](connection& c) { return create_listing_checked(c, l); };
    co_return co_await e_.write(std::move(cmd));
  }

  task<answer> create_listing(listing_creation l, std::optional<idempotency_key> key,
                              renderer<listing> render) override {
    const auto now = l.now;
    auto work = [l = std::move(l)](connection& c) { return create_listing_checked(c, l); };
    co_return co_await e_.idempotent<listing>(std::move(key), std::move(work), std::move(render), now);
  }

  task<result<listing>> find_listing(std::int64_t id, std::optional<account> caller) override {
    co_return e_.read([&](connection& c) -> result<listing> {
      auto l = find_listing_with_photos(c, id);
      if (!l) return no_listing();
      if (l->status == listing_status::draft) {
        const auto s = storage::find_shop(c, l->shop_id);
        if (!s || !can_view(caller, *s, *l)) return no_listing();
      }
      return std::move(*l);
    });
  }

  task<result<listing>> update_listing(listing_update u) override {
    auto cmd = [u = std::move(u)](connection& c) { return update_listing_checked(c, u); };
    co_return co_await e_.write(std::move(cmd));
  }

  task<listing_page> browse(listing_query q) override {
    co_return e_.read([&](connection& c) {
      return browse_listings(c, q, &e_.db().rankings());  // with the listings' photos
    });
  }

  task<result<listing>> check_photo_upload(std::int64_t listing_id, account caller) override {
    co_return e_.read([&](connection& c) { return photo_target_checked(c, listing_id, caller); });
  }

  task<result<listing_photo>> add_photo(photo_upload u) override {
    auto cmd = [u = std::move(u)](connection& c) -> result<listing_photo> {
      const auto target = photo_target_checked(c, u.listing_id, u.caller);
      if (!target) return target.err();
      return insert_listing_photo(c, u);
    };
    co_return co_await e_.write(std::move(cmd));
  }

  task<result<listing>> remove_photo(std::int64_t listing_id, std::int64_t photo_id, account caller,
                                     unix_seconds now) override {
    auto cmd = [listing_id, photo_id, caller = std::move(caller), now](connection& c) -> result<listing> {
      const auto cur = storage::find_listing(c, listing_id);
      const auto s = cur ? storage::find_shop(c, cur->shop_id) : std::nullopt;
      if (!cur || !s || !can_view(caller, *s, *cur)) return no_listing();
      if (!can_manage(caller, *s))
        return error{errc::forbidden, "Only the shop's owner or the partner running it can change its photos."};
      if (!delete_listing_photo(c, listing_id, photo_id, now))
        return error{errc::not_found, "The listing has no such photo."};
      return std::move(*find_listing_with_photos(c, listing_id));
    };
    co_return co_await e_.write(std::move(cmd));
  }

  task<std::optional<std::string>> photo_bytes(std::string name) override {
    co_return e_.read([&](connection& c) { return find_photo_bytes(c, name); });
  }

 private:
  static error partners_only() { return error{errc::forbidden, "Only a partner can manage villagers."}; }
  engine e_;
};

}  // namespace

std::unique_ptr<catalog_store> make_catalog_store(database& db) { return std::make_unique<sqlite_catalog_store>(db); }

}  // namespace cunji::storage
