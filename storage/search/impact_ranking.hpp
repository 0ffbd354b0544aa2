#pragma once
// Relevance ranking from the postings (migration 0007, storage/search/postings.hpp), for a
// search of one term that stands for whole tokens: a word (every indexed word it begins) or a
// CJK run of one or two characters (its unigram or its bigram). Such a term's bm25 score
// (storage/search/bm25.hpp) depends only on a listing's tf and len, so the best matches can be
// read first, and a page reads only as many as it needs instead of scoring every match.
//
// For one token and one tf the score falls as len grows: that token's postings in the order of
// search_postings_by_impact (tf, len, listing_id) are in rank order within each tf, except that
// two lengths may round to the same score (a batch is then extended past them and sorted). The
// ranking is the merge of the token's few tf groups. A word that begins several tokens: the
// merge of every such token's groups, except that a listing with more than one of the tokens
// has their tfs summed; those few listings (found through search_postings.shared) are scored in
// full and merged with the groups, which skip them.
//
// Scores, idf and the collection statistics are computed as cunji_rank computes them from
// FTS5, so the matches, their order and their scores (which cursors carry) are the same.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "storage/cache/search_rankings.hpp"
#include "storage/search/bm25.hpp"
#include "storage/search/fts_tokenizer.hpp"

namespace cunji::storage {

class connection;

// Whether a search of these terms is ranked from the postings.
bool ranks_from_postings(const std::vector<search_term>& terms);

class impact_ranking {
 public:
  // The matches of `term` with ids up to `snapshot`, best first, starting after `after` (a
  // cursor's last score and id) if given. Reads through `c` in the caller's read transaction,
  // which must stay open while the ranking is used.
  impact_ranking(connection& c, const search_term& term, std::int64_t snapshot, std::optional<ranked_match> after);
  impact_ranking(const impact_ranking&) = delete;
  impact_ranking& operator=(const impact_ranking&) = delete;
  ~impact_ranking();

  // The next match in rank order, or nullopt after the last.
  std::optional<ranked_match> next();

 private:
  class group;
  struct scorer {
    double idf = 0;
    double avgdl = 0;
    double rank(std::int64_t tf, std::int64_t len) const;
  };
  struct scan;  // what a group reads with
  struct token_rows {
    std::string token;
    std::int64_t listings = 0;       // all ids
    std::int64_t below = INT64_MAX;  // its groups with a tf below this are still to be found
  };
  struct full_row {
    std::int64_t tf = 0;  // summed over the tokens
    std::int64_t len = 0;
    std::int64_t tokens = 0;
  };
  using full_rows = std::unordered_map<std::int64_t, full_row>;

  void load_tokens(const search_term& term);
  bm25_collection collection();
  std::int64_t count_after_snapshot(const std::string& token);
  full_rows with_several_tokens(std::int64_t prefix_bytes);
  scan reader() const;
  void find_group(token_rows& t);

  connection& c_;
  std::int64_t snapshot_;
  std::optional<ranked_match> after_;
  std::vector<token_rows> tokens_;  // the tokens the term matches
  scorer scorer_;
  std::vector<ranked_match> full_;  // listings with several of the tokens, scored in full, in rank order
  std::size_t full_at_ = 0;
  std::unordered_set<std::int64_t> in_full_;
  std::vector<group> groups_;  // one per token and tf, as found
};

// The query plans of the statements impact_ranking runs for `term` (for explain_browse).
std::string explain_impact(connection& c, const search_term& term);

}  // namespace cunji::storage
