// The machinery of exact read caches: the writer's change counters move after every committed
// write to what they stand for (and before the write is answered), versioned_cache serves an
// entry only under the counter value it was read under, and relevance pages computed from the
// shared rankings equal pages computed afresh while listings are edited, sold and added.
#include "storage/cache/versioned_cache.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "storage/search/listing_search.hpp"
#include "storage/sql/accounts.hpp"
#include "storage/sql/catalog.hpp"
#include "storage/sql/orders.hpp"
#include "storage/sql/regions.hpp"
#include "storage/sqlite/database.hpp"
#include "support/temp_dir.hpp"

using namespace cunji;
using namespace cunji::storage;

namespace {

constexpr unix_seconds t0 = 1'795'442'400;

// A database with one county, village, farmer and shop.
struct market {
  test::temp_dir dir;
  database db{{.path = dir.file("caches.db"), .synchronous = "OFF"}};
  std::int64_t county = 0;
  shop s;

  market() {
    auto r = db.writer().submit_sync([&](connection& c) -> result<shop> {
      county = insert_county(c, "静宁县", "甘肃省", false, t0).id;
      auto v = insert_village(c, county, "李店村", t0);
      if (!v) return v.err();
      auto a = insert_account(c, {role::farmer, "农户", "13900000001", "password1", v->id}, "x", t0);
      if (!a) return a.err();
      new_shop ns;
      ns.village_id = v->id;
      ns.name = "果园";
      ns.owner_account_id = a->id;
      return insert_shop(c, ns, t0);
    });
    REQUIRE(r.ok());
    s = r.value();
  }

  listing add(const std::string& title, std::int64_t price = 1000, std::int64_t stock = 10) {
    auto r = db.writer().submit_sync([&](connection& c) -> result<listing> {
      return insert_listing(c, s, {title, "", "fruit", "jin", price, stock, listing_status::active}, t0);
    });
    REQUIRE(r.ok());
    return r.value();
  }

  listing edit(std::int64_t id, const listing_patch& p) {
    auto r = db.writer().submit_sync([&](connection& c) { return update_listing(c, id, p, std::nullopt, t0); });
    REQUIRE(r.ok());
    return r.value();
  }

  struct seen {
    std::uint64_t catalog, search_text;
  };
  seen counters() const { return {db.changes().catalog(), db.changes().search_text()}; }
};

listing_patch stock_of(std::int64_t n) {
  listing_patch p;
  p.stock = n;
  return p;
}
listing_patch title_of(const std::string& t) {
  listing_patch p;
  p.title = t;
  return p;
}

}  // namespace

TEST_CASE("change counters move after each committed write to what they stand for, before its answer",
          "[storage][caches]") {
  market m;
  const auto l = m.add("红富士苹果");

  auto before = m.counters();
  m.edit(l.id, stock_of(5));
  auto after = m.counters();
  CHECK(after.catalog > before.catalog);
  CHECK(after.search_text == before.search_text);  // the search text did not change

  // An order takes stock.
  before = after;
  auto buyer = m.db.writer().submit_sync([&](connection& c) {
    return insert_account(c, {role::buyer, "买家", "13900000003", "password3", std::nullopt}, "x", t0);
  });
  REQUIRE(buyer.ok());
  CHECK(m.counters().catalog == before.catalog);
  place_order_request po;
  po.shop_id = m.s.id;
  po.items = {{l.id, 2}};
  po.caller = buyer.value();
  po.delivery = delivery_method::address;
  po.address = "北京市朝阳区1号";
  po.now = t0;
  REQUIRE(m.db.writer().submit_sync([&](connection& c) { return place_order(c, po); }).ok());
  after = m.counters();
  CHECK(after.catalog > before.catalog);
  CHECK(after.search_text == before.search_text);
  CHECK(find_listing(m.db.reader(), l.id)->stock == 3);

  before = after;
  m.edit(l.id, title_of("静宁红富士苹果"));
  after = m.counters();
  CHECK(after.catalog > before.catalog);
  CHECK(after.search_text > before.search_text);

  before = after;
  listing_patch desc;
  desc.description = "脆甜多汁";
  m.edit(l.id, desc);
  after = m.counters();
  CHECK(after.search_text > before.search_text);

  before = after;
  m.add("高山土豆");
  after = m.counters();
  CHECK(after.catalog > before.catalog);
  CHECK(after.search_text > before.search_text);

  before = after;
  REQUIRE(m.db.writer()
              .submit_sync([&](connection& c) -> result<shop> {
                shop_patch p;
                p.status = shop_status::closed;
                return update_shop(c, m.s, p);
              })
              .ok());
  after = m.counters();
  CHECK(after.catalog > before.catalog);  // the shop's listings are hidden
  CHECK(after.search_text == before.search_text);

  before = after;
  REQUIRE(m.db.writer()
              .submit_sync([&](connection& c) -> result<county> {
                county_patch p;
                p.poverty_stricken = true;
                return *update_county(c, m.county, p);
              })
              .ok());
  after = m.counters();
  CHECK(after.catalog > before.catalog);  // poverty_relief of every listing in it

  before = after;
  REQUIRE(m.db.writer()
              .submit_sync([&](connection& c) -> result<account> {
                return insert_account(c, {role::buyer, "买家", "13900000002", "password2", std::nullopt}, "x", t0);
              })
              .ok());
  after = m.counters();
  CHECK(after.catalog == before.catalog);  // nothing a listing read returns
  CHECK(after.search_text == before.search_text);
}

TEST_CASE("versioned_cache serves an entry only under the counter value it was stored with", "[storage][caches]") {
  versioned_cache<std::string> c(1 << 20);
  auto val = [](const std::string& s) { return std::make_shared<const std::string>(s); };
  c.store("a", 5, val("five"), 4);
  REQUIRE(c.find("a", 5));
  CHECK(*c.find("a", 5) == "five");
  CHECK_FALSE(c.find("b", 5));
  CHECK_FALSE(c.find("a", 4));  // an older reader does not get it ...
  CHECK(c.find("a", 5));        // ... nor does it drop it
  CHECK_FALSE(c.find("a", 6));  // a newer reader drops everything
  CHECK_FALSE(c.find("a", 5));
  c.store("a", 5, val("stale"), 5);  // read under an older value: not kept
  CHECK_FALSE(c.find("a", 6));
  CHECK(c.counts().entries == 0);
  c.store("a", 6, val("six"), 3);
  CHECK(*c.find("a", 6) == "six");
  c.store("a", 6, val("six again"), 9);  // replaces
  CHECK(*c.find("a", 6) == "six again");
  CHECK(c.counts().entries == 1);
  c.store("b", 7, val("seven"), 5);  // a newer value drops the rest
  CHECK_FALSE(c.find("a", 7));
  CHECK(*c.find("b", 7) == "seven");
}

TEST_CASE("versioned_cache keeps within its byte budget, least recently used out first", "[storage][caches]") {
  versioned_cache<std::string> c(64 * 1024);
  const auto big = std::make_shared<const std::string>(std::string(1000, 'x'));
  for (int i = 0; i < 200; ++i) {
    c.store("k" + std::to_string(i), 1, big, big->size());
    if (i >= 1) CHECK(c.find("k0", 1));  // k0 is used all the time, so it stays
    CHECK(c.counts().bytes <= 64 * 1024);
  }
  CHECK(c.counts().entries > 20);
  CHECK(c.counts().entries < 64);
  CHECK(c.find("k199", 1));
  CHECK_FALSE(c.find("k1", 1));
  c.store("huge", 1, big, 100 * 1024);  // larger than the whole budget: not kept
  CHECK_FALSE(c.find("huge", 1));
  CHECK(c.find("k0", 1));
}

TEST_CASE("relevance pages from shared rankings equal pages computed afresh, while listings change",
          "[storage][caches][search]") {
  market m;
  std::mt19937 rng(20261123);
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  const std::vector<std::string> words = {"苹果", "红富士", "土豆", "蜂蜜", "有机", "新鲜", "apple", "honey"};
  auto phrase = [&] {
    std::string t;
    const auto n = 1 + pick(4);
    for (std::size_t i = 0; i < n; ++i) t += words[pick(words.size())] + (pick(2) ? " " : "");
    return t;
  };
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 150; ++i)
    ids.push_back(m.add(phrase(), 100 + static_cast<std::int64_t>(pick(5000)), static_cast<std::int64_t>(pick(3))).id);

  // One random write: search text, stock, price, status, or a new listing.
  auto write = [&] {
    const auto id = ids[pick(ids.size())];
    listing_patch p;
    switch (pick(5)) {
      case 0: p.title = phrase(); break;
      case 1: p.stock = static_cast<std::int64_t>(pick(3)); break;
      case 2: p.price_fen = 100 + static_cast<std::int64_t>(pick(5000)); break;
      case 3: p.status = pick(3) ? listing_status::active : listing_status::draft; break;
      default: ids.push_back(m.add(phrase()).id); return;
    }
    m.edit(id, p);
  };

  int pages = 0, walks_with_writes = 0;
  for (int walk = 0; walk < 150; ++walk) {
    listing_query q;
    q.sort = listing_sort::relevance;
    // Two different words: a search of one word or bigram is ranked from the postings, without
    // the shared rankings (storage/search/impact_ranking.hpp).
    const auto first = pick(words.size());
    const auto text = words[first] + " " + words[(first + 1 + pick(words.size() - 1)) % words.size()];
    q.text = text;
    q.limit = 1 + static_cast<int>(pick(8));
    if (pick(3) == 0) q.in_stock_only = true;
    if (pick(4) == 0) q.max_price_fen = 2500;
    bool wrote = false;
    for (;;) {
      INFO("walk " << walk << ", q=" << text << ", page " << pages);
      // Twice from the shared rankings (the second is a hit), once afresh.
      auto& reader = m.db.reader();
      const auto shared = browse_listings(reader, q, &m.db.rankings());
      const auto again = browse_listings(reader, q, &m.db.rankings());
      const auto fresh = browse_listings(reader, q);
      std::vector<std::int64_t> a, b, c;
      for (const auto& l : shared.items) a.push_back(l.id);
      for (const auto& l : again.items) b.push_back(l.id);
      for (const auto& l : fresh.items) c.push_back(l.id);
      CHECK(a == c);
      CHECK(b == c);
      CHECK(shared.next_keys == fresh.next_keys);
      for (std::size_t i = 0; i < shared.items.size() && i < fresh.items.size(); ++i) {
        CHECK(shared.items[i].stock == fresh.items[i].stock);
        CHECK(shared.items[i].title == fresh.items[i].title);
        CHECK(shared.items[i].price_fen == fresh.items[i].price_fen);
      }
      ++pages;
      if (fresh.next_keys.empty()) break;
      q.after = fresh.next_keys;
      if (pick(3) == 0) {  // the walk goes on across a write
        write();
        wrote = true;
      }
    }
    if (wrote) ++walks_with_writes;
    write();
  }
  CHECK(pages > 400);
  CHECK(walks_with_writes > 20);
  const auto counts = m.db.rankings().entries().counts();
  CHECK(counts.hits > static_cast<std::uint64_t>(pages));  // the rankings were shared, not recomputed each time
}
