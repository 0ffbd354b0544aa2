// The postings (migration 0007) and the relevance ranking read from them. The tables hold
// exactly what the listings' text makes of them after every insert and edit, and a search
// ranked from them returns what scoring every match in FTS5 with cunji_rank returns (the
// ranking before the postings): the same listings in the same order, page after page, with the
// same scores in the cursors, also while listings are added and edited between pages.
#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "storage/cache/search_rankings.hpp"
#include "storage/search/bm25.hpp"
#include "storage/search/fts_tokenizer.hpp"
#include "storage/search/listing_search.hpp"
#include "storage/search/postings.hpp"
#include "storage/search/rank_function.hpp"
#include "storage/sql/accounts.hpp"
#include "storage/sql/catalog.hpp"
#include "storage/sql/regions.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/migrations.hpp"
#include "support/temp_dir.hpp"

namespace cunji::embedded {
const std::vector<std::pair<std::string_view, std::string_view>>& migrations();
}

using namespace cunji;
using namespace cunji::storage;

namespace {

constexpr unix_seconds t0 = 1'795'442'400;

// Words sharing prefixes (a search for "app" or "5" matches several, some listings have
// several), CJK words sharing characters, and separators.
const std::vector<std::string> vocabulary = {"app",    "apple", "Apples", "applesauce", "apricot", "honey", "honeydew",
                                             "ho",     "5",     "500g",   "5kg",        "50",      "苹果",  "苹",
                                             "红富士", "蜂蜜",  "土豆",   "农家",       "果",      "果园",  "新鲜苹果",
                                             "、",     " ",     "！",     "Ｆｕｊｉ",   "fuji"};

// Searches: one token, prefixes of one or several tokens, and a few that FTS5 ranks.
const std::vector<std::string> searches = {"apple", "app",  "a",    "ap",   "5",      "50",         "honey",
                                           "ho",    "h",    "fuji", "苹果", "苹",     "果",         "蜂蜜",
                                           "农家",  "果园", "zzz",  "龘",   "红富士", "apple 苹果", "新鲜苹果"};

struct search_db {
  test::temp_dir dir;
  connection conn{dir.file("postings.db"), open_mode::read_write};
  std::mt19937 rng;
  shop s;
  std::vector<std::int64_t> ids;

  explicit search_db(std::uint32_t seed) : rng(seed) {
    migrate(conn);
    conn.exec("BEGIN");
    const auto county = insert_county(conn, "县", "省", false, t0).id;
    const auto v = insert_village(conn, county, "村", t0);
    REQUIRE(v.ok());
    const auto a = insert_account(conn, {role::farmer, "农户", "13900000001", "password1", std::nullopt}, "x", t0);
    REQUIRE(a.ok());
    new_shop ns;
    ns.village_id = v->id;
    ns.name = "店";
    ns.owner_account_id = a->id;
    s = insert_shop(conn, ns, t0).value();
    conn.exec("COMMIT");
  }

  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); }

  std::string text(std::size_t max_words) {
    std::string out;
    for (std::size_t i = 0, n = pick(max_words + 1); i < n; ++i) out += vocabulary[pick(vocabulary.size())];
    return out;
  }

  std::int64_t add() {
    new_listing nl{text(6),
                   text(10),
                   "fruit",
                   "jin",
                   100,
                   static_cast<std::int64_t>(pick(3)),
                   pick(8) ? listing_status::active : listing_status::draft};
    if (nl.title.empty()) nl.title = "果";
    ids.push_back(insert_listing(conn, s, nl, t0).id);
    return ids.back();
  }

  void edit() {
    listing_patch p;
    if (pick(2)) p.title = text(6) + "园";
    if (pick(2)) p.description = text(10);
    if (pick(4) == 0) p.status = pick(2) ? listing_status::active : listing_status::archived;
    REQUIRE(update_listing(conn, ids[pick(ids.size())], p, std::nullopt, t0).ok());
  }

  // Every match of `text` up to the snapshot, scored by cunji_rank in FTS5, in rank order.
  std::vector<ranked_match> fts_ranking(const std::string& text, std::int64_t snapshot) {
    std::vector<ranked_match> out;
    const auto m = build_match_query(text);
    if (!m) return out;
    auto q = prepare_ranked(conn,
                            "SELECT rowid, cunji_rank(listings_fts, ?1) FROM listings_fts "
                            "WHERE listings_fts MATCH ?2 AND rowid <= ?1");
    q.bind_all(snapshot, *m);
    while (q.step()) out.push_back({q.f64(1), q.i64(0)});
    std::sort(out.begin(), out.end(), rank_before);
    return out;
  }

  // The page browse_listings gave before the postings: from fts_ranking, after the cursor.
  listing_page fts_page(const listing_query& q) {
    auto top = conn.prepare("SELECT coalesce(max(id), 0) FROM listings");
    top.step();
    const auto snapshot = q.after ? (*q.after)[0] : top.i64(0);
    std::set<std::int64_t> shown;
    auto v = conn.prepare(std::string("SELECT id FROM listings WHERE visible = 1") +
                          (q.in_stock_only ? " AND stock > 0" : ""));
    while (v.step()) shown.insert(v.i64(0));
    const auto ranking = fts_ranking(*q.text, snapshot);
    auto it = ranking.begin();
    if (q.after)
      it = std::upper_bound(it, ranking.end(), ranked_match{std::bit_cast<double>((*q.after)[1]), (*q.after)[2]},
                            rank_before);
    listing_page page;
    for (double last = 0; it != ranking.end(); ++it) {
      if (!shown.count(it->id)) continue;
      if (static_cast<int>(page.items.size()) == q.limit) {
        page.next_keys = {snapshot, std::bit_cast<std::int64_t>(last), page.items.back().id};
        break;
      }
      listing l;
      l.id = it->id;
      page.items.push_back(l);
      last = it->score;
    }
    return page;
  }
};

std::vector<std::int64_t> ids_of(const listing_page& p) {
  std::vector<std::int64_t> out;
  for (const auto& l : p.items) out.push_back(l.id);
  return out;
}

// (token, listing, tf, len, shared) rows: in the table, and as the listings' text makes them.
using posting_row = std::tuple<std::string, std::int64_t, std::int64_t, std::int64_t, std::int64_t>;

std::vector<posting_row> stored_postings(connection& c) {
  std::vector<posting_row> out;
  auto q = c.prepare("SELECT token, listing_id, tf, len, shared FROM search_postings ORDER BY token, listing_id");
  while (q.step()) out.emplace_back(q.str(0), q.i64(1), q.i64(2), q.i64(3), q.i64(4));
  return out;
}

std::vector<posting_row> expected_postings(connection& c) {
  std::vector<posting_row> out;
  auto q = c.prepare("SELECT id, title, description FROM listings");
  while (q.step())
    for (const auto& p : postings_of(q.text(1), q.text(2)).postings)
      out.emplace_back(p.token, q.i64(0), p.tf, postings_of(q.text(1), q.text(2)).len, p.shared);
  std::sort(out.begin(), out.end());
  return out;
}

void check_tables(search_db& db) {
  CHECK(stored_postings(db.conn) == expected_postings(db.conn));
  std::map<std::string, std::int64_t> counts, stored;
  for (const auto& r : stored_postings(db.conn)) ++counts[std::get<0>(r)];
  auto q = db.conn.prepare("SELECT token, listings FROM search_terms");
  while (q.step()) stored[q.str(0)] = q.i64(1);
  CHECK(stored == counts);
  // A listing's len is its FTS5 length (the docsize record), which cunji_rank scores with.
  auto d = db.conn.prepare(
      "SELECT d.sz, (SELECT len FROM search_postings p WHERE p.listing_id = d.id LIMIT 1) FROM listings_fts_docsize d");
  int listings = 0;
  while (d.step()) {
    const auto sz = d.blob(0);
    if (!d.is_null(1)) CHECK(sum_varints(sz.data(), static_cast<int>(sz.size())) == d.i64(1));
    ++listings;
  }
  CHECK(listings == static_cast<int>(db.ids.size()));
}

}  // namespace

TEST_CASE("the postings are what the listings' text makes of them, after inserts and edits",
          "[storage][search][postings]") {
  search_db db(7);
  db.conn.exec("BEGIN");
  for (int i = 0; i < 300; ++i) db.add();
  for (int i = 0; i < 300; ++i) db.edit();
  db.conn.exec("COMMIT");
  check_tables(db);
  CHECK(stored_postings(db.conn).size() > 1000);

  // An edit that is rolled back leaves them as they were.
  const auto before = stored_postings(db.conn);
  db.conn.exec("BEGIN");
  for (int i = 0; i < 20; ++i) db.edit();
  db.conn.exec("ROLLBACK");
  CHECK(stored_postings(db.conn) == before);

  // Migration 0007 computes the same postings for listings that were there before it (run by
  // itself again: later migrations are already applied).
  db.conn.exec(
      "DROP TRIGGER search_postings_insert; DROP TRIGGER search_postings_update; DROP TABLE search_postings; "
      "DROP TABLE search_terms");
  bool found = false;
  for (const auto& [name, sql] : embedded::migrations())
    if (name.substr(0, 4) == "0007") {
      db.conn.exec(std::string(sql));
      found = true;
    }
  REQUIRE(found);
  check_tables(db);
}

TEST_CASE("a listing's len and shared prefixes", "[storage][search][postings]") {
  const auto p = postings_of("Apples apple 苹果苹果", "apple pie, 苹");
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> got;  // tf, shared
  for (const auto& x : p.postings) got[x.token] = {x.tf, x.shared};
  CHECK(p.len == 2 + 4 + 2 + 1);  // words, CJK characters
  CHECK(got["apple"] == std::pair<std::int64_t, std::int64_t>{11, 5});
  CHECK(got["apples"] == std::pair<std::int64_t, std::int64_t>{10, 5});
  CHECK(got["pie"] == std::pair<std::int64_t, std::int64_t>{1, 0});
  CHECK(got["苹果"] == std::pair<std::int64_t, std::int64_t>{20, 0});
  CHECK(got["果苹"] == std::pair<std::int64_t, std::int64_t>{10, 0});
  CHECK(got["苹"] == std::pair<std::int64_t, std::int64_t>{21, 0});
}

TEST_CASE("a search ranked from the postings returns what scoring every match in FTS5 returns",
          "[storage][search][postings]") {
  search_db db(20261205);
  db.conn.exec("BEGIN");
  for (int i = 0; i < 2000; ++i) db.add();
  for (int i = 0; i < 400; ++i) db.edit();
  db.conn.exec("COMMIT");
  int pages = 0;
  std::size_t seen = 0;
  for (const auto& text : searches) {
    for (int walk = 0; walk < 2; ++walk) {
      listing_query q;
      q.sort = listing_sort::relevance;
      q.text = text;
      q.in_stock_only = walk == 1;
      for (;;) {
        q.limit = static_cast<int>(db.pick(40)) + 1;
        INFO(text << ", walk " << walk << ", page " << pages << ", limit " << q.limit);
        const auto got = browse_listings(db.conn, q);
        const auto want = db.fts_page(q);
        REQUIRE(ids_of(got) == ids_of(want));
        REQUIRE(got.next_keys == want.next_keys);  // the same scores, to the bit
        ++pages;
        seen += got.items.size();
        if (got.next_keys.empty()) break;
        q.after = got.next_keys;
      }
    }
  }
  CHECK(pages > 500);
  CHECK(seen > 10000);
}

// The number of search walks: CUNJI_SEARCH_WALKS, else 60 (the sanitizer runs take fewer; the
// same paths, at a fraction of the time).
int walks_from_env(int fallback) {
  const char* v = std::getenv("CUNJI_SEARCH_WALKS");
  return v ? std::max(1, std::atoi(v)) : fallback;
}

TEST_CASE("pages ranked from the postings equal FTS5's while listings are added and edited",
          "[storage][search][postings]") {
  const int walks = walks_from_env(60);
  search_db db(424242);
  db.conn.exec("BEGIN");
  for (int i = 0; i < 800; ++i) db.add();
  db.conn.exec("COMMIT");
  int pages = 0, writes = 0;
  for (int walk = 0; walk < walks; ++walk) {
    listing_query q;
    q.sort = listing_sort::relevance;
    q.text = searches[db.pick(searches.size())];
    for (;;) {
      q.limit = static_cast<int>(db.pick(12)) + 1;
      INFO("walk " << walk << ", " << *q.text << ", page " << pages);
      const auto got = browse_listings(db.conn, q);
      const auto want = db.fts_page(q);
      REQUIRE(ids_of(got) == ids_of(want));
      REQUIRE(got.next_keys == want.next_keys);
      ++pages;
      if (got.next_keys.empty()) break;
      q.after = got.next_keys;
      // Between pages: new listings (after the walk's snapshot: left out, and the statistics
      // stay), and edits (which change the scores for both).
      for (std::size_t i = 0, n = db.pick(4); i < n; ++i, ++writes) {
        if (db.pick(2)) db.add();
        else db.edit();
      }
    }
  }
  check_tables(db);
  CHECK(pages > 5 * walks);
  CHECK(writes > 5 * walks);
}

TEST_CASE("searches with nothing to rank", "[storage][search][postings]") {
  search_db db(3);
  for (int i = 0; i < 50; ++i) db.add();
  for (const char* text : {"zzz", "龘", "!!!", "", "龘龘"}) {
    listing_query q;
    q.sort = listing_sort::relevance;
    q.text = text;
    const auto page = browse_listings(db.conn, q);
    INFO(text);
    CHECK(page.items.empty());
    CHECK(page.next_keys.empty());
  }
}
