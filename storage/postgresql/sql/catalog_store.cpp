// Villagers, shops and listings on PostgreSQL (storage/catalog.hpp).
#include <algorithm>

#include "core/policy.hpp"
#include "storage/paging.hpp"
#include "storage/postgresql/engine.hpp"
#include "storage/postgresql/sql/catalog.hpp"
#include "storage/postgresql/sql/listing_search.hpp"
#include "storage/postgresql/sql/photos.hpp"
#include "storage/postgresql/sql/stores.hpp"

namespace cunji::storage::pg {

namespace {

error no_shop() { return error{errc::not_found, "No such shop."}; }
error no_listing() { return error{errc::not_found, "No such listing."}; }
error partners_only() { return error{errc::forbidden, "Only a partner can manage villagers."}; }
error not_photo_manager() {
  return error{errc::forbidden, "Only the shop's owner or the partner running it can change its photos."};
}

// The version an If-Match precondition expects: the current one if the header names it, else
// one it names (which then fails the update); nothing without a precondition.
std::optional<std::int64_t> expected_version(const std::optional<std::vector<std::int64_t>>& if_match,
                                             std::int64_t current) {
  if (!if_match) return std::nullopt;
  if (std::find(if_match->begin(), if_match->end(), current) != if_match->end()) return current;
  return current - 1;  // never current: precondition_failed
}

// --- villagers ---------------------------------------------------------------------------

task<result<villager>> register_villager_in(connection& c, new_villager v) {
  co_return co_await insert_villager(c, *v.caller.village_id, v.name, v.phone, v.caller.id, v.now);
}

task<page<villager>> list_villagers_in(connection& c, std::int64_t village_id, std::string prefix, page_request p) {
  const auto after = p.after.empty() ? 0 : p.after.front();
  co_return page_of(co_await list_villagers(c, village_id, prefix, after, p.limit + 1), p.limit);
}

// --- shops -------------------------------------------------------------------------------

task<result<shop>> open_shop_checked(connection& c, shop_opening o) {
  if (!can_open_shop(o.caller)) co_return error{errc::forbidden, "Only farmers and partners open shops."};
  new_shop s;
  s.village_id = *o.caller.village_id;
  s.name = o.name;
  s.description = o.description;
  if (o.caller.role == role::partner) {
    s.partner_id = o.caller.id;
    s.villager_id = o.villager_id;
    std::optional<villager> v;
    if (o.villager_id) v = co_await find_villager(c, *o.villager_id);
    if (!v || !can_run_shop_for(o.caller, *v))
      co_return validation({{"villager_id", "is not a villager of your village"}});
  } else {
    s.owner_account_id = o.caller.id;
  }
  co_return co_await insert_shop(c, std::move(s), o.now);
}

task<page<shop>> list_shops_in(connection& c, shop_filter f) {
  const int limit = f.page.limit;
  co_return page_of(co_await list_active_shops(c, std::move(f)), limit);
}

task<result<shop>> update_shop_checked(connection& c, shop_update u) {
  const auto cur = co_await find_shop(c, u.shop_id);
  if (!cur) co_return no_shop();
  if (!can_manage(u.caller, *cur))
    co_return error{errc::forbidden, "Only the shop's owner or the partner running it can change it."};
  if (!u.invalid.empty()) co_return validation(u.invalid);
  co_return co_await update_shop(c, *cur, u.patch);
}

// --- listings ----------------------------------------------------------------------------

// `l` must outlive the task (its photo's files are not copied).
task<result<listing>> create_listing_checked(connection& c, const listing_creation& l) {
  const auto s = co_await find_shop(c, l.shop_id);
  if (!s) co_return no_shop();
  if (!can_manage(l.caller, *s))
    co_return error{errc::forbidden, "Only the shop's owner or the partner running it can add listings."};
  if (!l.invalid.empty()) co_return validation(l.invalid);
  const auto& f = l.fields;
  new_listing fields{*f.title,
                     f.description.value_or(""),
                     *f.category,
                     *f.unit,
                     *f.price_fen,
                     *f.stock,
                     f.status.value_or(listing_status::active)};
  auto made = co_await insert_listing(c, *s, std::move(fields), l.now);
  if (!l.photo) co_return made;
  auto u = *l.photo;
  u.listing_id = made.id;
  u.caller = l.caller;
  u.now = l.now;
  co_await insert_listing_photo(c, u);
  auto fresh = co_await find_listing(c, made.id);  // the photo bumped its version
  fresh->photos = co_await find_listing_photos(c, made.id);
  co_return std::move(*fresh);
}

// The listing, its shop (for a draft's viewers) and its photos as of one moment, in one round
// trip: the statements and their read-only transaction in one pipeline.
task<result<listing>> find_listing_in(connection& c, std::int64_t id, std::optional<account> caller) {
  std::vector<statement> steps;
  steps.push_back({"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", {}});
  steps.push_back(listing_by_id(id));
  steps.push_back(shop_of_listing(id));
  steps.push_back(listing_photos_of(id));
  steps.push_back({"COMMIT", {}});
  const auto r = co_await c.pipeline(std::move(steps));
  auto l = listing_in(r[1]);
  if (!l) co_return no_listing();
  if (l->status == listing_status::draft) {
    const auto s = shop_in(r[2]);
    if (!s || !can_view(caller, *s, *l)) co_return no_listing();
  }
  l->photos = photos_in(r[3]);
  co_return std::move(*l);
}

task<result<listing>> update_listing_checked(connection& c, listing_update u) {
  const auto cur = co_await find_listing(c, u.listing_id);
  std::optional<shop> s;
  if (cur) s = co_await find_shop(c, cur->shop_id);
  if (!cur || !s || !can_view(u.caller, *s, *cur)) co_return no_listing();
  if (!can_manage(u.caller, *s))
    co_return error{errc::forbidden, "Only the shop's owner or the partner running it can edit listings."};
  if (!u.invalid.empty()) co_return validation(u.invalid);
  // Checked here, in the write transaction, so no other edit can come in between.
  auto res = co_await update_listing(c, u.listing_id, u.patch, expected_version(u.if_match, cur->version), u.now);
  if (res) res->photos = co_await find_listing_photos(c, u.listing_id);
  co_return res;
}

// --- photos ------------------------------------------------------------------------------

// The listing if the caller may add a photo to it (the 404, 403 and 409 checks of an upload).
task<result<listing>> photo_target_checked(connection& c, std::int64_t listing_id, account caller) {
  auto l = co_await find_listing(c, listing_id);
  std::optional<shop> s;
  if (l) s = co_await find_shop(c, l->shop_id);
  if (!l || !s || !can_view(caller, *s, *l)) co_return no_listing();
  if (!can_manage(caller, *s)) co_return not_photo_manager();
  l->photos = co_await find_listing_photos(c, listing_id);
  if (l->photos.size() >= photos_per_listing_max)
    co_return error{errc::conflict, "A listing has at most 6 photos: delete one first."};
  co_return std::move(*l);
}

// `u` must outlive the task (its files are not copied).
task<result<listing_photo>> add_photo_checked(connection& c, const photo_upload& u) {
  const auto target = co_await photo_target_checked(c, u.listing_id, u.caller);
  if (!target) co_return target.err();
  co_return co_await insert_listing_photo(c, u);
}

task<result<listing>> remove_photo_checked(connection& c, std::int64_t listing_id, std::int64_t photo_id,
                                           account caller, unix_seconds now) {
  const auto cur = co_await find_listing(c, listing_id);
  std::optional<shop> s;
  if (cur) s = co_await find_shop(c, cur->shop_id);
  if (!cur || !s || !can_view(caller, *s, *cur)) co_return no_listing();
  if (!can_manage(caller, *s)) co_return not_photo_manager();
  const bool deleted = co_await delete_listing_photo(c, listing_id, photo_id, now);
  if (!deleted) co_return error{errc::not_found, "The listing has no such photo."};
  auto l = co_await find_listing(c, listing_id);
  l->photos = co_await find_listing_photos(c, listing_id);
  co_return std::move(*l);
}

class pg_catalog_store final : public catalog_store {
 public:
  pg_catalog_store(engine& e, ranking_cache* rankings) : e_(e), rankings_(rankings) {}

  task<result<villager>> register_villager(new_villager v) override {
    if (!can_manage_villagers(v.caller)) co_return partners_only();
    co_return co_await e_.write<result<villager>>([&](connection& c) { return register_villager_in(c, v); });
  }

  task<result<page<villager>>> list_villagers(account caller, std::string prefix, page_request p) override {
    if (!can_manage_villagers(caller)) co_return partners_only();
    co_return co_await e_.read<page<villager>>(
        [&](connection& c) { return list_villagers_in(c, *caller.village_id, prefix, p); });
  }

  task<result<shop>> open_shop(shop_opening s) override {
    co_return co_await e_.write<result<shop>>([&](connection& c) { return open_shop_checked(c, s); });
  }

  task<answer> open_shop(shop_opening s, std::optional<idempotency_key> key, renderer<shop> render) override {
    const auto now = s.now;
    work_fn<shop> work = [&](connection& c) { return open_shop_checked(c, s); };
    co_return co_await e_.idempotent<shop>(std::move(key), std::move(work), std::move(render), now);
  }

  task<std::optional<shop>> find_shop(std::int64_t id) override {
    co_return co_await e_.read<std::optional<shop>>([&](connection& c) { return pg::find_shop(c, id); });
  }

  task<page<shop>> list_shops(shop_filter f) override {
    co_return co_await e_.read<page<shop>>([&](connection& c) { return list_shops_in(c, f); });
  }

  task<result<shop>> update_shop(shop_update u) override {
    co_return co_await e_.write<result<shop>>([&](connection& c) { return update_shop_checked(c, u); });
  }

  task<result<listing>> create_listing(listing_creation l) override {
    co_return co_await e_.write<result<listing>>([&](connection& c) { return create_listing_checked(c, l); });
  }

  task<answer> create_listing(listing_creation l, std::optional<idempotency_key> key,
                              renderer<listing> render) override {
    const auto now = l.now;
    work_fn<listing> work = [&](connection& c) { return create_listing_checked(c, l); };
    co_return co_await e_.idempotent<listing>(std::move(key), std::move(work), std::move(render), now);
  }

  // The listing and its photos as of one moment.
  task<result<listing>> find_listing(std::int64_t id, std::optional<account> caller) override {
    co_return co_await e_.read<result<listing>>([&](connection& c) { return find_listing_in(c, id, caller); });
  }

  task<result<listing>> update_listing(listing_update u) override {
    co_return co_await e_.write<result<listing>>([&](connection& c) { return update_listing_checked(c, u); });
  }

  // The page and its photos as of one moment: one statement, or a relevance page's several in
  // one snapshot.
  task<listing_page> browse(listing_query q) override {
    use_fn<listing_page> fn = [&](connection& c) { return browse_listings(c, q, rankings_); };
    if (browse_in_one_statement(q)) co_return co_await e_.read<listing_page>(std::move(fn));
    co_return co_await e_.snapshot<listing_page>(std::move(fn));
  }

  task<result<listing>> check_photo_upload(std::int64_t listing_id, account caller) override {
    co_return co_await e_.read<result<listing>>(
        [&](connection& c) { return photo_target_checked(c, listing_id, caller); });
  }

  task<result<listing_photo>> add_photo(photo_upload u) override {
    co_return co_await e_.write<result<listing_photo>>([&](connection& c) { return add_photo_checked(c, u); });
  }

  task<result<listing>> remove_photo(std::int64_t listing_id, std::int64_t photo_id, account caller,
                                     unix_seconds now) override {
    co_return co_await e_.write<result<listing>>(
        [&](connection& c) { return remove_photo_checked(c, listing_id, photo_id, caller, now); });
  }

  task<std::optional<std::string>> photo_bytes(std::string name) override {
    co_return co_await e_.read<std::optional<std::string>>([&](connection& c) { return find_photo_bytes(c, name); });
  }

 private:
  engine& e_;
  ranking_cache* rankings_;
};

}  // namespace

std::unique_ptr<catalog_store> make_catalog_store(engine& e, ranking_cache* rankings) {
  return std::make_unique<pg_catalog_store>(e, rankings);
}

}  // namespace cunji::storage::pg
