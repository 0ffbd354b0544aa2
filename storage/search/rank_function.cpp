#include "storage/search/rank_function.hpp"

#include <sqlite3.h>

#include <memory>
#include <string_view>
#include <vector>

#include "storage/search/bm25.hpp"
#include "storage/search/fts5_api.hpp"
#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

namespace {

constexpr const char* rank_function_name = "cunji_rank";

// Collection statistics as of the snapshot, computed once per statement (FTS5 auxdata).
struct rank_stats {
  double avgdl = 0;
  std::vector<double> idf;   // per phrase
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

// The rows added after the snapshot and their tokens, read in the statement's own read
// transaction so they agree with xRowCount and xColumnTotalSize.
int later_counts(sqlite3* db, std::int64_t snapshot, bm25_counts& later) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, later_rows_sql, -1, &raw, nullptr);
  std::unique_ptr<sqlite3_stmt, stmt_deleter> st(raw);
  if (rc != SQLITE_OK) return rc;
  sqlite3_bind_int64(raw, 1, snapshot);
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    ++later.rows;
    later.tokens += sum_varints(static_cast<const unsigned char*>(sqlite3_column_blob(raw, 0)),
                                sqlite3_column_bytes(raw, 0));
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
  bm25_counts later;
  if (rc == SQLITE_OK) rc = later_counts(sqlite3_context_db_handle(ctx), snapshot, later);
  if (rc != SQLITE_OK) return rc;
  const auto coll = bm25_collection_of({static_cast<std::int64_t>(rows), static_cast<std::int64_t>(tokens)}, later);
  st->avgdl = coll.avgdl;
  const int phrases = api->xPhraseCount(fts);
  for (int i = 0; i < phrases; ++i) {
    phrase_count count{snapshot};
    rc = api->xQueryPhrase(fts, i, &count, count_up_to_snapshot);
    if (rc != SQLITE_OK) return rc;
    st->idf.push_back(bm25_idf(coll.rows, count.hits));
  }
  st->freq.resize(st->idf.size());
  rc = api->xSetAuxdata(fts, st.get(), [](void* p) { delete static_cast<rank_stats*>(p); });
  if (rc != SQLITE_OK) return rc;
  out = st.release();
  return SQLITE_OK;
}

// cunji_rank(listings_fts, snapshot_id): see rank_function.hpp.
void rank_function(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int n_val,
                   sqlite3_value** vals) {
  if (n_val != 1) {
    sqlite3_result_error(ctx, "cunji_rank(listings_fts, snapshot_id) takes one argument", -1);
    return;
  }
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
  for (std::size_t i = 0; rc == SQLITE_OK && i < st->idf.size(); ++i)
    score += bm25_term(st->idf[i], st->freq[i], d, st->avgdl);
  if (rc == SQLITE_OK) sqlite3_result_double(ctx, -1.0 * score);
  else sqlite3_result_error_code(ctx, rc);
}

void register_rank_function(sqlite3* db) {
  fts5_api& api = fts5_api_of(db, "cunji_rank");
  const int rc = api.xCreateFunction(&api, rank_function_name, nullptr, rank_function, nullptr);
  if (rc != SQLITE_OK) throw_sqlite(nullptr, rc, "cunji_rank: xCreateFunction");
}

}  // namespace

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

}  // namespace cunji::storage
