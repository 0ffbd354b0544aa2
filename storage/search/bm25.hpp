#pragma once
// Listing relevance: FTS5's bm25 with title matches weighing ten times description matches (as
// bm25(listings_fts, 10.0, 1.0) computes it), except that the collection statistics (number of
// rows, average row length, rows matching each phrase) are those of the listings up to a walk's
// snapshot id. Plain bm25 uses the statistics of the whole table, so a listing added during a
// walk changes the scores of the others and can reorder them between pages (a walk then skips
// some matches and repeats others); with the statistics pinned to the snapshot, every page of
// a walk sees the same scores. Until something is added the two are equal.
//
// Both ways of ranking (cunji_rank over FTS5, storage/search/rank_function.cpp, and the
// postings, storage/search/impact_ranking.cpp) compute scores with these functions, so their
// scores are equal to the last bit: cursors carry a score's bit pattern.
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace cunji::storage {

constexpr double title_weight = 10.0;
constexpr double description_weight = 1.0;

// Row and token counts (tokens of all columns).
struct bm25_counts {
  std::int64_t rows = 0;
  std::int64_t tokens = 0;
};

// The collection as of a snapshot: the whole table's counts (FTS5's totals) minus those of
// the rows added after it (read from listings_fts_docsize by later_rows_sql, in the same read
// transaction as the totals).
struct bm25_collection {
  std::int64_t rows = 1;  // at least 1
  double avgdl = 0;
};
inline bm25_collection bm25_collection_of(bm25_counts all, bm25_counts later) {
  const std::int64_t n_row = std::max<std::int64_t>(1, all.rows - later.rows);
  const std::int64_t n_token = all.tokens - later.tokens;
  return {n_row, static_cast<double>(n_token) / static_cast<double>(n_row)};
}

// ?1 = the snapshot id; one row per later listing, its column sizes (see docsize_tokens).
constexpr const char* later_rows_sql = "SELECT sz FROM listings_fts_docsize WHERE id > ?1";
// FTS5's averages record (row 1 of %_data): the row count, then each column's token total.
constexpr const char* fts5_totals_sql = "SELECT block FROM listings_fts_data WHERE id = 1";

// The sum of the varints in FTS5's blob `p` of `n` bytes (a docsize record: a row's length).
std::int64_t sum_varints(const unsigned char* p, int n);
// The counts in an averages record.
bm25_counts parse_fts5_totals(const unsigned char* p, int n);

// FTS5's bm25 (fts5_aux.c) term by term, the same arithmetic in the same order.
inline double bm25_idf(std::int64_t n_row, std::int64_t n_hit) {
  double idf = std::log((n_row - n_hit + 0.5) / (n_hit + 0.5));
  if (idf <= 0.0) idf = 1e-6;
  return idf;
}

// One phrase's share: `f` its weighted frequency in the row, `d` the row's length in tokens.
inline double bm25_term(double idf, double f, double d, double avgdl) {
  constexpr double k1 = 1.2;
  constexpr double b = 0.75;
  return idf * ((f * (k1 + 1.0)) / (f + k1 * (1 - b + b * d / avgdl)));
}

// The rank of a row matching a one-phrase query: lower is better (FTS5's convention).
inline double bm25_rank_one(double idf, double f, double d, double avgdl) {
  double score = 0.0;
  score += bm25_term(idf, f, d, avgdl);
  return -1.0 * score;
}

}  // namespace cunji::storage
