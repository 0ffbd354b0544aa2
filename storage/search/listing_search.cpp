// Browsing and searching listings: one SQL text per combination of filters (all values bound),
// keyset pagination, and an index or the FTS index behind every query.
#include <sqlite3.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <memory>
#include <string_view>
#include <variant>

#include "storage/sql/catalog.hpp"
#include "storage/cache/search_rankings.hpp"
#include "storage/search/fts_tokenizer.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/transaction.hpp"

namespace cunji::storage {

extern const char* const listing_select;
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

// Relevance is FTS5's bm25 with title matches weighing ten times description matches, as
// bm25(listings_fts, 10.0, 1.0) computes it, except that the collection statistics (number of
// rows, average row length, rows matching each phrase) are those of the listings up to the
// walk's snapshot id. Plain bm25 uses the statistics of the whole table, so a listing added
// during a walk changes the scores of the others and can reorder them between pages (a walk
// then skips some matches and repeats others); with the statistics pinned to the snapshot,
// every page of a walk sees the same scores. Until something is added the two are equal.
constexpr const char* score_expr = "cunji_rank(listings_fts, ?)";  // ? = snapshot id
constexpr const char* rank_function_name = "cunji_rank";
constexpr double title_weight = 10.0;
constexpr double description_weight = 1.0;

// Collection statistics as of the snapshot, computed once per statement (FTS5 auxdata).
struct rank_stats {
  double avgdl = 0;
  std::vector<double> idf;  // per phrase
  std::vector<double> freq;  // scratch: weighted phrase frequencies of the current row
};

struct phrase_count {
  std::int64_t snapshot;
  std::int64_t hits = 0;
};

int count_up_to_snapshot(const Fts5ExtensionApi* api, Fts5Context* fts, void* user) {
  auto* p = static_cast<phrase_count*>(user);
  if (api->xRowid(fts) <= p->snapshot) ++p->hits;
  return SQLITE_OK;
}

// FTS5 varints (the SQLite record format's): 7 bits a byte, high bit set while more follow;
// a ninth byte holds 8 bits.
std::int64_t sum_varints(const unsigned char* p, int n) {
  std::int64_t sum = 0;
  int i = 0;
  while (i < n) {
    std::uint64_t v = 0;
    for (int k = 0; k < 9 && i < n; ++k) {
      const unsigned char byte = p[i++];
      if (k == 8) {
        v = (v << 8) | byte;
        break;
      }
      v = (v << 7) | (byte & 0x7F);
      if (!(byte & 0x80)) break;
    }
    sum += static_cast<std::int64_t>(v);
  }
  return sum;
}

// Rows added after the snapshot and their tokens (all columns), read in the statement's own
// read transaction so they agree with xRowCount and xColumnTotalSize.
int later_rows(sqlite3* db, std::int64_t snapshot, std::int64_t& rows, std::int64_t& tokens) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, "SELECT sz FROM listings_fts_docsize WHERE id > ?1", -1, &raw, nullptr);
  std::unique_ptr<sqlite3_stmt, stmt_deleter> st(raw);
  if (rc != SQLITE_OK) return rc;
  sqlite3_bind_int64(raw, 1, snapshot);
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    ++rows;
    tokens += sum_varints(static_cast<const unsigned char*>(sqlite3_column_blob(raw, 0)), sqlite3_column_bytes(raw, 0));
  }
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int rank_stats_for(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, std::int64_t snapshot,
                   rank_stats*& out) {
  out = static_cast<rank_stats*>(api->xGetAuxdata(fts, 0));
  if (out) return SQLITE_OK;
  auto st = std::make_unique<rank_stats>();
  sqlite3_int64 rows = 0, tokens = 0;
  int rc = api->xRowCount(fts, &rows);
  if (rc == SQLITE_OK) rc = api->xColumnTotalSize(fts, -1, &tokens);
  std::int64_t later = 0, later_tokens = 0;
  if (rc == SQLITE_OK) rc = later_rows(sqlite3_context_db_handle(ctx), snapshot, later, later_tokens);
  if (rc != SQLITE_OK) return rc;
  const sqlite3_int64 n_row = std::max<sqlite3_int64>(1, rows - later);
  const sqlite3_int64 n_token = tokens - later_tokens;
  // The same arithmetic as FTS5's bm25 (fts5_aux.c), so the scores are equal to the last bit.
  st->avgdl = static_cast<double>(n_token) / static_cast<double>(n_row);
  const int phrases = api->xPhraseCount(fts);
  for (int i = 0; i < phrases; ++i) {
    phrase_count count{snapshot};
    rc = api->xQueryPhrase(fts, i, &count, count_up_to_snapshot);
    if (rc != SQLITE_OK) return rc;
    const sqlite3_int64 n_hit = count.hits;
    double idf = std::log((n_row - n_hit + 0.5) / (n_hit + 0.5));
    if (idf <= 0.0) idf = 1e-6;
    st->idf.push_back(idf);
  }
  st->freq.resize(st->idf.size());
  rc = api->xSetAuxdata(fts, st.get(), [](void* p) { delete static_cast<rank_stats*>(p); });
  if (rc != SQLITE_OK) return rc;
  out = st.release();
  return SQLITE_OK;
}

// cunji_rank(listings_fts, snapshot_id): see score_expr.
void rank_function(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int n_val,
                   sqlite3_value** vals) {
  if (n_val != 1) {
    sqlite3_result_error(ctx, "cunji_rank(listings_fts, snapshot_id) takes one argument", -1);
    return;
  }
  const double k1 = 1.2;
  const double b = 0.75;
  rank_stats* st = nullptr;
  int rc = rank_stats_for(api, fts, ctx, sqlite3_value_int64(vals[0]), st);
  int n_inst = 0;
  if (rc == SQLITE_OK) {
    std::fill(st->freq.begin(), st->freq.end(), 0.0);
    rc = api->xInstCount(fts, &n_inst);
  }
  for (int i = 0; rc == SQLITE_OK && i < n_inst; ++i) {
    int ip = 0, ic = 0, io = 0;
    rc = api->xInst(fts, i, &ip, &ic, &io);
    if (rc == SQLITE_OK) st->freq[static_cast<std::size_t>(ip)] += ic == 0 ? title_weight : description_weight;
  }
  double d = 0.0;
  if (rc == SQLITE_OK) {
    int n_tok = 0;
    rc = api->xColumnSize(fts, -1, &n_tok);
    d = static_cast<double>(n_tok);
  }
  double score = 0.0;
  for (std::size_t i = 0; rc == SQLITE_OK && i < st->idf.size(); ++i) {
    const double f = st->freq[i];
    score += st->idf[i] * ((f * (k1 + 1.0)) / (f + k1 * (1 - b + b * d / st->avgdl)));
  }
  if (rc == SQLITE_OK)
    sqlite3_result_double(ctx, -1.0 * score);
  else
    sqlite3_result_error_code(ctx, rc);
}

void register_rank_function(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &raw, nullptr);
  std::unique_ptr<sqlite3_stmt, stmt_deleter> st(raw);
  if (rc != SQLITE_OK) throw_sqlite(db, rc, "cunji_rank: FTS5 unavailable");
  rc = sqlite3_bind_pointer(raw, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  if (rc != SQLITE_OK) throw_sqlite(db, rc, "cunji_rank: bind");
  rc = sqlite3_step(raw);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) throw_sqlite(db, rc, "cunji_rank: step");
  st.reset();
  if (api == nullptr || api->iVersion < 2) throw sqlite_error(SQLITE_ERROR, "cunji_rank: no usable fts5_api");
  rc = api->xCreateFunction(api, rank_function_name, nullptr, rank_function, nullptr);
  if (rc != SQLITE_OK) throw_sqlite(nullptr, rc, "cunji_rank: xCreateFunction");
}

// Prepares SQL that uses cunji_rank, registering the function on this connection the first
// time it is missing.
query prepare_ranked(connection& c, const std::string& sql) {
  try {
    return c.prepare(sql);
  } catch (const sqlite_error& e) {
    if (std::string_view(e.what()).find(std::string("no such function: ") + rank_function_name) ==
        std::string_view::npos)
      throw;
  }
  register_rank_function(c.handle());
  return c.prepare(sql);
}

// The query as the SQL runs it: the user's text as an FTS5 MATCH expression (its words as data,
// never as FTS5 syntax: build_match_query).
struct search_query : listing_query {
  std::optional<std::string> match;
  explicit search_query(const listing_query& q)
      : listing_query(q), match(q.text ? build_match_query(*q.text) : std::nullopt) {}
  // Text was given but holds nothing searchable (only punctuation, say): nothing matches.
  bool matches_nothing() const noexcept { return text && !match; }
};

void add_filters(const search_query& q, std::string& sql, std::vector<value>& args) {
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
// and `row_sql` fetches and filters one listing at a time, in rank order, until the page is full.
struct browse_sql {
  std::string sql;
  std::vector<value> args;
  bool relevance = false;
  std::int64_t snapshot = 0;  // relevance: the highest listing id the walk includes
  std::string row_sql;        // relevance: one listing by id (first parameter), with the filters
  std::vector<value> row_args;
};

browse_sql relevance_sql(connection& c, const search_query& q) {
  // Keyset: [snapshot max id, bit pattern of the last score, last id]. Scores are computed with
  // the statistics as of the snapshot, so the last item's score is the one it had on its page.
  browse_sql b;
  b.relevance = true;
  b.snapshot = q.after && q.after->size() == 3 ? (*q.after)[0] : max_listing_id(c);
  b.sql = std::string("SELECT rowid, ") + score_expr +
          " AS score FROM listings_fts WHERE listings_fts MATCH ? AND rowid <= ?";
  b.args.emplace_back(b.snapshot);  // score_expr's
  b.args.emplace_back(*q.match);
  b.args.emplace_back(b.snapshot);
  b.row_sql = std::string("SELECT ") + listing_select +
              " FROM listings l JOIN counties c ON c.id = l.county_id WHERE l.id = ? AND l.visible = 1";
  add_filters(q, b.row_sql, b.row_args);
  return b;
}

bool rank_before(const ranked_match& a, const ranked_match& b) {
  return a.score < b.score || (a.score == b.score && a.id < b.id);
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

listing_page browse_relevance(connection& c, const search_query& q, search_rankings* rankings) {
  // The counter before the read (see change_counters.hpp).
  const auto version = rankings ? rankings->counters().search_text() : 0;
  read_transaction snapshot(c);  // every statement of a page reads the same snapshot
  const auto b = relevance_sql(c, q);
  std::shared_ptr<const std::vector<ranked_match>> ranking;
  std::string key;
  if (rankings) {
    key = *q.match;
    key += '\0';
    key += std::to_string(b.snapshot);
    ranking = rankings->entries().find(key, version);
  }
  if (!ranking) {
    ranking = std::make_shared<const std::vector<ranked_match>>(rank_matches(c, b));
    if (rankings) rankings->entries().store(key, version, ranking, ranking->size() * sizeof(ranked_match));
  }
  auto it = ranking->begin();
  if (q.after && q.after->size() == 3)
    it = std::upper_bound(ranking->begin(), ranking->end(),
                          ranked_match{std::bit_cast<double>((*q.after)[1]), (*q.after)[2]}, rank_before);
  listing_page page;
  page.items.reserve(static_cast<std::size_t>(q.limit));
  double last_score = 0;
  for (; it != ranking->end(); ++it) {
    auto row = c.prepare(b.row_sql);
    row.bind(1, it->id);
    int i = 1;
    for (const auto& a : b.row_args) std::visit([&](const auto& v) { row.bind(++i, v); }, a);
    if (!row.step()) continue;  // filtered out, or not browsable
    if (static_cast<int>(page.items.size()) == q.limit) {
      page.next_keys = {b.snapshot, std::bit_cast<std::int64_t>(last_score), page.items.back().id};
      break;
    }
    page.items.push_back(read_listing_row(row, 0));
    last_score = it->score;
  }
  return page;
}

browse_sql build_browse_sql(connection& c, const search_query& q) {
  if (q.sort == listing_sort::relevance && q.match) return relevance_sql(c, q);

  browse_sql b;
  auto& args = b.args;
  // Without a search, the page's ids first, from an index alone (most of the browse indexes
  // cover the filters), sorted and cut to the page; then the page's rows by id. Sorting whole
  // rows, or fetching every match's row before the cut, costs several times more when the
  // index is not in the page's order (county, category, price range).
  std::string sql;
  if (q.match) {
    // The FTS index drives: CROSS JOIN fixes the join order.
    sql = std::string("SELECT ") + listing_select +
          " FROM listings_fts CROSS JOIN listings l ON l.id = listings_fts.rowid JOIN counties c ON c.id = "
          "l.county_id WHERE listings_fts MATCH ? AND l.visible = 1";
    args.emplace_back(*q.match);
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
        sql += q.match ? " AND listings_fts.rowid < ?" : " AND l.id < ?";
        args.emplace_back((*q.after)[0]);
      }
      order = q.match ? " ORDER BY listings_fts.rowid DESC" : " ORDER BY l.id DESC";
      break;
  }
  sql += order;
  sql += " LIMIT ?";
  args.emplace_back(static_cast<std::int64_t>(q.limit) + 1);
  if (q.match)
    b.sql = std::move(sql);
  else
    b.sql = std::string("SELECT ") + listing_select +
            " FROM listings l JOIN counties c ON c.id = l.county_id WHERE l.id IN (" + sql + ")" + order;
  return b;
}

}  // namespace

listing_page browse_listings(connection& c, const listing_query& query, search_rankings* rankings) {
  const search_query q(query);
  if (q.matches_nothing()) return {};
  if (q.sort == listing_sort::relevance && q.match) return browse_relevance(c, q, rankings);
  const auto b = build_browse_sql(c, q);
  listing_page page;
  page.items.reserve(static_cast<std::size_t>(q.limit));
  auto st = c.prepare(b.sql);
  bind_values(st, b.args);
  while (st.step()) {
    if (static_cast<int>(page.items.size()) == q.limit) {
      const auto& last = page.items.back();
      if (q.sort == listing_sort::price_asc || q.sort == listing_sort::price_desc)
        page.next_keys = {last.price_fen, last.id};
      else
        page.next_keys = {last.id};
      break;
    }
    page.items.push_back(read_listing_row(st, 0));
  }
  return page;
}

std::string explain_browse(connection& c, const listing_query& q) {
  const auto b = build_browse_sql(c, search_query(q));
  std::string plan;
  auto explain = [&](const std::string& sql, const std::vector<value>& args, bool ranked) {
    auto st = ranked ? prepare_ranked(c, "EXPLAIN QUERY PLAN " + sql) : c.prepare("EXPLAIN QUERY PLAN " + sql);
    bind_values(st, args);
    while (st.step()) {
      if (!plan.empty()) plan += '\n';
      plan += st.str(3);  // id, parent, notused, detail
    }
  };
  explain(b.sql, b.args, b.relevance);
  if (b.relevance) {
    std::vector<value> row_args{std::int64_t{0}};
    row_args.insert(row_args.end(), b.row_args.begin(), b.row_args.end());
    explain(b.row_sql, row_args, false);
  }
  return plan;
}

}  // namespace cunji::storage
