// Browsing and searching listings on PostgreSQL: one SQL text per combination of filters (all
// values parameters), keyset pagination, and relevance ranked here with SQLite's bm25.
#include "storage/postgresql/sql/listing_search.hpp"

#include <algorithm>
#include <bit>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>

#include "storage/cache/search_rankings.hpp"
#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/sql/listing_rows.hpp"
#include "storage/postgresql/sql/search_terms.hpp"
#include "storage/search/bm25.hpp"
#include "storage/search/fts_tokenizer.hpp"

namespace cunji::storage::pg {

namespace {

// A statement being written: its parameters are numbered as they are added.
struct statement_builder {
  statement st;
  std::string arg(param v) {
    st.values.push_back(std::move(v));
    return "$" + std::to_string(st.values.size());
  }
};

// Browsable listings with their county: the start of every browse statement.
statement_builder browsable() {
  statement_builder b;
  b.st.sql = "SELECT " + listing_with_photos_cols +
             " FROM listings l JOIN counties c ON c.id = l.county_id WHERE l.visible = 1";
  return b;
}

void add_filters(const listing_query& q, statement_builder& b) {
  auto& sql = b.st.sql;
  if (q.category) sql += " AND l.category = " + b.arg(*q.category);
  if (q.county_id) sql += " AND l.county_id = " + b.arg(to_param(*q.county_id));
  if (q.village_id) sql += " AND l.village_id = " + b.arg(to_param(*q.village_id));
  if (q.shop_id) sql += " AND l.shop_id = " + b.arg(to_param(*q.shop_id));
  if (q.poverty_relief_only) sql += " AND c.poverty_stricken = 1";
  if (q.min_price_fen) sql += " AND l.price_fen >= " + b.arg(to_param(*q.min_price_fen));
  if (q.max_price_fen) sql += " AND l.price_fen <= " + b.arg(to_param(*q.max_price_fen));
  if (q.in_stock_only) sql += " AND l.stock > 0";
}

// newest, price_asc, price_desc (and relevance without a search: newest), with or without a
// search: the browse indexes drive (listings_visible_*), or the GIN index for a rare term.
statement ordered_statement(const listing_query& q, const std::optional<std::string>& tsquery) {
  auto b = browsable();
  auto& sql = b.st.sql;
  if (tsquery) sql += " AND l.search_vector @@ " + b.arg(*tsquery) + "::tsquery";
  add_filters(q, b);
  const bool by_price = q.sort == listing_sort::price_asc || q.sort == listing_sort::price_desc;
  const bool has_after = q.after && q.after->size() == (by_price ? 2u : 1u);
  if (by_price) {
    const bool asc = q.sort == listing_sort::price_asc;
    if (has_after) {
      sql += asc ? " AND (l.price_fen, l.id) > (" : " AND (l.price_fen, l.id) < (";
      sql += b.arg(to_param((*q.after)[0])) + ", " + b.arg(to_param((*q.after)[1])) + ")";
    }
    sql += asc ? " ORDER BY l.price_fen, l.id" : " ORDER BY l.price_fen DESC, l.id DESC";
  } else {
    if (has_after) sql += " AND l.id < " + b.arg(to_param((*q.after)[0]));
    sql += " ORDER BY l.id DESC";
  }
  sql += " LIMIT " + b.arg(to_param(static_cast<std::int64_t>(q.limit) + 1));
  return std::move(b.st);
}

task<listing_page> browse_ordered(connection& c, listing_query q, std::optional<std::string> tsquery) {
  auto st = ordered_statement(q, tsquery);
  const auto r = co_await c.query(std::move(st.sql), std::move(st.values));
  listing_page page;
  const bool by_price = q.sort == listing_sort::price_asc || q.sort == listing_sort::price_desc;
  for (int i = 0; i < r.rows(); ++i) {
    if (static_cast<int>(page.items.size()) == q.limit) {
      const auto& last = page.items.back();
      if (by_price) page.next_keys = {last.price_fen, last.id};
      else page.next_keys = {last.id};
      break;
    }
    page.items.push_back(read_listing_with_photos(r, i));
  }
  co_return page;
}

// SQLite's cunji_rank (storage/search/rank_function.cpp): the same terms, statistics and
// arithmetic in the same order, so the same score to the last bit.
double rank_of(std::string_view title, std::string_view description, const std::vector<search_term>& terms,
               const std::vector<double>& idf, double avgdl) {
  const auto counted = count_terms(title, description, terms);
  double score = 0.0;
  for (std::size_t i = 0; i < idf.size(); ++i) score += bm25_term(idf[i], counted.freq[i], counted.length, avgdl);
  return -1.0 * score;
}

using ranking = std::vector<ranked_match>;

// Every match up to the snapshot, of any status (the collection FTS5 holds on SQLite), scored
// with the collection's statistics and ranked best first. One round trip: the matches' text,
// and each term's number of matching listings up to the snapshot (a search of one term: the
// matches themselves).
task<std::shared_ptr<const ranking>> rank_matches(connection& c, const std::vector<search_term>& terms,
                                                  std::int64_t snapshot, bm25_collection coll) {
  std::vector<statement> statements;
  statements.push_back({"SELECT id, title, description FROM listings WHERE search_vector @@ $1::tsquery AND id <= $2",
                        params(search_tsquery(terms), snapshot)});
  if (terms.size() > 1)
    for (const auto& t : terms)
      statements.push_back({"SELECT count(*) FROM listings WHERE search_vector @@ $1::tsquery AND id <= $2",
                            params(term_tsquery(t), snapshot)});
  const auto results = co_await c.pipeline(std::move(statements));
  const auto& rows = results[0];
  std::vector<double> idf;
  for (std::size_t i = 0; i < terms.size(); ++i)
    idf.push_back(bm25_idf(coll.rows, terms.size() == 1 ? rows.rows() : results[1 + i].i64(0, 0)));
  auto out = std::make_shared<ranking>();
  out->reserve(static_cast<std::size_t>(rows.rows()));
  for (int i = 0; i < rows.rows(); ++i)
    out->push_back({rank_of(rows.text(i, 1), rows.text(i, 2), terms, idf, coll.avgdl), rows.i64(i, 0)});
  std::sort(out->begin(), out->end(), rank_before);
  co_return out;
}

// The rows of `ids` that are browsable and pass the filters, by id.
task<std::unordered_map<std::int64_t, listing>> browsable_rows(connection& c, const listing_query& q,
                                                               const std::vector<std::int64_t>& ids) {
  auto b = browsable();
  b.st.sql += " AND l.id = ANY (" + b.arg(bigint_array(ids)) + "::bigint[])";
  add_filters(q, b);
  const auto r = co_await c.query(std::move(b.st.sql), std::move(b.st.values));
  std::unordered_map<std::int64_t, listing> out;
  for (int i = 0; i < r.rows(); ++i) {
    auto l = read_listing_with_photos(r, i);
    const auto id = l.id;
    out.emplace(id, std::move(l));
  }
  co_return out;
}

task<listing_page> browse_relevance(connection& c, listing_query q, std::vector<search_term> terms,
                                    ranking_cache* rankings) {
  // Keyset: [snapshot max id, bit pattern of the last score, last id]. The first page reads
  // the snapshot id; every page reads the collection's statistics (search_stats, kept by the
  // listings' triggers, less the listings after the snapshot) and their generation, which a
  // change of any listing's text moves on: a ranking kept under it is exact while it stays.
  std::optional<ranked_match> after;
  std::int64_t snapshot = 0;
  std::vector<statement> first;
  if (q.after && q.after->size() == 3) {
    snapshot = (*q.after)[0];
    after = ranked_match{std::bit_cast<double>((*q.after)[1]), (*q.after)[2]};
    first.push_back({"SELECT count(*), coalesce(sum(search_length), 0) FROM listings WHERE id > $1", params(snapshot)});
  } else {
    first.push_back({"SELECT coalesce(max(id), 0) FROM listings", {}});
  }
  first.push_back({"SELECT listings, positions, generation FROM search_stats", {}});
  const auto stats = co_await c.pipeline(std::move(first));
  bm25_counts later;
  if (after) later = {stats[0].i64(0, 0), stats[0].i64(0, 1)};
  else snapshot = stats[0].i64(0, 0);
  const auto coll = bm25_collection_of({stats[1].i64(0, 0), stats[1].i64(0, 1)}, later);
  const auto generation = static_cast<std::uint64_t>(stats[1].i64(0, 2));

  auto key = search_tsquery(terms);
  key += '\0';
  key += std::to_string(snapshot);
  std::shared_ptr<const ranking> ranked;
  if (rankings) ranked = rankings->find(key, generation);
  if (!ranked) {
    ranked = co_await rank_matches(c, terms, snapshot, coll);
    if (rankings) rankings->store(key, generation, ranked, ranked->size() * sizeof(ranked_match));
  }

  // The page: the browsable matches that pass the filters, in rank order from just after the
  // cursor. Their rows are read a batch of matches at a time: as many as the page still needs
  // (and one more: whether a next page follows) at first, four times more after each batch
  // that the filters thinned, up to 4,096.
  auto it = after ? std::upper_bound(ranked->begin(), ranked->end(), *after, rank_before) : ranked->begin();
  listing_page page;
  double last_score = 0;
  std::size_t batch_size = static_cast<std::size_t>(q.limit) + 1;
  while (it != ranked->end()) {
    const auto end = it +
                     static_cast<std::ptrdiff_t>(std::min(batch_size, static_cast<std::size_t>(ranked->end() - it)));
    std::vector<std::int64_t> ids;
    for (auto m = it; m != end; ++m) ids.push_back(m->id);
    auto rows = co_await browsable_rows(c, q, ids);
    for (; it != end; ++it) {
      const auto row = rows.find(it->id);
      if (row == rows.end()) continue;  // filtered out, or not browsable
      if (static_cast<int>(page.items.size()) == q.limit) {
        page.next_keys = {snapshot, std::bit_cast<std::int64_t>(last_score), page.items.back().id};
        co_return page;
      }
      page.items.push_back(std::move(row->second));
      last_score = it->score;
    }
    batch_size = std::min<std::size_t>(batch_size * 4, 4096);
  }
  co_return page;
}

}  // namespace

bool browse_in_one_statement(const listing_query& q) { return !(q.text && q.sort == listing_sort::relevance); }

task<listing_page> browse_listings(connection& c, listing_query q, ranking_cache* rankings) {
  if (q.limit < 1) co_return listing_page{};
  std::optional<std::string> tsquery;
  if (q.text) {
    auto terms = search_terms_of(*q.text);
    if (terms.empty()) co_return listing_page{};  // nothing searchable in the text: nothing matches
    if (q.sort == listing_sort::relevance)
      co_return co_await browse_relevance(c, std::move(q), std::move(terms), rankings);
    tsquery = search_tsquery(terms);
  }
  co_return co_await browse_ordered(c, std::move(q), std::move(tsquery));
}

}  // namespace cunji::storage::pg
