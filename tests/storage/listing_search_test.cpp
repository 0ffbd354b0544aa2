// Browsing and searching listings at the storage level: every query is driven by an index
// (EXPLAIN QUERY PLAN), and keyset pagination visits exactly the matching listings, in order,
// once each, for random data, random filters, every sort and random page sizes, also while
// listings are being added.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "storage/search/fts_tokenizer.hpp"
#include "storage/search/listing_search.hpp"
#include "storage/sql/accounts.hpp"
#include "storage/sql/catalog.hpp"
#include "storage/sql/regions.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/migrations.hpp"
#include "support/temp_dir.hpp"

using namespace cunji;
using namespace cunji::storage;

namespace {

constexpr unix_seconds t0 = 1'795'442'400;

// Words that titles and descriptions are made of, and that searches use.
const std::vector<std::string> words_cjk = {"苹果", "红富士", "土豆", "蜂蜜", "香菇", "核桃",
                                            "大米", "茶叶",   "新鲜", "高山", "有机", "农家"};
const std::vector<std::string> words_latin = {"Fuji", "apples", "honey", "organic", "fresh", "tea", "walnut", "rice"};

struct model_county {
  std::int64_t id;
  bool poverty;
};
struct model_shop {
  shop s;
  bool active = true;
};
struct model_listing {
  std::int64_t id;
  std::size_t shop;  // index into shops
  std::int64_t village_id, county_id;
  std::string category;
  std::int64_t price, stock;
  listing_status status;
};

// A database file with migrations applied, and a model of everything put into it.
struct catalog_db {
  test::temp_dir dir;
  connection conn{dir.file("search.db"), open_mode::read_write};
  std::mt19937 rng;
  std::vector<model_county> counties;
  std::vector<std::pair<std::int64_t, std::int64_t>> villages;  // id, county id
  std::vector<model_shop> shops;
  std::vector<model_listing> listings;
  std::int64_t owner = 0;

  explicit catalog_db(std::uint32_t seed) : rng(seed) {
    migrate(conn);
    conn.exec("BEGIN");
    auto a = insert_account(conn, {role::farmer, "农户", "13900000001", "password1", std::nullopt}, "x", t0);
    REQUIRE(a.ok());
    owner = a->id;
    conn.exec("COMMIT");
  }

  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng); }

  std::string phrase(int min_words, int max_words) {
    const int n = std::uniform_int_distribution<int>(min_words, max_words)(rng);
    std::string out;
    for (int i = 0; i < n; ++i) {
      if (chance(0.7)) {
        out += words_cjk[pick(words_cjk.size())];  // CJK words run together
      } else {
        if (!out.empty()) out += ' ';
        out += words_latin[pick(words_latin.size())];
        out += ' ';
      }
    }
    if (out.empty() || out.find_first_not_of(' ') == std::string::npos) out = "农家土豆";
    return out;
  }

  void make_regions(int n_counties, int villages_per_county) {
    conn.exec("BEGIN");
    for (int i = 0; i < n_counties; ++i) {
      const auto c = insert_county(conn, "县" + std::to_string(i), "省", i % 2 == 0, t0);
      counties.push_back({c.id, c.poverty_stricken});
      for (int v = 0; v < villages_per_county; ++v) {
        auto vil = insert_village(conn, c.id, "村" + std::to_string(v), t0);
        REQUIRE(vil.ok());
        villages.emplace_back(vil->id, c.id);
      }
    }
    conn.exec("COMMIT");
  }

  void make_shops(int n) {
    conn.exec("BEGIN");
    for (int i = 0; i < n; ++i) {
      new_shop ns;
      ns.village_id = villages[pick(villages.size())].first;
      ns.name = "店" + std::to_string(i);
      ns.owner_account_id = owner;
      auto s = insert_shop(conn, ns, t0);
      REQUIRE(s.ok());
      shops.push_back({s.value(), true});
    }
    conn.exec("COMMIT");
  }

  // A listing in shop `si`; the category, price and status are random unless given.
  model_listing& add_listing(std::size_t si, std::optional<std::string> title = std::nullopt,
                             std::optional<listing_status> status = std::nullopt) {
    new_listing nl;
    nl.title = title ? *title : phrase(1, 4);
    nl.description = chance(0.5) ? phrase(0, 6) : "";
    nl.category = std::string(categories[pick(5)]);  // few categories: filters match often
    nl.unit = std::string(units[pick(units.size())]);
    nl.price_fen = static_cast<std::int64_t>(pick(40) + 1) * 100;  // many ties
    nl.stock = chance(0.2) ? 0 : static_cast<std::int64_t>(pick(500));
    nl.status = status.value_or(chance(0.1) ? listing_status::draft : listing_status::active);
    const auto l = insert_listing(conn, shops[si].s, nl, t0);
    listings.push_back({l.id, si, l.village_id, l.county_id, nl.category, nl.price_fen, nl.stock, nl.status});
    return listings.back();
  }

  // `n` random listings; then some are archived, some drafts activated, some shops closed.
  void make_listings(int n, int closed_shops) {
    conn.exec("BEGIN");
    for (int i = 0; i < n; ++i) add_listing(pick(shops.size()));
    for (auto& l : listings) {
      if (chance(0.08)) set_status(l, listing_status::archived);
      else if (l.status == listing_status::draft && chance(0.3)) set_status(l, listing_status::active);
    }
    for (int i = 0; i < closed_shops; ++i) set_shop(pick(shops.size()), false);
    // One closed shop comes back: its listings show again.
    for (std::size_t i = 0; i < shops.size(); ++i)
      if (!shops[i].active) {
        set_shop(i, true);
        break;
      }
    if (closed_shops > 1) set_shop(pick(shops.size()), false);
    conn.exec("COMMIT");
  }

  void set_status(model_listing& l, listing_status st) {
    listing_patch p;
    p.status = st;
    REQUIRE(update_listing(conn, l.id, p, std::nullopt, t0).ok());
    l.status = st;
  }

  void set_shop(std::size_t si, bool active) {
    shop_patch p;
    p.status = active ? shop_status::active : shop_status::closed;
    shops[si].s = update_shop(conn, shops[si].s, p);
    shops[si].active = active;
  }

  bool poverty(std::int64_t county_id) const {
    for (const auto& c : counties)
      if (c.id == county_id) return c.poverty;
    return false;
  }

  // Rowids matching user text, through the same MATCH expression browse uses.
  std::set<std::int64_t> fts_matches(const std::string& text) {
    std::set<std::int64_t> out;
    const auto m = build_match_query(text);
    if (!m) return out;
    auto q = conn.prepare("SELECT rowid FROM listings_fts WHERE listings_fts MATCH ?");
    q.bind(1, *m);
    while (q.step()) out.insert(q.i64(0));
    return out;
  }

  // All matching rowids in relevance order, by a plain query (no filters, no keyset, no limit).
  std::vector<std::int64_t> relevance_order(const std::string& text) {
    std::vector<std::int64_t> out;
    const auto m = build_match_query(text);
    if (!m) return out;
    auto q = conn.prepare(
        "SELECT rowid FROM listings_fts WHERE listings_fts MATCH ? ORDER BY bm25(listings_fts, 10.0, 1.0), rowid");
    q.bind(1, *m);
    while (q.step()) out.push_back(q.i64(0));
    return out;
  }

  // The listings `q` should list, in its order (relevance: in `relevance_order`).
  std::vector<std::int64_t> expected(const listing_query& q, const std::optional<std::string>& text) {
    std::set<std::int64_t> matched;
    if (text) matched = fts_matches(*text);
    std::vector<const model_listing*> rows;
    for (const auto& l : listings) {
      if (l.status != listing_status::active || !shops[l.shop].active) continue;
      if (text && !matched.count(l.id)) continue;
      if (q.category && l.category != *q.category) continue;
      if (q.county_id && l.county_id != *q.county_id) continue;
      if (q.village_id && l.village_id != *q.village_id) continue;
      if (q.shop_id && shops[l.shop].s.id != *q.shop_id) continue;
      if (q.poverty_relief_only && !poverty(l.county_id)) continue;
      if (q.min_price_fen && l.price < *q.min_price_fen) continue;
      if (q.max_price_fen && l.price > *q.max_price_fen) continue;
      if (q.in_stock_only && l.stock <= 0) continue;
      rows.push_back(&l);
    }
    std::vector<std::int64_t> out;
    if (q.sort == listing_sort::relevance && text) {
      std::set<std::int64_t> keep;
      for (const auto* r : rows) keep.insert(r->id);
      for (auto id : relevance_order(*text))
        if (keep.count(id)) out.push_back(id);
      return out;
    }
    auto by = [&](const model_listing* a, const model_listing* b) {
      switch (q.sort) {
        case listing_sort::price_asc: return std::pair(a->price, a->id) < std::pair(b->price, b->id);
        case listing_sort::price_desc: return std::pair(a->price, a->id) > std::pair(b->price, b->id);
        default: return a->id > b->id;
      }
    };
    std::sort(rows.begin(), rows.end(), by);
    for (const auto* r : rows) out.push_back(r->id);
    return out;
  }

  // Walks every page of `q` with random page sizes; `between` runs after each page.
  template <class F>
  std::vector<std::int64_t> walk(listing_query q, F between) {
    std::vector<std::int64_t> seen;
    q.after.reset();
    for (int pages = 0;; ++pages) {
      REQUIRE(pages < 5000);
      q.limit = static_cast<int>(pick(37) + 1);
      const auto page = browse_listings(conn, q);
      REQUIRE(static_cast<int>(page.items.size()) <= q.limit);
      for (const auto& l : page.items) seen.push_back(l.id);
      if (page.next_keys.empty()) break;
      REQUIRE(static_cast<int>(page.items.size()) == q.limit);  // only full pages have a next page
      q.after = page.next_keys;
      between();
    }
    return seen;
  }
  std::vector<std::int64_t> walk(const listing_query& q) {
    return walk(q, [] {});
  }
};

std::string sort_name(listing_sort s) {
  switch (s) {
    case listing_sort::newest: return "newest";
    case listing_sort::price_asc: return "price_asc";
    case listing_sort::price_desc: return "price_desc";
    case listing_sort::relevance: return "relevance";
  }
  return "?";
}

const std::vector<std::string> search_texts = {"苹果",     "土豆",  "蜂蜜",     "红富士",    "果",
                                               "apple",    "honey", "fresh",    "有机 蜂蜜", "Fuji apples",
                                               "新鲜苹果", "TEA",   "高山 rice"};

// Lines of a query plan that read the listings table from end to end.
std::vector<std::string> table_scans(const std::string& plan) {
  std::vector<std::string> bad;
  std::istringstream in(plan);
  std::string line;
  while (std::getline(in, line)) {
    const bool scan_l = line.rfind("SCAN l", 0) == 0 && line.rfind("SCAN listings_fts", 0) != 0;
    if (scan_l) bad.push_back(line);
  }
  return bad;
}

listing_query with_sort(listing_query q, listing_sort s) {
  q.sort = s;
  return q;
}

}  // namespace

TEST_CASE("every browse query starts from an index, never from a scan of listings", "[storage][search]") {
  catalog_db db(7);
  db.make_regions(6, 4);
  db.make_shops(60);
  db.make_listings(3000, 6);
  const auto county = db.counties[1].id;
  const auto village = db.villages[3].first;
  const auto shop_id = db.shops[5].s.id;

  struct named {
    std::string name;
    listing_query q;
  };
  std::vector<named> cases;
  {
    listing_query q;
    cases.push_back({"first page, newest", q});
  }
  {
    listing_query q;
    q.county_id = county;
    q.category = "fruit";
    q.min_price_fen = 500;
    q.max_price_fen = 2500;
    for (auto s : {listing_sort::newest, listing_sort::price_asc, listing_sort::price_desc})
      cases.push_back({"county + category + price range, " + sort_name(s), with_sort(q, s)});
  }
  {
    listing_query q;
    q.text = "苹果";
    for (auto s : {listing_sort::relevance, listing_sort::newest, listing_sort::price_asc, listing_sort::price_desc})
      cases.push_back({"苹果, " + sort_name(s), with_sort(q, s)});
    q.county_id = county;
    q.max_price_fen = 2000;
    cases.push_back({"苹果 in a county under 20 yuan, relevance", with_sort(q, listing_sort::relevance)});
  }
  // Each other filter alone, in each non-text order.
  for (auto s : {listing_sort::newest, listing_sort::price_asc, listing_sort::price_desc}) {
    listing_query q;
    q.sort = s;
    auto v = q;
    v.village_id = village;
    cases.push_back({"village, " + sort_name(s), v});
    auto sh = q;
    sh.shop_id = shop_id;
    cases.push_back({"shop, " + sort_name(s), sh});
    auto c = q;
    c.category = "grain";
    cases.push_back({"category, " + sort_name(s), c});
    auto p = q;
    p.poverty_relief_only = true;
    p.in_stock_only = true;
    cases.push_back({"poverty relief, in stock, " + sort_name(s), p});
    auto pr = q;
    pr.min_price_fen = 1000;
    cases.push_back({"min price, " + sort_name(s), pr});
  }

  auto check_all = [&](const std::string& stats) {
    for (const auto& [name, q0] : cases) {
      // The first page, then the page after it (with its cursor keys).
      auto q = q0;
      q.limit = 10;
      const auto first = browse_listings(db.conn, q);
      std::vector<listing_query> variants{q};
      if (!first.next_keys.empty()) {
        auto next = q;
        next.after = first.next_keys;
        variants.push_back(next);
      } else {
        FAIL_CHECK(name << ": expected a second page");
      }
      for (const auto& v : variants) {
        const auto plan = explain_browse(db.conn, v);
        INFO(stats << ", " << name << (v.after ? ", with cursor" : ", first page") << ":\n" << plan);
        CHECK(!plan.empty());
        CHECK(table_scans(plan).empty());
      }
    }
  };
  SECTION("without ANALYZE") { check_all("no stats"); }
  SECTION("after ANALYZE") {
    db.conn.exec("ANALYZE");
    check_all("ANALYZE");
  }
}

TEST_CASE("explain_browse shows the plan of the SQL browse runs", "[storage][search]") {
  catalog_db db(11);
  db.make_regions(2, 2);
  db.make_shops(4);
  db.make_listings(50, 0);
  listing_query q;
  const auto plan = explain_browse(db.conn, q);
  CHECK(plan.find("listings_visible_newest") != std::string::npos);
  // A phrase of bigrams: every match scored in the FTS index.
  q.text = "红富士";
  q.sort = listing_sort::relevance;
  const auto fts = explain_browse(db.conn, q);
  INFO(fts);
  CHECK(fts.rfind("SCAN listings_fts VIRTUAL TABLE", 0) == 0);
  CHECK(fts.find("SEARCH l USING INTEGER PRIMARY KEY") != std::string::npos);
  // One bigram, one word: the postings, best first, through their indexes only.
  for (const char* text : {"苹果", "honey"}) {
    q.text = text;
    const auto postings = explain_browse(db.conn, q);
    INFO(text << ":\n" << postings);
    CHECK(postings.find("listings_fts") == std::string::npos);
    CHECK(postings.find("SEARCH search_postings USING COVERING INDEX search_postings_by_impact") != std::string::npos);
    CHECK(postings.find("SCAN search_") == std::string::npos);
    CHECK(table_scans(postings).empty());
    CHECK(postings.find("SEARCH l USING INTEGER PRIMARY KEY") != std::string::npos);
  }
}

TEST_CASE("walking the pages of any query visits exactly its listings, in order, once each", "[storage][search]") {
  catalog_db db(20261123);
  db.make_regions(4, 3);
  db.make_shops(30);
  db.make_listings(1500, 4);
  db.conn.exec("ANALYZE");

  int walks = 0, nonempty = 0;
  std::size_t total_seen = 0;
  for (int combo = 0; combo < 100; ++combo) {
    listing_query q;
    std::optional<std::string> text;
    if (db.chance(0.3)) q.category = std::string(categories[db.pick(6)]);
    if (db.chance(0.25)) q.county_id = db.counties[db.pick(db.counties.size())].id;
    if (db.chance(0.2)) q.village_id = db.villages[db.pick(db.villages.size())].first;
    if (db.chance(0.12)) q.shop_id = db.shops[db.pick(db.shops.size())].s.id;
    q.poverty_relief_only = db.chance(0.2);
    if (db.chance(0.25)) q.min_price_fen = static_cast<std::int64_t>(db.pick(30)) * 100;
    if (db.chance(0.25)) q.max_price_fen = static_cast<std::int64_t>(db.pick(30) + 10) * 100;
    q.in_stock_only = db.chance(0.25);
    const std::string word = search_texts[db.pick(search_texts.size())];
    for (auto s : {listing_sort::newest, listing_sort::price_asc, listing_sort::price_desc, listing_sort::relevance}) {
      auto qs = q;
      qs.sort = s;
      std::optional<std::string> t = text;
      if (s == listing_sort::relevance || db.chance(0.25)) t = word;
      qs.text = t;
      const auto want = db.expected(qs, t);
      const auto got = db.walk(qs);
      INFO("combo " << combo << ", sort " << sort_name(s) << (t ? ", q=" + *t : std::string()));
      ++walks;
      if (!want.empty()) ++nonempty;
      total_seen += got.size();
      if (s == listing_sort::relevance) {
        // Each match exactly once ...
        std::vector<std::int64_t> a = got, b = want;
        std::sort(a.begin(), a.end());
        std::sort(b.begin(), b.end());
        CHECK(std::adjacent_find(a.begin(), a.end()) == a.end());
        CHECK(a == b);
      }
      // ... and in the order of the plain query.
      CHECK(got == want);
    }
  }
  CHECK(walks == 400);
  CHECK(nonempty > 200);  // the filters are not so narrow that the test is vacuous
  CHECK(total_seen > 20000);
}

TEST_CASE("listings added while a walk is under way: each one there at the start is seen exactly once",
          "[storage][search]") {
  catalog_db db(424242);
  db.make_regions(3, 2);
  db.make_shops(12);
  db.make_listings(600, 2);

  struct scenario {
    std::string name;
    listing_sort sort;
    std::optional<std::string> text;
    bool county_filter;
  };
  const std::vector<scenario> scenarios = {
      {"newest", listing_sort::newest, std::nullopt, false},
      {"newest in a county", listing_sort::newest, std::nullopt, true},
      {"newest, 苹果", listing_sort::newest, "苹果", false},
      {"relevance, 苹果", listing_sort::relevance, "苹果", false},
      {"relevance, 蜂蜜 in a county", listing_sort::relevance, "蜂蜜", true},
      {"relevance, honey", listing_sort::relevance, "honey", false},
      {"relevance, 有机 苹果", listing_sort::relevance, "有机 苹果", false},
      {"price_asc", listing_sort::price_asc, std::nullopt, false},
  };
  for (const auto& sc : scenarios) {
    for (int round = 0; round < 3; ++round) {
      INFO(sc.name << ", round " << round);
      listing_query q;
      q.sort = sc.sort;
      q.text = sc.text;
      // A county with an active shop, and that shop, for the new listings.
      std::size_t si = db.pick(db.shops.size());
      while (!db.shops[si].active) si = (si + 1) % db.shops.size();
      if (sc.county_filter) q.county_id = db.shops[si].s.county_id;
      const auto before = db.expected(q, sc.text);
      REQUIRE(before.size() > 20);
      const std::set<std::int64_t> at_start(before.begin(), before.end());

      // Between pages, 1..3 new listings that match, with titles short and long (so they
      // move the averages bm25 uses), some in the same shop, some elsewhere.
      int added = 0;
      auto add = [&] {
        const int n = static_cast<int>(db.pick(3)) + 1;
        for (int i = 0; i < n; ++i) {
          std::string title = sc.text ? *sc.text : db.phrase(1, 3);
          if (db.chance(0.5)) title += " " + db.phrase(3, 8);
          if (db.chance(0.3)) title = db.phrase(1, 2) + title;
          auto& l = db.add_listing(si, title, listing_status::active);
          (void)l;
          ++added;
        }
      };
      const auto seen = db.walk(q, add);
      REQUIRE(added > 0);
      std::map<std::int64_t, int> count;
      for (auto id : seen) ++count[id];
      for (const auto& [id, n] : count) {
        INFO("listing " << id);
        CHECK(n == 1);
      }
      std::size_t missing = 0;
      for (auto id : at_start)
        if (!count.count(id)) ++missing;
      CHECK(missing == 0);
      if (sc.sort == listing_sort::price_asc) continue;  // new cheaper listings may or may not show
      // newest and relevance leave out what was added after the walk began, and keep the order
      // the walk started with (relevance: the scores stay those of the first page).
      CHECK(seen.size() == at_start.size());
      CHECK(seen == before);
    }
  }
}
