// Searching listings on PostgreSQL (storage/postgresql/sql/listing_search.hpp): the tsvector
// literal, which listings a search matches (CJK characters where they are adjacent, word
// prefixes), user text as data, and relevance.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "search_twins.hpp"
#include "storage/postgresql/sql/search_terms.hpp"
#include "storage/search/fts_tokenizer.hpp"

using namespace cunji;
using namespace cunji::storage;
using cunji::test::ids_of;
using cunji::test::listing_row;
using cunji::test::run_task;

namespace {

task<std::string> canonical_tsvector(pg::connection& c, std::string literal) {
  const auto r = co_await c.query("SELECT $1::tsvector::text", pg::params(literal));
  co_return std::string(r.text(0, 0));
}

// The ids a search matches, newest first, and the same search ranked (sorted by id).
struct matches {
  std::vector<std::int64_t> newest;
  std::vector<std::int64_t> ranked;
};
matches search(test::search_twins& db, const std::string& text) {
  listing_query q;
  q.text = text;
  q.limit = 50;
  matches m{ids_of(db.pg_browse(q)), {}};
  CHECK(ids_of(db.sqlite_browse(q)) == m.newest);  // the specification's answer
  q.sort = listing_sort::relevance;
  m.ranked = ids_of(db.pg_browse(q));
  CHECK(ids_of(db.sqlite_browse(q)) == m.ranked);
  std::sort(m.ranked.begin(), m.ranked.end(), std::greater<>());
  return m;
}

using ids = std::vector<std::int64_t>;

}  // namespace

TEST_CASE("PostgreSQL search: the tsvector literal of a listing") {
  // 红富士 is 红富@1 红@1 富士@2 富@2 士@3, apple@4, all weight A; the description starts after
  // one unused position: 苹果@6 苹@6 果@7, weight D (printed bare). Lexemes in byte order.
  const auto literal = pg::search_vector("红富士 Apple", "苹果");
  CHECK(literal == "'apple':4A '士':3A '富':2A '富士':2A '果':7 '红':1A '红富':1A '苹':6 '苹果':6");
  CHECK(pg::search_vector("", "") == "");
  CHECK(pg::search_vector("a a", "a") == "'a':1A,2A,4");
  // Separators only: no lexeme, and nothing of the text in the literal.
  CHECK(pg::search_vector("'\\:* & | ! <->", "（）") == "");

  boost::asio::io_context ioc;
  auto c = run_task(ioc,
                    pg::connection::open(ioc.get_executor(), test::shared_pg().conninfo(), std::chrono::seconds(10)));
  // PostgreSQL reads it as written (its own text form).
  CHECK(run_task(ioc, canonical_tsvector(*c, literal)) == literal);

  // Positions stop at 16383 and a lexeme keeps 256 of them, as PostgreSQL keeps them; a word
  // longer than a lexeme may be is cut on a character.
  std::string many;
  for (int i = 0; i < 17000; ++i) many += "w" + std::to_string(i) + " ";
  const auto capped = pg::search_vector("x", many);
  CHECK(capped.find("'w16380':16383 ") != std::string::npos);  // x@1, then w0@3...
  CHECK(capped.find("'w16999':16383") != std::string::npos);
  CHECK(capped.find(":16384") == std::string::npos);
  CHECK_NOTHROW(run_task(ioc, canonical_tsvector(*c, capped)));
  std::string long_word;
  for (int i = 0; i < 1500; ++i) long_word += "é";
  std::string repeated;
  for (int i = 0; i < 300; ++i) repeated += "a ";
  const auto big = pg::search_vector(long_word, repeated);
  CHECK(big.find("'" + long_word.substr(0, 2046) + "':1A") != std::string::npos);
  CHECK(std::count(big.begin(), big.end(), ',') == 255);  // a@3..258
  CHECK(run_task(ioc, canonical_tsvector(*c, big)) == big);
}

TEST_CASE("PostgreSQL search: CJK where adjacent, word prefixes, user text as data") {
  test::search_twins db;
  db.county(1, true);
  db.village(1, 1);
  db.shop(1, 1, true);
  const std::vector<listing_row> rows = {
      {1, 1, "红富士苹果", ""},
      {2, 1, "苹 果", ""},
      {3, 1, "苹，果", ""},
      {4, 1, "新鲜水果", "产地直发苹果"},
      {5, 1, "红富 士", ""},
      {6, 1, "富士山苹果树", ""},
      {7, 1, "Fuji apples", "fresh from the farm"},
      {8, 1, "Applesauce", ""},
      {9, 1, "Fuji 苹果", ""},
      {10, 1, "蜂蜜", "山里的土特产，新鲜直发"},
      {11, 1, "土特产", "蜂蜜"},
      {12, 1, "O'Brien's \\ apples: fresh", ""},
      {13, 1, "苹果", "", "fruit", 100, 10, "draft"},
      {14, 1, "红富，富士", ""},
  };
  for (const auto& r : rows) db.add(r);

  // One character: its unigram; two: their bigram; more: a phrase. Never across a separator.
  CHECK(search(db, "苹").newest == ids{9, 6, 4, 3, 2, 1});
  CHECK(search(db, "苹果").newest == ids{9, 6, 4, 1});
  CHECK(search(db, "红富士").newest == ids{1});
  CHECK(search(db, "红富士苹").newest == ids{1});
  CHECK(search(db, "富士苹果").newest == ids{1});
  CHECK(search(db, "苹果树").newest == ids{6});
  CHECK(search(db, "果苹").newest.empty());
  // Words: prefixes, lowercased; terms are ANDed.
  CHECK(search(db, "appl").newest == ids{12, 8, 7});
  CHECK(search(db, "APPLESA").newest == ids{8});
  CHECK(search(db, "fuji 苹果").newest == ids{9});
  CHECK(search(db, "fresh apples").newest == ids{12, 7});

  // Nothing searchable: nothing matches (as on SQLite), whatever the sort.
  for (const char* text : {"", "!!!", "，。", "\\'", "&|!<->:*"}) {
    CAPTURE(text);
    const auto m = search(db, text);
    CHECK(m.newest.empty());
    CHECK(m.ranked.empty());
  }

  // Quotes, backslashes, colons and tsquery operators are separators: data, never syntax.
  const ids apple_pie = search(db, "苹果").newest;
  for (const char* text : {"'苹果'", "苹果\\", "苹果'", "<-> 苹果", "苹果:*", "!苹果", "(苹果)", "苹果 <-> |"}) {
    CAPTURE(text);
    const auto m = search(db, text);
    CHECK(m.newest == apple_pie);
    CHECK(m.ranked == apple_pie);
  }
  CHECK(search(db, "fuji:*").newest == ids{9, 7});
  CHECK(search(db, "苹果 & !红").newest == ids{1});
  CHECK(search(db, "苹果|红富士").newest == ids{1});
  CHECK(search(db, "o'brien").newest == ids{12});
  CHECK(search(db, "a:*b").newest == ids{12});
  CHECK(search(db, "'); DROP TABLE listings; --").newest.empty());
  CHECK(search(db, "苹果").ranked == apple_pie);

  // Relevance: a title match first, a description-only match after it, though the latter is
  // shorter (which alone would rank it first).
  listing_query honey;
  honey.text = "蜂蜜";
  honey.sort = listing_sort::relevance;
  const auto page = db.pg_browse(honey);
  CHECK(ids_of(page) == ids{10, 11});
  CHECK(ids_of(db.sqlite_browse(honey)) == ids{10, 11});
  REQUIRE(page.items.size() == 2);
  CHECK(page.items[0].title == "蜂蜜");
  CHECK(page.items[1].description == "蜂蜜");
}

TEST_CASE("PostgreSQL search: a search's tsquery quotes every lexeme") {
  const auto terms = search_terms_of("it's 红富士苹 a\\b 苹");
  REQUIRE(terms.size() == 6);
  CHECK(pg::search_tsquery(terms) == "'it':* & 's':* & ('红富' <-> '富士' <-> '士苹') & 'a':* & 'b':* & '苹'");
  CHECK(pg::term_tsquery({"苹果", false, 2}) == "'苹果'");
  // A listing's length is FTS5's: a position per word and per CJK character.
  const std::string text = "红富士 Apple，苹 ÉTÉ";
  CHECK(pg::count_terms(text, text, {}).length == 2.0 * tokenize_for_index(text).positions);
  CHECK(tokenize_for_index(text).positions == 6);
  // Defensive: a lexeme with a quote or a backslash stays one lexeme.
  CHECK(pg::term_tsquery({"o'k\\", true, 1}) == "'o''k\\\\':*");
}

namespace {

// Three counties (1 and 3 poverty-stricken), two villages each, a shop in each village (shop 6
// closed), and 48 listings of words run together (CJK) or spaced (Latin), some drafts or
// archived, with many ties in price.
std::vector<listing_row> make_catalog(test::search_twins& db) {
  for (std::int64_t c = 1; c <= 3; ++c) db.county(c, c != 2);
  for (std::int64_t v = 1; v <= 6; ++v) db.village(v, (v + 1) / 2);
  for (std::int64_t s = 1; s <= 6; ++s) db.shop(s, s, s != 6);
  const std::vector<std::string> cjk = {"苹果", "红富士", "土豆", "蜂蜜", "新鲜", "有机", "农家", "苹"};
  const std::vector<std::string> latin = {"Fuji", "apples", "honey", "organic", "fresh", "tea"};
  const std::vector<std::string> categories = {"fruit", "vegetable", "honey", "tea"};
  std::uint32_t seed = 20240611;
  const auto pick = [&seed](std::uint32_t n) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) % n;
  };
  const auto phrase = [&](std::uint32_t max_words) {
    std::string out;
    for (std::uint32_t i = 0, n = pick(max_words) + 1; i < n; ++i) {
      if (pick(10) < 6) out += cjk[pick(8)];
      else out += " " + latin[pick(6)] + (pick(4) == 0 ? "，" : " ");
    }
    return out;
  };
  std::vector<listing_row> rows;
  for (std::int64_t id = 1; id <= 48; ++id) {
    listing_row r{id, static_cast<std::int64_t>(pick(6)) + 1, phrase(4), pick(2) ? phrase(8) : ""};
    r.category = categories[pick(4)];
    r.price_fen = (static_cast<std::int64_t>(pick(8)) + 1) * 100;
    r.stock = pick(5) == 0 ? 0 : static_cast<std::int64_t>(pick(100));
    r.status = id % 11 == 0 ? "draft" : id % 13 == 0 ? "archived" : "active";
    db.add(r);
    rows.push_back(r);
  }
  return rows;
}

// The listings a browse without text returns, in its order (the model's answer).
std::vector<std::int64_t> expected(const std::vector<listing_row>& rows, const listing_query& q) {
  std::vector<const listing_row*> hits;
  for (const auto& r : rows) {
    const std::int64_t village = r.shop_id;  // shop s is in village s
    const std::int64_t county = (village + 1) / 2;
    if (r.status != "active" || r.shop_id == 6) continue;
    if ((q.category && r.category != *q.category) || (q.county_id && county != *q.county_id) ||
        (q.village_id && village != *q.village_id) || (q.shop_id && r.shop_id != *q.shop_id) ||
        (q.poverty_relief_only && county == 2) || (q.min_price_fen && r.price_fen < *q.min_price_fen) ||
        (q.max_price_fen && r.price_fen > *q.max_price_fen) || (q.in_stock_only && r.stock == 0))
      continue;
    hits.push_back(&r);
  }
  const auto key = [&q](const listing_row* r) {
    if (q.sort == listing_sort::price_asc) return std::pair(r->price_fen, r->id);
    if (q.sort == listing_sort::price_desc) return std::pair(-r->price_fen, -r->id);
    return std::pair(std::int64_t{0}, -r->id);
  };
  std::sort(hits.begin(), hits.end(), [&](const auto* a, const auto* b) { return key(a) < key(b); });
  std::vector<std::int64_t> out;
  for (const auto* r : hits) out.push_back(r->id);
  return out;
}

// The ids of a walk on PostgreSQL alone.
std::vector<std::int64_t> walk_pg(test::search_twins& db, listing_query q) {
  std::vector<std::int64_t> seen;
  for (int k = 0; k < 200; ++k) {
    const auto page = db.pg_browse(q);
    for (const auto& l : page.items) seen.push_back(l.id);
    if (page.next_keys.empty()) break;
    q.after = page.next_keys;
  }
  return seen;
}

std::vector<listing_query> filters() {
  std::vector<listing_query> out(10);
  out[1].category = "fruit";
  out[2].county_id = 2;
  out[3].village_id = 3;
  out[4].shop_id = 1;
  out[5].min_price_fen = 300;
  out[5].max_price_fen = 600;
  out[6].in_stock_only = true;
  out[7].poverty_relief_only = true;
  out[8].county_id = 1;
  out[8].category = "fruit";
  out[8].in_stock_only = true;
  out[9].shop_id = 6;  // closed: nothing
  return out;
}

}  // namespace

TEST_CASE("PostgreSQL search: filters, sorts and walks as on SQLite") {
  test::search_twins db;
  const auto rows = make_catalog(db);
  const std::vector<std::optional<std::string>> texts = {std::nullopt, "苹果",       "apple",   "红富士",
                                                         "苹",         "fresh 苹果", "有机农家"};
  const auto sorts = {listing_sort::newest, listing_sort::price_asc, listing_sort::price_desc, listing_sort::relevance};
  int nonempty = 0;
  for (const auto& f : filters())
    for (const auto& text : texts)
      for (const auto sort : sorts) {
        auto q = f;
        q.text = text;
        q.sort = sort;
        q.limit = 2;
        CAPTURE(text.value_or("-"), static_cast<int>(sort), f.category.value_or("-"), f.county_id.value_or(0),
                f.village_id.value_or(0), f.shop_id.value_or(0), f.in_stock_only, f.poverty_relief_only);
        // Pages of 2 held to SQLite's (ids, fields, next keys with the score's bits). Relevance
        // without text is newest; SQLite's takes a cursor of two keys for it, not newest's
        // one, so that walk is held to the model alone.
        const auto seen = text || sort != listing_sort::relevance ? test::walk_both(db, q, [](int) {}) : walk_pg(db, q);
        auto once = seen;
        std::sort(once.begin(), once.end());
        CHECK(std::adjacent_find(once.begin(), once.end()) == once.end());  // each match once
        // Without text, the model's order (relevance: newest's).
        if (!text) CHECK(seen == expected(rows, q));
        if (seen.size() > 2) ++nonempty;
      }
  CHECK(nonempty > 100);  // the data makes long walks
}

TEST_CASE("PostgreSQL search: a relevance walk is unchanged by a listing added between pages") {
  test::search_twins db;
  make_catalog(db);
  listing_query q;
  q.text = "苹果";
  q.sort = listing_sort::relevance;
  q.limit = 2;
  const auto before = test::walk_both(db, q, [](int) {});
  REQUIRE(before.size() > 4);
  // A listing that ranks first, added after the first page: the walk neither shows it nor
  // changes its order (the statistics stay those of the snapshot).
  const auto during = test::walk_both(db, q, [&db](int page) {
    if (page == 1) db.add({100, 1, "苹果苹果苹果", "苹果"});
  });
  CHECK(during == before);
  const auto after = test::walk_both(db, q, [](int) {});
  REQUIRE(!after.empty());
  CHECK(after.front() == 100);
  CHECK(after.size() == before.size() + 1);
}
