// Browsing and searching listings on PostgreSQL: one SQL text per combination of filters (all
// values parameters), keyset pagination, and relevance ranked here with SQLite's bm25.
#include "storage/postgresql/sql/listing_search.hpp"

#include <algorithm>
#include <bit>
#include <optional>
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
  b.st.sql = std::string("SELECT ") + listing_cols +
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
    page.items.push_back(read_listing(r, i));
  }
  co_return page;
}

// The statements of a relevance page, run in one round trip: bm25's collection as of the
// snapshot (listings of any status up to its id, as FTS5 holds them: their number and total
// length), each term's number of matching listings up to it, and the browsable matches up to it
// that pass the filters.
std::vector<statement> relevance_statements(const listing_query& q, const std::vector<search_term>& terms,
                                            std::int64_t snapshot) {
  std::vector<statement> out;
  out.push_back({"SELECT count(*), coalesce(sum(search_length), 0) FROM listings WHERE id <= $1", params(snapshot)});
  for (const auto& t : terms)
    out.push_back({"SELECT count(*) FROM listings WHERE search_vector @@ $1::tsquery AND id <= $2",
                   params(term_tsquery(t), snapshot)});
  auto b = browsable();
  b.st.sql += " AND l.search_vector @@ " + b.arg(search_tsquery(terms)) +
              "::tsquery AND l.id <= " + b.arg(to_param(snapshot));
  add_filters(q, b);
  out.push_back(std::move(b.st));
  return out;
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

task<listing_page> browse_relevance(connection& c, listing_query q, std::vector<search_term> terms) {
  // Keyset: [snapshot max id, bit pattern of the last score, last id].
  std::optional<ranked_match> after;
  std::int64_t snapshot = 0;
  if (q.after && q.after->size() == 3) {
    snapshot = (*q.after)[0];
    after = ranked_match{std::bit_cast<double>((*q.after)[1]), (*q.after)[2]};
  } else {
    const auto r = co_await c.query("SELECT coalesce(max(id), 0) FROM listings");
    snapshot = r.i64(0, 0);
  }
  auto statements = relevance_statements(q, terms, snapshot);
  const auto results = co_await c.pipeline(std::move(statements));

  const auto coll = bm25_collection_of({results[0].i64(0, 0), results[0].i64(0, 1)}, {});
  std::vector<double> idf;
  for (std::size_t i = 0; i < terms.size(); ++i) idf.push_back(bm25_idf(coll.rows, results[1 + i].i64(0, 0)));
  const auto& rows = results.back();
  std::vector<std::pair<ranked_match, int>> ranked;  // the matches after the cursor, and their rows
  for (int i = 0; i < rows.rows(); ++i) {
    const ranked_match m{
        rank_of(rows.text(i, listing_title_col), rows.text(i, listing_description_col), terms, idf, coll.avgdl),
        rows.i64(i, 0)};
    if (!after || rank_before(*after, m)) ranked.emplace_back(m, i);
  }
  // The page and one more (whether a next page follows), best first.
  const auto n = std::min(ranked.size(), static_cast<std::size_t>(q.limit) + 1);
  const auto before = [](const auto& a, const auto& b) { return rank_before(a.first, b.first); };
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(n), ranked.end(), before);

  listing_page page;
  for (std::size_t k = 0; k < n; ++k) {
    if (static_cast<int>(page.items.size()) == q.limit) {
      const auto& last = ranked[k - 1].first;
      page.next_keys = {snapshot, std::bit_cast<std::int64_t>(last.score), last.id};
      break;
    }
    page.items.push_back(read_listing(rows, ranked[k].second));
  }
  co_return page;
}

}  // namespace

task<listing_page> browse_listings(connection& c, listing_query q) {
  if (q.limit < 1) co_return listing_page{};
  std::optional<std::string> tsquery;
  if (q.text) {
    auto terms = search_terms_of(*q.text);
    if (terms.empty()) co_return listing_page{};  // nothing searchable in the text: nothing matches
    if (q.sort == listing_sort::relevance) co_return co_await browse_relevance(c, std::move(q), std::move(terms));
    tsquery = search_tsquery(terms);
  }
  co_return co_await browse_ordered(c, std::move(q), std::move(tsquery));
}

}  // namespace cunji::storage::pg
