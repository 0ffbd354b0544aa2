// Villagers, shops and listings on the PostgreSQL engine, through the storage seam
// (storage/catalog.hpp). Photos: catalog_photos_test.cpp.
#include <catch2/catch.hpp>

#include "postgresql/catalog_fixture.hpp"

using namespace cunji;
using namespace cunji::storage;
using cunji::test::pg_catalog_fixture;

namespace {

// An answer per outcome: 201 with the id, or a 4xx with the error's detail.
template <class T>
answer render(const result<T>& r) {
  if (r.ok()) return answer{201, std::to_string(r->id)};
  return answer{r.err().code == errc::idempotency_key_reused ? 422 : 403, r.err().detail};
}

idempotency_key key_of(std::int64_t caller, std::string key, unsigned char body) {
  idempotency_key k{caller, "POST /v1/shops", std::move(key), {}};
  k.digest.fill(body);
  return k;
}

listing_creation apples(std::int64_t shop_id, const account& caller, listing_status status = listing_status::active) {
  listing_creation l;
  l.shop_id = shop_id;
  l.caller = caller;
  l.fields.title = "昭通苹果 5斤装";
  l.fields.description = "高原红富士";
  l.fields.category = "fruit";
  l.fields.unit = "box";
  l.fields.price_fen = 3990;
  l.fields.stock = 100;
  l.fields.status = status;
  l.now = 1000;
  return l;
}

}  // namespace

TEST_CASE("PostgreSQL catalog: villagers by partners, found by name or phone prefix in their village") {
  pg_catalog_fixture f;
  auto& cat = f.catalog();
  const auto partner = f.make_account(role::partner, f.village_a);
  const auto other_partner = f.make_account(role::partner, f.village_b);
  const auto farmer = f.make_account(role::farmer, f.village_a);

  const auto wang = f.run(cat.register_villager({partner, "王小明", std::string("13900001111"), 50}));
  REQUIRE(wang.ok());
  CHECK(wang->village_id == f.village_a);
  CHECK(wang->registered_by == partner.id);
  CHECK(wang->phone == std::optional<std::string>("13900001111"));
  CHECK(wang->created_at == 50);
  const auto shan = f.run(cat.register_villager({partner, "王大山", std::nullopt, 51}));
  REQUIRE(shan.ok());
  CHECK_FALSE(shan->phone);
  const auto li = f.run(cat.register_villager({partner, "李四_100%", std::string("13800002222"), 52}));
  REQUIRE(li.ok());
  REQUIRE(f.run(cat.register_villager({other_partner, "赵六", std::string("13900003333"), 53})).ok());

  const auto refused = f.run(cat.register_villager({farmer, "钱七", std::nullopt, 54}));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.err().code == errc::forbidden);
  CHECK(f.run(cat.list_villagers(farmer, "", {{}, 10})).err().code == errc::forbidden);

  // Pages of two in id order, the partner's village only.
  const auto first = f.run(cat.list_villagers(partner, "", {{}, 2}));
  REQUIRE(first.ok());
  REQUIRE(first->items.size() == 2);
  CHECK(first->items[0].id == wang->id);
  CHECK(first->items[1].id == shan->id);
  REQUIRE(first->next_keys == std::vector<std::int64_t>{shan->id});
  const auto second = f.run(cat.list_villagers(partner, "", {first->next_keys, 2}));
  REQUIRE(second->items.size() == 1);
  CHECK(second->items[0].id == li->id);
  CHECK(second->next_keys.empty());

  const auto names = [&](const account& caller, std::string prefix) {
    std::vector<std::string> out;
    const auto found = f.run(cat.list_villagers(caller, std::move(prefix), {{}, 10}));  // kept for the loop
    for (const auto& v : found->items) out.push_back(v.name);
    return out;
  };
  CHECK(names(partner, "王") == std::vector<std::string>{"王小明", "王大山"});
  CHECK(names(partner, "王大") == std::vector<std::string>{"王大山"});
  CHECK(names(partner, "139") == std::vector<std::string>{"王小明"});
  CHECK(names(partner, "138000") == std::vector<std::string>{"李四_100%"});
  CHECK(names(partner, "李四_1") == std::vector<std::string>{"李四_100%"});
  // No pattern characters: '_' and '%' are themselves.
  CHECK(names(partner, "李_").empty());
  CHECK(names(partner, "%").empty());
  CHECK(names(partner, "小明").empty());
  // Another village's partner sees only its own.
  CHECK(names(other_partner, "") == std::vector<std::string>{"赵六"});
  CHECK(names(other_partner, "王").empty());
}

TEST_CASE("PostgreSQL catalog: shops opened by farmers and by partners for their villagers") {
  pg_catalog_fixture f;
  auto& cat = f.catalog();
  const auto farmer = f.make_account(role::farmer, f.village_a);
  const auto partner = f.make_account(role::partner, f.village_b);
  const auto other_partner = f.make_account(role::partner, f.village_a);
  const auto buyer = f.make_account(role::buyer, std::nullopt);
  const auto villager = f.run(cat.register_villager({partner, "赵六", std::nullopt, 1}));
  REQUIRE(villager.ok());

  const auto own = f.run(cat.open_shop({farmer, "王家果园", "自家种的苹果", std::nullopt, 100}));
  REQUIRE(own.ok());
  CHECK(own->owner_account_id == farmer.id);
  CHECK_FALSE(own->partner_id);
  CHECK_FALSE(own->villager_id);
  CHECK(own->village_id == f.village_a);
  CHECK(own->county_id == f.county_a);
  CHECK(own->status == shop_status::active);
  CHECK(own->created_at == 100);
  CHECK(own->description == "自家种的苹果");

  const auto run_for = f.run(cat.open_shop({partner, "赵家茶园", "", villager->id, 101}));
  REQUIRE(run_for.ok());
  CHECK(run_for->partner_id == partner.id);
  CHECK(run_for->villager_id == villager->id);
  CHECK_FALSE(run_for->owner_account_id);
  CHECK(run_for->county_id == f.county_b);

  // A partner names a villager of its own village; buyers open no shops.
  const auto no_villager = f.run(cat.open_shop({partner, "x", "", std::nullopt, 102}));
  REQUIRE_FALSE(no_villager.ok());
  CHECK(no_villager.err().code == errc::validation_failed);
  CHECK(no_villager.err().errors.at(0).field == "villager_id");
  const auto foreign = f.run(cat.open_shop({other_partner, "x", "", villager->id, 102}));
  REQUIRE_FALSE(foreign.ok());
  CHECK(foreign.err().errors.at(0).field == "villager_id");
  CHECK(f.run(cat.open_shop({partner, "x", "", 999'999, 102})).err().errors.at(0).field == "villager_id");
  CHECK(f.run(cat.open_shop({buyer, "x", "", std::nullopt, 102})).err().code == errc::forbidden);
  CHECK(f.scalar("SELECT count(*) FROM shops") == 2);

  const auto found = f.run(cat.find_shop(run_for->id));
  REQUIRE(found);
  CHECK(found->name == "赵家茶园");
  CHECK(found->villager_id == villager->id);
  CHECK_FALSE(f.run(cat.find_shop(999'999)));
}

TEST_CASE("PostgreSQL catalog: an idempotent shop opening replays its first answer") {
  pg_catalog_fixture f;
  auto& cat = f.catalog();
  const auto farmer = f.make_account(role::farmer, f.village_a);
  const auto buyer = f.make_account(role::buyer, std::nullopt);
  const shop_opening opening{farmer, "王家果园", "", std::nullopt, 100};

  const auto first = f.run(cat.open_shop(opening, key_of(farmer.id, "k1", 1), render<shop>));
  CHECK(first.status == 201);
  CHECK_FALSE(first.replayed);
  const auto again = f.run(cat.open_shop(opening, key_of(farmer.id, "k1", 1), render<shop>));
  CHECK(again.status == 201);
  CHECK(again.body == first.body);
  CHECK(again.replayed);
  CHECK(f.scalar("SELECT count(*) FROM shops") == 1);
  // The same key with another body is refused; another key opens another shop.
  CHECK(f.run(cat.open_shop(opening, key_of(farmer.id, "k1", 2), render<shop>)).status == 422);
  const auto second = f.run(cat.open_shop(opening, key_of(farmer.id, "k2", 1), render<shop>));
  CHECK(second.status == 201);
  CHECK(second.body != first.body);
  CHECK(f.run(cat.open_shop(opening, std::nullopt, render<shop>)).status == 201);
  CHECK(f.scalar("SELECT count(*) FROM shops") == 3);
  // A refusal is kept with its key too.
  const shop_opening refused{buyer, "x", "", std::nullopt, 100};
  CHECK(f.run(cat.open_shop(refused, key_of(buyer.id, "k3", 1), render<shop>)).status == 403);
  CHECK(f.run(cat.open_shop(refused, key_of(buyer.id, "k3", 1), render<shop>)).replayed);
  CHECK(f.scalar("SELECT count(*) FROM shops") == 3);
}

TEST_CASE("PostgreSQL catalog: shops updated by their managers, listed by filters in pages") {
  pg_catalog_fixture f;
  auto& cat = f.catalog();
  const auto farmer = f.make_account(role::farmer, f.village_a);
  const auto other_farmer = f.make_account(role::farmer, f.village_a);
  const auto partner = f.make_account(role::partner, f.village_b);
  const auto villager = f.run(cat.register_villager({partner, "赵六", std::nullopt, 1}));
  const auto a1 = f.run(cat.open_shop({farmer, "一号", "", std::nullopt, 10})).value();
  const auto a2 = f.run(cat.open_shop({other_farmer, "二号", "", std::nullopt, 11})).value();
  const auto b1 = f.run(cat.open_shop({partner, "三号", "", villager->id, 12})).value();
  const auto a3 = f.run(cat.open_shop({farmer, "四号", "", std::nullopt, 13})).value();

  shop_update rename{a1.id, farmer, {std::string("一号果园"), std::string("新描述"), std::nullopt}, {}};
  const auto renamed = f.run(cat.update_shop(rename));
  REQUIRE(renamed.ok());
  CHECK(renamed->name == "一号果园");
  CHECK(renamed->description == "新描述");
  CHECK(f.run(cat.find_shop(a1.id))->name == "一号果园");
  auto not_theirs = rename;
  not_theirs.caller = other_farmer;
  not_theirs.invalid = {{"name", "is blank"}};
  CHECK(f.run(cat.update_shop(not_theirs)).err().code == errc::forbidden);  // 403 before 422
  auto invalid = rename;
  invalid.invalid = {{"name", "is blank"}};
  const auto bad = f.run(cat.update_shop(invalid));
  CHECK(bad.err().code == errc::validation_failed);
  CHECK(bad.err().errors.at(0).field == "name");
  auto missing = rename;
  missing.shop_id = 999'999;
  CHECK(f.run(cat.update_shop(missing)).err().code == errc::not_found);
  shop_update by_partner{b1.id, partner, {std::nullopt, std::nullopt, shop_status::closed}, {}};
  CHECK(f.run(cat.update_shop(by_partner))->status == shop_status::closed);

  const auto ids = [](const page<shop>& p) {
    std::vector<std::int64_t> out;
    for (const auto& s : p.items) out.push_back(s.id);
    return out;
  };
  // Active shops only (b1 is closed), in id order, by pages.
  const auto first = f.run(cat.list_shops({std::nullopt, std::nullopt, std::nullopt, {{}, 2}}));
  CHECK(ids(first) == std::vector<std::int64_t>{a1.id, a2.id});
  REQUIRE(first.next_keys == std::vector<std::int64_t>{a2.id});
  const auto rest = f.run(cat.list_shops({std::nullopt, std::nullopt, std::nullopt, {first.next_keys, 2}}));
  CHECK(ids(rest) == std::vector<std::int64_t>{a3.id});
  CHECK(rest.next_keys.empty());
  CHECK(ids(f.run(cat.list_shops({f.village_a, std::nullopt, std::nullopt, {{}, 10}}))) ==
        std::vector<std::int64_t>{a1.id, a2.id, a3.id});
  CHECK(ids(f.run(cat.list_shops({std::nullopt, f.county_b, std::nullopt, {{}, 10}}))).empty());
  CHECK(ids(f.run(cat.list_shops({std::nullopt, f.county_a, farmer.id, {{}, 10}}))) ==
        std::vector<std::int64_t>{a1.id, a3.id});
  by_partner.patch.status = shop_status::active;
  REQUIRE(f.run(cat.update_shop(by_partner)).ok());
  CHECK(ids(f.run(cat.list_shops({std::nullopt, std::nullopt, partner.id, {{}, 10}}))) ==
        std::vector<std::int64_t>{b1.id});
  CHECK(ids(f.run(cat.list_shops({f.village_b, f.county_b, std::nullopt, {{}, 10}}))) ==
        std::vector<std::int64_t>{b1.id});
}

TEST_CASE("PostgreSQL catalog: listings created by managers, drafts seen by them only") {
  pg_catalog_fixture f;
  auto& cat = f.catalog();
  const auto farmer = f.make_account(role::farmer, f.village_a);
  const auto other_farmer = f.make_account(role::farmer, f.village_a);
  const auto s = f.run(cat.open_shop({farmer, "王家果园", "", std::nullopt, 10})).value();

  const auto made = f.run(cat.create_listing(apples(s.id, farmer)));
  REQUIRE(made.ok());
  CHECK(made->shop_id == s.id);
  CHECK(made->village_id == f.village_a);
  CHECK(made->county_id == f.county_a);
  CHECK(made->poverty_relief);
  CHECK(made->title == "昭通苹果 5斤装");
  CHECK(made->description == "高原红富士");
  CHECK(made->price_fen == 3990);
  CHECK(made->stock == 100);
  CHECK(made->status == listing_status::active);
  CHECK(made->version == 1);
  CHECK(made->created_at == 1000);
  CHECK(made->updated_at == 1000);
  CHECK(made->photos.empty());
  CHECK(f.scalar("SELECT visible FROM listings WHERE id = " + std::to_string(made->id)) == 1);

  CHECK(f.run(cat.create_listing(apples(s.id, other_farmer))).err().code == errc::forbidden);
  CHECK(f.run(cat.create_listing(apples(999'999, farmer))).err().code == errc::not_found);
  auto invalid = apples(s.id, farmer);
  invalid.invalid = {{"price_fen", "must be at least 1"}};
  const auto bad = f.run(cat.create_listing(invalid));
  CHECK(bad.err().code == errc::validation_failed);
  CHECK(bad.err().errors.at(0).field == "price_fen");
  CHECK(f.scalar("SELECT count(*) FROM listings") == 1);

  const auto draft = f.run(cat.create_listing(apples(s.id, farmer, listing_status::draft)));
  REQUIRE(draft.ok());
  CHECK(f.scalar("SELECT visible FROM listings WHERE id = " + std::to_string(draft->id)) == 0);
  CHECK(f.run(cat.find_listing(draft->id, farmer)).ok());
  CHECK(f.run(cat.find_listing(draft->id, other_farmer)).err().code == errc::not_found);
  CHECK(f.run(cat.find_listing(draft->id, std::nullopt)).err().code == errc::not_found);
  const auto seen = f.run(cat.find_listing(made->id, std::nullopt));
  REQUIRE(seen.ok());
  CHECK(seen->title == made->title);
  CHECK(seen->version == 1);
  CHECK(f.run(cat.find_listing(999'999, farmer)).err().code == errc::not_found);

  // The web form's double tap creates one listing.
  idempotency_key k{farmer.id, "POST /v1/shops/1/listings", "tap", {}};
  const auto once = f.run(cat.create_listing(apples(s.id, farmer), k, render<listing>));
  const auto twice = f.run(cat.create_listing(apples(s.id, farmer), k, render<listing>));
  CHECK(once.status == 201);
  CHECK(twice.replayed);
  CHECK(twice.body == once.body);
  CHECK(f.scalar("SELECT count(*) FROM listings") == 3);
}

TEST_CASE("PostgreSQL catalog: listing updates under If-Match, counters kept by the triggers") {
  pg_catalog_fixture f;
  auto& cat = f.catalog();
  const auto farmer = f.make_account(role::farmer, f.village_a);
  const auto other_farmer = f.make_account(role::farmer, f.village_a);
  const auto s = f.run(cat.open_shop({farmer, "王家果园", "", std::nullopt, 10})).value();
  const auto shop_count = [&] {
    return f.scalar("SELECT active_listings FROM shops WHERE id = " + std::to_string(s.id));
  };
  const auto village_count = [&] {
    return f.scalar("SELECT active_shops FROM villages WHERE id = " + std::to_string(f.village_a));
  };
  CHECK(village_count() == 0);
  const auto l = f.run(cat.create_listing(apples(s.id, farmer))).value();
  const auto d = f.run(cat.create_listing(apples(s.id, farmer, listing_status::draft))).value();
  CHECK(shop_count() == 1);
  CHECK(village_count() == 1);

  listing_update u{l.id, farmer, {}, {}, std::vector<std::int64_t>{1}, 2000};
  u.patch.price_fen = 4500;
  u.patch.title = "昭通苹果 10斤装";
  const auto updated = f.run(cat.update_listing(u));
  REQUIRE(updated.ok());
  CHECK(updated->version == 2);
  CHECK(updated->price_fen == 4500);
  CHECK(updated->title == "昭通苹果 10斤装");
  CHECK(updated->description == "高原红富士");
  CHECK(updated->updated_at == 2000);
  CHECK(f.run(cat.find_listing(l.id, std::nullopt))->title == "昭通苹果 10斤装");

  // A stale version, or tags naming no version of it: 412 with the version now.
  const auto stale = f.run(cat.update_listing(u));
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.err().code == errc::precondition_failed);
  CHECK(stale.err().current_version == 2);
  u.if_match = std::vector<std::int64_t>{};
  CHECK(f.run(cat.update_listing(u)).err().current_version == 2);
  u.if_match = std::vector<std::int64_t>{7, 2};
  u.patch = {};
  u.patch.stock = 5;
  CHECK(f.run(cat.update_listing(u))->version == 3);
  // Without a precondition; a patch that changes nothing keeps the version.
  u.if_match = std::nullopt;
  CHECK(f.run(cat.update_listing(u))->version == 3);
  CHECK(f.run(cat.find_listing(l.id, std::nullopt))->stock == 5);

  auto theirs = u;
  theirs.caller = other_farmer;
  CHECK(f.run(cat.update_listing(theirs)).err().code == errc::forbidden);
  theirs.listing_id = d.id;
  CHECK(f.run(cat.update_listing(theirs)).err().code == errc::not_found);  // a draft they cannot see
  auto invalid = u;
  invalid.invalid = {{"stock", "must be at most 10000000"}};
  CHECK(f.run(cat.update_listing(invalid)).err().code == errc::validation_failed);
  auto missing = u;
  missing.listing_id = 999'999;
  CHECK(f.run(cat.update_listing(missing)).err().code == errc::not_found);

  // Status changes move the counters: two active listings, then none.
  listing_update publish{d.id, farmer, {}, {}, std::nullopt, 2100};
  publish.patch.status = listing_status::active;
  CHECK(f.run(cat.update_listing(publish))->status == listing_status::active);
  CHECK(shop_count() == 2);
  CHECK(f.scalar("SELECT visible FROM listings WHERE id = " + std::to_string(d.id)) == 1);
  listing_update archive{l.id, farmer, {}, {}, std::nullopt, 2200};
  archive.patch.status = listing_status::archived;
  REQUIRE(f.run(cat.update_listing(archive)).ok());
  CHECK(shop_count() == 1);
  CHECK(village_count() == 1);
  archive.listing_id = d.id;
  REQUIRE(f.run(cat.update_listing(archive)).ok());
  CHECK(shop_count() == 0);
  CHECK(village_count() == 0);
  CHECK(f.scalar("SELECT count(*) FROM listings WHERE visible = 1") == 0);

  // Closing the shop hides its active listing and leaves the village's count; reopening shows it.
  publish.patch.status = listing_status::active;
  REQUIRE(f.run(cat.update_listing(publish)).ok());
  CHECK(village_count() == 1);
  shop_update close{s.id, farmer, {std::nullopt, std::nullopt, shop_status::closed}, {}};
  REQUIRE(f.run(cat.update_shop(close)).ok());
  CHECK(village_count() == 0);
  CHECK(shop_count() == 1);
  CHECK(f.scalar("SELECT count(*) FROM listings WHERE visible = 1") == 0);
  // A listing published in a closed shop stays hidden.
  listing_update republish{l.id, farmer, {}, {}, std::nullopt, 2300};
  republish.patch.status = listing_status::active;
  REQUIRE(f.run(cat.update_listing(republish)).ok());
  CHECK(shop_count() == 2);
  CHECK(village_count() == 0);
  CHECK(f.scalar("SELECT count(*) FROM listings WHERE visible = 1") == 0);
  close.patch.status = shop_status::active;
  REQUIRE(f.run(cat.update_shop(close)).ok());
  CHECK(village_count() == 1);
  CHECK(f.scalar("SELECT count(*) FROM listings WHERE visible = 1") == 2);
}

TEST_CASE("PostgreSQL catalog: a kept relevance ranking follows text edits on any server, not stock") {
  pg_catalog_fixture f;
  auto& cat = f.catalog();
  storage::ranking_cache theirs_cache{1 << 20};
  const auto theirs = f.other_catalog(theirs_cache);
  const auto farmer = f.make_account(role::farmer, f.village_a);
  const auto s = f.run(cat.open_shop({farmer, "王家果园", "", std::nullopt, 10})).value();
  const auto make = [&](std::string title) {
    auto l = apples(s.id, farmer);
    l.fields.title = std::move(title);
    l.fields.description = "";
    return f.run(cat.create_listing(l)).value().id;
  };
  const auto twice = make("苹果 苹果");
  const auto once = make("苹果 红富士");
  make("梨");
  listing_query q;
  q.text = "苹果";
  q.sort = listing_sort::relevance;
  const auto ids = [&f, &q](storage::catalog_store& c) {
    std::vector<std::int64_t> out;
    for (const auto& l : f.run(c.browse(q)).items) out.push_back(l.id);
    return out;
  };
  CHECK(ids(cat) == std::vector<std::int64_t>{twice, once});
  CHECK(ids(*theirs) == std::vector<std::int64_t>{twice, once});
  CHECK(f.rankings().counts().entries == 1);

  // Stock is not search text: the kept ranking serves, with the row read afresh.
  const auto hits = f.rankings().counts().hits;
  listing_update stock{twice, farmer, {}, {}, std::nullopt, 2000};
  stock.patch.stock = 7;
  REQUIRE(f.run(cat.update_listing(stock)).ok());
  const auto page = f.run(cat.browse(q));
  REQUIRE(page.items.size() == 2);
  CHECK(page.items[0].stock == 7);
  CHECK(f.rankings().counts().hits == hits + 1);

  // A title edited through one server reorders the other's next search at once.
  listing_update title{once, farmer, {}, {}, std::nullopt, 2100};
  title.patch.title = "苹果苹果苹果";
  REQUIRE(f.run(cat.update_listing(title)).ok());
  CHECK(ids(*theirs) == std::vector<std::int64_t>{once, twice});
  CHECK(ids(cat) == std::vector<std::int64_t>{once, twice});
  // bm25's statistics, kept by the triggers, are the listings' own.
  CHECK(f.scalar("SELECT listings FROM search_stats") == 3);
  CHECK(f.scalar("SELECT positions FROM search_stats") == f.scalar("SELECT sum(search_length) FROM listings"));
}
