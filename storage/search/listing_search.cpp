// Browsing and searching listings: one SQL text per combination of filters (all values bound),
// keyset pagination, and an index, the FTS index or the postings behind every query.
#include "storage/search/listing_search.hpp"

#include <algorithm>
#include <bit>
#include <memory>
#include <optional>
#include <string_view>
#include <variant>

#include "storage/cache/search_rankings.hpp"
#include "storage/search/fts_tokenizer.hpp"
#include "storage/search/impact_ranking.hpp"
#include "storage/search/rank_function.hpp"
#include "storage/sql/catalog.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/transaction.hpp"

namespace cunji::storage {

// listing_select_columns (storage/sql/catalog.hpp) counts these.
const char* const listing_select =
    "l.id, l.shop_id, l.village_id, l.county_id, c.poverty_stricken, l.title, l.description, l.category, l.unit, "
    "l.price_fen, l.stock, l.status, l.version, l.created_at, l.updated_at";

listing read_listing_row(const query& q, int k) {
  listing l;
  l.id = q.i64(k + 0);
  l.shop_id = q.i64(k + 1);
  l.village_id = q.i64(k + 2);
  l.county_id = q.i64(k + 3);
  l.poverty_relief = q.i64(k + 4) != 0;
  l.title = q.str(k + 5);
  l.description = q.str(k + 6);
  l.category = q.str(k + 7);
  l.unit = q.str(k + 8);
  l.price_fen = q.i64(k + 9);
  l.stock = q.i64(k + 10);
  l.status = parse_listing_status(q.text(k + 11)).value_or(listing_status::draft);
  l.version = q.i64(k + 12);
  l.created_at = q.i64(k + 13);
  l.updated_at = q.i64(k + 14);
  return l;
}

namespace {

using value = std::variant<std::int64_t, double, std::string>;

// The cunji_rank call of a relevance query (storage/search/rank_function.hpp): ? = snapshot id.
constexpr const char* score_expr = "cunji_rank(listings_fts, ?)";

void add_filters(const listing_query& q, std::string& sql, std::vector<value>& args) {
  if (q.category) {
    sql += " AND l.category = ?";
    args.emplace_back(*q.category);
  }
  if (q.county_id) {
    sql += " AND l.county_id = ?";
    args.emplace_back(*q.county_id);
  }
  if (q.village_id) {
    sql += " AND l.village_id = ?";
    args.emplace_back(*q.village_id);
  }
  if (q.shop_id) {
    sql += " AND l.shop_id = ?";
    args.emplace_back(*q.shop_id);
  }
  if (q.poverty_relief_only) sql += " AND c.poverty_stricken = 1";
  if (q.min_price_fen) {
    sql += " AND l.price_fen >= ?";
    args.emplace_back(*q.min_price_fen);
  }
  if (q.max_price_fen) {
    sql += " AND l.price_fen <= ?";
    args.emplace_back(*q.max_price_fen);
  }
  if (q.in_stock_only) sql += " AND l.stock > 0";
}

void bind_values(query& st, const std::vector<value>& args) {
  int i = 0;
  for (const auto& a : args) std::visit([&](const auto& v) { st.bind(++i, v); }, a);
}

std::int64_t max_listing_id(connection& c) {
  auto q = c.prepare("SELECT coalesce(max(id), 0) FROM listings");
  q.step();
  return q.i64(0);
}

// One browse query, ready to run: the SQL text and its bindings. browse_listings runs it;
// explain_browse asks SQLite for its plan. A relevance query is two statements: `sql` scores
// every match up to the snapshot in the FTS index alone (no join: scoring every match is the
// cost, joining every match would double it; the ranking is then kept, see search_rankings),
// and the rows of the matches are then fetched and filtered (row_filter) a few at a time, in
// rank order, until the page is full. A search ranked from the postings (impact_ranking) reads
// only the rows.
struct browse_sql {
  std::string sql;
  std::vector<value> args;
  bool relevance = false;
  std::int64_t snapshot = 0;  // relevance: the highest listing id the walk includes
  std::string row_filter;     // relevance: the filters of a listing's row (" AND ...")
  std::vector<value> row_args;
};

// A search: the terms of the user's text and its MATCH expression.
struct search {
  std::vector<search_term> terms;
  std::string match;
};

browse_sql relevance_sql(connection& c, const listing_query& q, const search& s) {
  // Keyset: [snapshot max id, bit pattern of the last score, last id]. Scores are computed with
  // the statistics as of the snapshot, so the last item's score is the one it had on its page.
  browse_sql b;
  b.relevance = true;
  b.snapshot = q.after && q.after->size() == 3 ? (*q.after)[0] : max_listing_id(c);
  b.sql = std::string("SELECT rowid, ") + score_expr +
          " AS score FROM listings_fts WHERE listings_fts MATCH ? AND rowid <= ?";
  b.args.emplace_back(b.snapshot);  // score_expr's
  b.args.emplace_back(s.match);
  b.args.emplace_back(b.snapshot);
  add_filters(q, b.row_filter, b.row_args);
  return b;
}

// Every match up to the snapshot, scored, in rank order: the same order as ORDER BY score,
// rowid (sorted here: SQLite's sorter costs several times more).
std::vector<ranked_match> rank_matches(connection& c, const browse_sql& b) {
  auto hits = prepare_ranked(c, b.sql);
  bind_values(hits, b.args);
  std::vector<ranked_match> out;
  while (hits.step()) out.push_back({hits.f64(1), hits.i64(0)});
  std::sort(out.begin(), out.end(), rank_before);
  return out;
}

// The ranking of every match (kept in `rankings`, if given), from just after the cursor.
class full_ranking {
 public:
  full_ranking(connection& c, const browse_sql& b, const search& s, std::optional<ranked_match> after,
               search_rankings* rankings, std::uint64_t version) {
    std::string key;
    if (rankings) {
      key = s.match;
      key += '\0';
      key += std::to_string(b.snapshot);
      ranking_ = rankings->entries().find(key, version);
    }
    if (!ranking_) {
      ranking_ = std::make_shared<const std::vector<ranked_match>>(rank_matches(c, b));
      if (rankings) rankings->entries().store(key, version, ranking_, ranking_->size() * sizeof(ranked_match));
    }
    it_ = after ? std::upper_bound(ranking_->begin(), ranking_->end(), *after, rank_before) : ranking_->begin();
  }
  std::optional<ranked_match> next() {
    if (it_ == ranking_->end()) return std::nullopt;
    return *it_++;
  }

 private:
  std::shared_ptr<const std::vector<ranked_match>> ranking_;
  std::vector<ranked_match>::const_iterator it_;
};

// The rows of `n` listings by id (the first n parameters) that are browsable and pass the
// filters, in the order of the ids. (A VALUES list drives: id IN (...) would sort the ids into
// a temporary b-tree first.)
std::string rows_sql(const browse_sql& b, std::size_t n) {
  std::string sql = "WITH page(id) AS (VALUES (?)";
  for (std::size_t i = 1; i < n; ++i) sql += ", (?)";
  return sql + ") SELECT " + listing_select + ", " + photos_column +
         " FROM page CROSS JOIN listings l ON l.id = page.id JOIN counties c ON c.id = l.county_id"
         " WHERE l.visible = 1" +
         b.row_filter;
}

// Reads the listings of `batch` that are browsable and pass the filters, in rank order.
std::vector<listing> fetch_rows(connection& c, const browse_sql& b, const std::vector<ranked_match>& batch) {
  auto row = c.prepare(rows_sql(b, batch.size()));
  int i = 0;
  for (const auto& m : batch) row.bind(++i, m.id);
  for (const auto& a : b.row_args) std::visit([&](const auto& v) { row.bind(++i, v); }, a);
  std::vector<listing> out;
  while (row.step()) {
    out.push_back(read_listing_row(row, 0));
    out.back().photos = read_photos_column(row, listing_select_columns);
  }
  return out;
}

// The page: the browsable listings passing the filters, taken in rank order from `ranking`.
// Their rows are read a batch of matches at a time: as many as the page still needs (one more
// than its items: whether a next page follows), rounded down to a power of two (a few SQL texts).
template <class Ranking>
listing_page relevance_page(connection& c, const listing_query& q, const browse_sql& b, Ranking& ranking) {
  listing_page page;
  page.items.reserve(static_cast<std::size_t>(q.limit));
  double last_score = 0;
  std::vector<ranked_match> batch;
  for (bool more = true; more;) {
    const auto need = static_cast<std::size_t>(q.limit) + 1 - page.items.size();
    const auto n = std::min<std::size_t>(std::bit_floor(need), 64);
    batch.clear();
    while (batch.size() < n) {
      const auto m = ranking.next();
      if (!m) break;
      batch.push_back(*m);
    }
    more = batch.size() == n;
    if (batch.empty()) break;
    auto rows = fetch_rows(c, b, batch);
    auto row = rows.begin();
    for (const auto& m : batch) {
      if (row == rows.end() || row->id != m.id) continue;  // filtered out, or not browsable
      if (static_cast<int>(page.items.size()) == q.limit) {
        page.next_keys = {b.snapshot, std::bit_cast<std::int64_t>(last_score), page.items.back().id};
        return page;
      }
      page.items.push_back(std::move(*row++));
      last_score = m.score;
    }
  }
  return page;
}

listing_page browse_relevance(connection& c, const listing_query& q, const search& s, search_rankings* rankings) {
  // The counter before the read (see change_counters.hpp).
  const auto version = rankings ? rankings->counters().search_text() : 0;
  read_transaction snapshot(c);  // every statement of a page reads the same snapshot
  const auto b = relevance_sql(c, q, s);
  std::optional<ranked_match> after;
  if (q.after && q.after->size() == 3) after = ranked_match{std::bit_cast<double>((*q.after)[1]), (*q.after)[2]};
  if (ranks_from_postings(s.terms)) {
    impact_ranking ranking(c, s.terms.front(), b.snapshot, after);
    return relevance_page(c, q, b, ranking);
  }
  full_ranking ranking(c, b, s, after, rankings, version);
  return relevance_page(c, q, b, ranking);
}

browse_sql build_browse_sql(connection& c, const listing_query& q, const std::optional<search>& s) {
  if (q.sort == listing_sort::relevance && s) return relevance_sql(c, q, *s);

  browse_sql b;
  auto& args = b.args;
  // Without a search, the page's ids first, from an index alone (most of the browse indexes
  // cover the filters), sorted and cut to the page; then the page's rows by id. Sorting whole
  // rows, or fetching every match's row before the cut, costs several times more when the
  // index is not in the page's order (county, category, price range).
  std::string sql;
  if (s) {
    // The FTS index drives: CROSS JOIN fixes the join order.
    sql = std::string("SELECT ") + listing_select +
          " FROM listings_fts CROSS JOIN listings l ON l.id = listings_fts.rowid JOIN counties c ON c.id = "
          "l.county_id WHERE listings_fts MATCH ? AND l.visible = 1";
    args.emplace_back(s->match);
  } else {
    sql = std::string("SELECT l.id FROM listings l") +
          (q.poverty_relief_only ? " JOIN counties c ON c.id = l.county_id" : "") + " WHERE l.visible = 1";
  }
  add_filters(q, sql, args);
  const bool has_after = q.after && q.after->size() == (q.sort == listing_sort::newest ? 1u : 2u);
  const char* order = "";
  switch (q.sort) {
    case listing_sort::price_asc:
      if (has_after) {
        sql += " AND (l.price_fen, l.id) > (?, ?)";
        args.emplace_back((*q.after)[0]);
        args.emplace_back((*q.after)[1]);
      }
      order = " ORDER BY l.price_fen, l.id";
      break;
    case listing_sort::price_desc:
      if (has_after) {
        sql += " AND (l.price_fen, l.id) < (?, ?)";
        args.emplace_back((*q.after)[0]);
        args.emplace_back((*q.after)[1]);
      }
      order = " ORDER BY l.price_fen DESC, l.id DESC";
      break;
    case listing_sort::newest:
    case listing_sort::relevance:  // relevance without a query: newest
      // With a search, order by the FTS rowid (the listing id): FTS5 then walks its index
      // backwards and stops at the limit instead of collecting every match to sort.
      if (has_after) {
        sql += s ? " AND listings_fts.rowid < ?" : " AND l.id < ?";
        args.emplace_back((*q.after)[0]);
      }
      order = s ? " ORDER BY listings_fts.rowid DESC" : " ORDER BY l.id DESC";
      break;
  }
  sql += order;
  sql += " LIMIT ?";
  args.emplace_back(static_cast<std::int64_t>(q.limit) + 1);
  if (s) b.sql = std::move(sql);
  else
    b.sql = std::string("SELECT ") + listing_select + ", " + photos_column +
            " FROM listings l JOIN counties c ON c.id = l.county_id WHERE l.id IN (" + sql + ")" + order;
  return b;
}

// The search of `q`'s text; nullopt without text. No terms: nothing can match.
std::optional<search> search_of(const listing_query& q) {
  if (!q.text) return std::nullopt;
  search s;
  s.terms = search_terms_of(*q.text);
  if (const auto m = build_match_query(*q.text)) s.match = *m;
  return s;
}

}  // namespace

listing_page browse_listings(connection& c, const listing_query& q, search_rankings* rankings) {
  const auto s = search_of(q);
  if (s && s->terms.empty()) return {};  // nothing searchable in the text
  if (q.sort == listing_sort::relevance && s) return browse_relevance(c, q, *s, rankings);
  // A search may sort every match (in price order), so its rows come without their photos,
  // which are read after the cut, in the same snapshot; the other rows carry them.
  std::optional<read_transaction> snapshot;
  if (s) snapshot.emplace(c);
  const auto b = build_browse_sql(c, q, s);
  listing_page page;
  page.items.reserve(static_cast<std::size_t>(q.limit));
  auto st = c.prepare(b.sql);
  bind_values(st, b.args);
  while (st.step()) {
    if (static_cast<int>(page.items.size()) == q.limit) {
      const auto& last = page.items.back();
      if (q.sort == listing_sort::price_asc || q.sort == listing_sort::price_desc)
        page.next_keys = {last.price_fen, last.id};
      else page.next_keys = {last.id};
      break;
    }
    page.items.push_back(read_listing_row(st, 0));
    if (!s) page.items.back().photos = read_photos_column(st, listing_select_columns);
  }
  if (s) attach_photos(c, page.items);
  return page;
}

std::string explain_browse(connection& c, const listing_query& q) {
  const auto s = search_of(q);
  if (s && s->terms.empty()) return {};  // no statement runs
  const auto b = build_browse_sql(c, q, s);
  std::string plan;
  auto explain = [&](const std::string& sql, const std::vector<value>& args, bool ranked) {
    auto st = ranked ? prepare_ranked(c, "EXPLAIN QUERY PLAN " + sql) : c.prepare("EXPLAIN QUERY PLAN " + sql);
    bind_values(st, args);
    while (st.step()) {
      if (!plan.empty()) plan += '\n';
      plan += st.str(3);  // id, parent, notused, detail
    }
  };
  if (b.relevance && ranks_from_postings(s->terms)) plan = explain_impact(c, s->terms.front());
  else explain(b.sql, b.args, b.relevance);
  if (b.relevance) {
    std::vector<value> row_args{std::int64_t{0}};
    row_args.insert(row_args.end(), b.row_args.begin(), b.row_args.end());
    explain(rows_sql(b, 1), row_args, false);
  }
  return plan;
}

}  // namespace cunji::storage
