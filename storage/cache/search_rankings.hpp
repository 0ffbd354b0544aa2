#pragma once
// Relevance rankings, shared by the reader threads (browse_listings with sort = relevance).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "storage/cache/change_counters.hpp"
#include "storage/cache/versioned_cache.hpp"

namespace cunji::storage {

struct ranked_match {
  double score;  // bm25 as of the walk's snapshot, negated: lower is better
  std::int64_t id;
};

// Rank order: better score first, then lower id.
inline bool rank_before(const ranked_match& a, const ranked_match& b) {
  return a.score < b.score || (a.score == b.score && a.id < b.id);
}

// Rankings by key (a search and its snapshot), each kept under the version it was computed at.
using ranking_cache = versioned_cache<std::vector<ranked_match>>;

// For a MATCH expression and a walk's snapshot id: every match up to the snapshot, best first
// (score, then id), with the scores the walk's cursor keys carry. A ranking depends only on the
// indexed text (title, description) of the listings up to the snapshot, so it stays exact until
// the writer bumps change_counters::search_text; stock, price, status and shop changes leave it
// alone, since browse_listings fetches and filters the rows of each page in its own read.
class search_rankings {
 public:
  search_rankings(const change_counters& counters, std::size_t budget_bytes)
      : counters_(counters), entries_(budget_bytes) {}

  const change_counters& counters() const noexcept { return counters_; }
  ranking_cache& entries() noexcept { return entries_; }
  const ranking_cache& entries() const noexcept { return entries_; }

 private:
  const change_counters& counters_;
  ranking_cache entries_;
};

}  // namespace cunji::storage
