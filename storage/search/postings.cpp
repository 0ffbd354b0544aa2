#include "storage/search/postings.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <memory>
#include <new>

#include "storage/search/bm25.hpp"
#include "storage/search/fts_tokenizer.hpp"
#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

namespace {

// Words are Latin (their first byte below 0xE0, U+0800); CJK tokens never are.
bool is_word(std::string_view token) { return static_cast<unsigned char>(token.front()) < 0xE0; }

std::int64_t common_prefix(std::string_view a, std::string_view b) {
  const auto n = std::min(a.size(), b.size());
  std::size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return static_cast<std::int64_t>(i);
}

}  // namespace

listing_postings postings_of(std::string_view title, std::string_view description) {
  std::map<std::string, std::int64_t, std::less<>> tf;
  listing_postings out;
  const auto add = [&](std::string_view text, std::int64_t weight) {
    auto doc = tokenize_for_index(text);
    out.len += doc.positions;
    for (auto& t : doc.tokens) tf[std::move(t)] += weight;
  };
  add(title, static_cast<std::int64_t>(title_weight));
  add(description, static_cast<std::int64_t>(description_weight));
  out.postings.reserve(tf.size());
  for (auto& [token, f] : tf) out.postings.push_back({token, f, 0});
  // The postings are in byte order, so a word's longest shared prefix is with a neighbour word.
  posting* prev = nullptr;
  for (auto& p : out.postings) {
    if (!is_word(p.token)) continue;
    if (prev) {
      const auto n = common_prefix(prev->token, p.token);
      prev->shared = std::max(prev->shared, n);
      p.shared = n;
    }
    prev = &p;
  }
  return out;
}

namespace {

// An eponymous virtual table: SELECT token, tf, shared, len FROM cunji_postings(?title, ?description).
enum column { col_token, col_tf, col_shared, col_len, col_title, col_description };

struct postings_cursor {
  sqlite3_vtab_cursor base{};
  listing_postings rows;
  std::size_t at = 0;
};

int postings_connect(sqlite3* db, void*, int, const char* const*, sqlite3_vtab** out, char**) {
  int rc = sqlite3_declare_vtab(
      db, "CREATE TABLE x(token TEXT, tf INTEGER, shared INTEGER, len INTEGER, title HIDDEN, description HIDDEN)");
  if (rc != SQLITE_OK) return rc;
  auto* vt = static_cast<sqlite3_vtab*>(sqlite3_malloc(sizeof(sqlite3_vtab)));
  if (!vt) return SQLITE_NOMEM;
  *vt = sqlite3_vtab{};
  *out = vt;
  // A pure function of its arguments: usable from triggers and views.
  sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
  return SQLITE_OK;
}

int postings_disconnect(sqlite3_vtab* vt) {
  sqlite3_free(vt);
  return SQLITE_OK;
}

// Both arguments are required: title as argv[0], description as argv[1].
int postings_best_index(sqlite3_vtab*, sqlite3_index_info* info) {
  int have = 0;
  for (int i = 0; i < info->nConstraint; ++i) {
    const auto& c = info->aConstraint[i];
    if (c.iColumn != col_title && c.iColumn != col_description) continue;
    if (!c.usable || c.op != SQLITE_INDEX_CONSTRAINT_EQ) return SQLITE_CONSTRAINT;
    info->aConstraintUsage[i].argvIndex = c.iColumn == col_title ? 1 : 2;
    info->aConstraintUsage[i].omit = 1;
    have |= c.iColumn == col_title ? 1 : 2;
  }
  if (have != 3) return SQLITE_CONSTRAINT;
  info->estimatedCost = 10;
  info->estimatedRows = 20;
  return SQLITE_OK;
}

int postings_open(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
  auto* cur = new (std::nothrow) postings_cursor;
  if (!cur) return SQLITE_NOMEM;
  *out = &cur->base;
  return SQLITE_OK;
}

int postings_close(sqlite3_vtab_cursor* c) {
  delete reinterpret_cast<postings_cursor*>(c);
  return SQLITE_OK;
}

std::string_view text_of(sqlite3_value* v) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
  return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_value_bytes(v))) : std::string_view();
}

int postings_filter(sqlite3_vtab_cursor* c, int, const char*, int argc, sqlite3_value** argv) {
  auto* cur = reinterpret_cast<postings_cursor*>(c);
  if (argc != 2) return SQLITE_ERROR;
  try {
    cur->rows = postings_of(text_of(argv[0]), text_of(argv[1]));
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  }
  cur->at = 0;
  return SQLITE_OK;
}

int postings_next(sqlite3_vtab_cursor* c) {
  ++reinterpret_cast<postings_cursor*>(c)->at;
  return SQLITE_OK;
}

int postings_eof(sqlite3_vtab_cursor* c) {
  const auto* cur = reinterpret_cast<postings_cursor*>(c);
  return cur->at >= cur->rows.postings.size();
}

int postings_column(sqlite3_vtab_cursor* c, sqlite3_context* ctx, int col) {
  const auto* cur = reinterpret_cast<postings_cursor*>(c);
  const auto& p = cur->rows.postings[cur->at];
  switch (col) {
    case col_token: sqlite3_result_text(ctx, p.token.data(), static_cast<int>(p.token.size()), SQLITE_TRANSIENT); break;
    case col_tf: sqlite3_result_int64(ctx, p.tf); break;
    case col_shared: sqlite3_result_int64(ctx, p.shared); break;
    case col_len: sqlite3_result_int64(ctx, cur->rows.len); break;
    default: sqlite3_result_null(ctx); break;
  }
  return SQLITE_OK;
}

int postings_rowid(sqlite3_vtab_cursor* c, sqlite3_int64* rowid) {
  *rowid = static_cast<sqlite3_int64>(reinterpret_cast<postings_cursor*>(c)->at);
  return SQLITE_OK;
}

const sqlite3_module postings_module = [] {
  sqlite3_module m{};
  m.iVersion = 0;
  m.xCreate = nullptr;  // eponymous only
  m.xConnect = postings_connect;
  m.xBestIndex = postings_best_index;
  m.xDisconnect = postings_disconnect;
  m.xDestroy = postings_disconnect;
  m.xOpen = postings_open;
  m.xClose = postings_close;
  m.xFilter = postings_filter;
  m.xNext = postings_next;
  m.xEof = postings_eof;
  m.xColumn = postings_column;
  m.xRowid = postings_rowid;
  return m;
}();

}  // namespace

void register_postings_function(sqlite3* db) {
  const int rc = sqlite3_create_module(db, "cunji_postings", &postings_module, nullptr);
  if (rc != SQLITE_OK) throw_sqlite(db, rc, "register cunji_postings");
}

}  // namespace cunji::storage
