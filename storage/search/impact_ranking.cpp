#include "storage/search/impact_ranking.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "storage/search/bm25.hpp"
#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

namespace {

constexpr std::int64_t max_id = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t max_len = std::numeric_limits<std::int32_t>::max();  // FTS5 sizes are ints

constexpr const char* token_sql = "SELECT token, listings FROM search_terms WHERE token = ?1";
constexpr const char* prefix_sql = "SELECT token, listings FROM search_terms WHERE token >= ?1 AND token < ?2";
// The postings of listings with another word beginning with the prefix (of ?2 bytes).
constexpr const char* shared_sql =
    "SELECT listing_id, tf, len FROM search_postings INDEXED BY search_postings_shared "
    "WHERE token = ?1 AND shared >= ?2 AND shared > 0 AND listing_id <= ?3";
constexpr const char* later_count_sql = "SELECT count(*) FROM search_postings WHERE token = ?1 AND listing_id > ?2";
// The next tf group of a token below tf ?2, and its shortest len.
constexpr const char* next_group_sql =
    "SELECT tf, len FROM search_postings INDEXED BY search_postings_by_impact "
    "WHERE token = ?1 AND tf < ?2 AND listing_id <= ?3 ORDER BY tf DESC, len, listing_id LIMIT 1";
// One batch of a tf group: the rows after (len, listing_id) = (?3, ?4), up to len ?6, at most ?7.
constexpr const char* batch_sql =
    "SELECT len, listing_id FROM search_postings INDEXED BY search_postings_by_impact "
    "WHERE token = ?1 AND tf = ?2 AND (len, listing_id) > (?3, ?4) AND len <= ?6 AND listing_id <= ?5 "
    "ORDER BY len, listing_id LIMIT ?7";

constexpr std::int64_t first_batch = 8;
constexpr std::int64_t largest_batch = 2048;

// The smallest len in [0, max_len] whose rank is not better than `score` (`above`: worse
// than it), or max_len + 1 if none. Ranks never get better as len grows.
template <class Rank>
std::int64_t first_len(const Rank& rank, double score, bool above) {
  std::int64_t lo = 0, hi = max_len + 1;
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    const double r = rank(mid);
    if (above ? r > score : r >= score) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

}  // namespace

double impact_ranking::scorer::rank(std::int64_t tf, std::int64_t len) const {
  return bm25_rank_one(idf, static_cast<double>(tf), static_cast<double>(len), avgdl);
}

struct impact_ranking::scan {
  connection& c;
  std::int64_t snapshot;
  const scorer& score;
  const std::optional<ranked_match>& after;
  const std::unordered_set<std::int64_t>& skip;  // listings scored in full
};

// The postings of one tf of the token, in rank order, read in growing batches; until the first,
// only the best rank they can have is known (their shortest len's).
class impact_ranking::group {
 public:
  group(const scan& s, const std::string& token, std::int64_t tf, std::int64_t shortest)
      : token_(&token), tf_(tf), shortest_(shortest) {
    if (!s.after) return;
    // Start at the first len whose rank is not better than the cursor's; when the cursor's
    // rank is that len's alone, right after the cursor's id within it.
    const auto rank = [&](std::int64_t len) { return s.score.rank(tf_, len); };
    const std::int64_t lo = first_len(rank, s.after->score, false);
    from_len_ = lo - 1;
    if (lo <= max_len && rank(lo) == s.after->score && first_len(rank, s.after->score, true) == lo + 1) {
      from_len_ = lo;
      from_id_ = s.after->id;
    }
  }

  // Before the first batch: the best rank a row can have; after: nullopt.
  std::optional<double> bound(const scan& s) const {
    if (read_) return std::nullopt;
    return s.score.rank(tf_, shortest_);
  }

  const ranked_match* peek(const scan& s) {
    read_ = true;
    while (at_ == rows_.size()) {
      if (done_) return nullptr;
      fill(s);
    }
    return &rows_[at_];
  }
  void pop() { ++at_; }

 private:
  // Reads the next batch. A batch ends where the rank changes: if the rank of the last len read
  // goes on at larger lens, the rows up to the last such len are read with it. Rows of equal
  // rank and different lens are then sorted by id.
  void fill(const scan& s) {
    rows_.clear();
    at_ = 0;
    read(s, max_len, batch_);
    batch_ = std::min(batch_ * 2, largest_batch);
    if (!done_) {
      const auto rank = [&](std::int64_t len) { return s.score.rank(tf_, len); };
      const std::int64_t end = first_len(rank, rank(from_len_), true) - 1;
      if (end > from_len_) {
        read(s, end, -1);
        done_ = false;
      }
    }
    if (!std::is_sorted(rows_.begin(), rows_.end(), rank_before)) std::sort(rows_.begin(), rows_.end(), rank_before);
    if (s.after) std::erase_if(rows_, [&](const ranked_match& m) { return !rank_before(*s.after, m); });
  }

  // Appends the rows after (from_len_, from_id_) up to len `up_to`, at most `limit` (-1: all).
  void read(const scan& s, std::int64_t up_to, std::int64_t limit) {
    auto q = s.c.prepare(batch_sql);
    q.bind_all(*token_, tf_, from_len_, from_id_, s.snapshot, up_to, limit);
    std::int64_t n = 0;
    while (q.step()) {
      ++n;
      from_len_ = q.i64(0);
      from_id_ = q.i64(1);
      if (s.skip.count(from_id_)) continue;
      rows_.push_back({s.score.rank(tf_, from_len_), from_id_});
    }
    done_ = limit < 0 || n < limit;
  }

  const std::string* token_;
  std::int64_t tf_;
  std::int64_t shortest_;
  bool read_ = false;
  std::int64_t from_len_ = -1;  // the next batch starts after (from_len_, from_id_)
  std::int64_t from_id_ = max_id;
  std::int64_t batch_ = first_batch;
  bool done_ = false;
  std::vector<ranked_match> rows_;
  std::size_t at_ = 0;
};

bool ranks_from_postings(const std::vector<search_term>& terms) {
  return terms.size() == 1 && (terms[0].word || terms[0].chars <= 2);
}

impact_ranking::impact_ranking(connection& c, const search_term& term, std::int64_t snapshot,
                               std::optional<ranked_match> after)
    : c_(c), snapshot_(snapshot), after_(after) {
  load_tokens(term);
  if (tokens_.empty()) return;  // nothing matches
  // Listings matching up to the snapshot: each token's, less the repeats of those with more
  // than one of the tokens.
  std::int64_t hits = 0;
  for (const auto& t : tokens_) hits += t.listings - count_after_snapshot(t.token);
  full_rows several;
  if (tokens_.size() > 1) several = with_several_tokens(static_cast<std::int64_t>(term.text.size()));
  for (const auto& [id, r] : several) hits -= r.tokens - 1;
  const auto coll = collection();
  scorer_.idf = bm25_idf(coll.rows, hits);
  scorer_.avgdl = coll.avgdl;
  full_.reserve(several.size());
  for (const auto& [id, r] : several) {
    full_.push_back({scorer_.rank(r.tf, r.len), id});
    in_full_.insert(id);
  }
  std::sort(full_.begin(), full_.end(), rank_before);
  if (after_)
    full_at_ = static_cast<std::size_t>(std::upper_bound(full_.begin(), full_.end(), *after_, rank_before) -
                                        full_.begin());
}

impact_ranking::~impact_ranking() = default;

impact_ranking::scan impact_ranking::reader() const { return {c_, snapshot_, scorer_, after_, in_full_}; }

bm25_collection impact_ranking::collection() {
  bm25_counts all, later;
  {
    auto q = c_.prepare(fts5_totals_sql);
    if (q.step()) {
      const auto b = q.blob(0);
      all = parse_fts5_totals(b.data(), static_cast<int>(b.size()));
    }
  }
  auto q = c_.prepare(later_rows_sql);
  q.bind(1, snapshot_);
  while (q.step()) {
    const auto b = q.blob(0);
    ++later.rows;
    later.tokens += sum_varints(b.data(), static_cast<int>(b.size()));
  }
  return bm25_collection_of(all, later);
}

std::int64_t impact_ranking::count_after_snapshot(const std::string& token) {
  auto q = c_.prepare(later_count_sql);
  q.bind_all(token, snapshot_);
  return q.step() ? q.i64(0) : 0;
}

impact_ranking::full_rows impact_ranking::with_several_tokens(std::int64_t prefix_bytes) {
  full_rows rows;
  for (const auto& t : tokens_) {
    auto q = c_.prepare(shared_sql);
    q.bind_all(t.token, prefix_bytes, snapshot_);
    while (q.step()) {
      auto& r = rows[q.i64(0)];
      r.tf += q.i64(1);
      r.len = q.i64(2);
      ++r.tokens;
    }
  }
  return rows;
}

// The merge: the best of the exact heads (of the full rows and of the groups read), unless a
// group not read yet or a token's groups not found yet might hold a row as good: then that
// group is read, or the token's next group found, and the merge looks again.
std::optional<ranked_match> impact_ranking::next() {
  const scan s = reader();
  for (;;) {
    const ranked_match* best = full_at_ < full_.size() ? &full_[full_at_] : nullptr;
    group* from = nullptr;
    std::optional<double> unread;
    group* unread_group = nullptr;
    token_rows* unfound = nullptr;
    for (auto& g : groups_) {
      if (const auto b = g.bound(s)) {
        if (!unread || *b < *unread) unread = b, unread_group = &g;
      } else if (const auto* m = g.peek(s); m && (!best || rank_before(*m, *best))) {
        best = m;
        from = &g;
      }
    }
    for (auto& t : tokens_) {
      if (t.below <= 1) continue;  // every group found (tf >= 1)
      const double b = scorer_.rank(t.below - 1, 0);
      if (!unread || b < *unread) unread = b, unread_group = nullptr, unfound = &t;
    }
    if (unread && (!best || *unread <= best->score)) {
      if (unread_group) unread_group->peek(s);
      else find_group(*unfound);
      continue;
    }
    if (!best) return std::nullopt;
    const ranked_match out = *best;
    if (from) from->pop();
    else ++full_at_;
    return out;
  }
}

void impact_ranking::find_group(token_rows& t) {
  auto q = c_.prepare(next_group_sql);
  q.bind_all(t.token, t.below, snapshot_);
  if (!q.step()) {
    t.below = 0;
    return;
  }
  t.below = q.i64(0);
  groups_.emplace_back(reader(), t.token, t.below, q.i64(1));
}

void impact_ranking::load_tokens(const search_term& term) {
  auto q = c_.prepare(term.word ? prefix_sql : token_sql);
  q.bind(1, term.text);
  if (term.word) {
    std::string end = term.text;  // the first text after every text that begins with it
    end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);  // never 0xFF in UTF-8
    q.bind(2, end);
  }
  while (q.step()) tokens_.push_back({q.str(0), q.i64(1)});
}

std::string explain_impact(connection& c, const search_term& term) {
  std::string plan;
  const auto explain = [&](const char* sql, const auto&... args) {
    auto q = c.prepare(std::string("EXPLAIN QUERY PLAN ") + sql);
    q.bind_all(args...);
    while (q.step()) {
      if (!plan.empty()) plan += '\n';
      plan += q.str(3);  // id, parent, notused, detail
    }
  };
  if (term.word) explain(prefix_sql, term.text, term.text + "~");
  else explain(token_sql, term.text);
  explain(later_count_sql, term.text, max_id);
  explain(shared_sql, term.text, static_cast<std::int64_t>(term.text.size()), max_id);
  explain(next_group_sql, term.text, max_id, max_id);
  explain(batch_sql, term.text, std::int64_t{10}, std::int64_t{-1}, max_id, max_id, max_len, first_batch);
  return plan;
}

}  // namespace cunji::storage
