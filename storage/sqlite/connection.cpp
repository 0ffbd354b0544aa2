#include "storage/sqlite/connection.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <utility>

#include "storage/search/fts_tokenizer.hpp"
#include "storage/search/postings.hpp"
#include "storage/sqlite/shared_map.hpp"
#include "storage/sqlite/wal_write_buffer.hpp"

namespace cunji::storage {

bool sqlite_error::is_constraint() const noexcept { return (code_ & 0xFF) == SQLITE_CONSTRAINT; }
bool sqlite_error::is_full() const noexcept { return (code_ & 0xFF) == SQLITE_FULL; }
bool sqlite_error::is_io() const noexcept { return (code_ & 0xFF) == SQLITE_IOERR; }

void stmt_deleter::operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
void db_deleter::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }

void throw_sqlite(sqlite3* db, int rc, std::string_view context) {
  std::string msg(context);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw sqlite_error(db ? sqlite3_extended_errcode(db) : rc, msg);
}

query::~query() {
  if (s_) {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
}

namespace {
void check_bind(sqlite3_stmt* s, int rc) {
  if (rc != SQLITE_OK) throw_sqlite(sqlite3_db_handle(s), rc, "bind");
}
}  // namespace

query& query::bind(int i, std::int64_t v) {
  check_bind(s_, sqlite3_bind_int64(s_, i, v));
  return *this;
}
query& query::bind(int i, double v) {
  check_bind(s_, sqlite3_bind_double(s_, i, v));
  return *this;
}
query& query::bind(int i, std::string_view v) {
  check_bind(s_, sqlite3_bind_text64(s_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}
query& query::bind_blob(int i, const void* data, std::size_t n) {
  check_bind(s_, sqlite3_bind_blob64(s_, i, data, n, SQLITE_TRANSIENT));
  return *this;
}
query& query::bind(int i, std::nullopt_t) {
  check_bind(s_, sqlite3_bind_null(s_, i));
  return *this;
}

bool query::step() {
  const int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw_sqlite(sqlite3_db_handle(s_), rc, "step");
}

void query::run() {
  while (step()) {
  }
}

bool query::is_null(int col) const noexcept { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
query::value_kind query::kind(int col) const noexcept {
  switch (sqlite3_column_type(s_, col)) {
    case SQLITE_INTEGER: return value_kind::integer;
    case SQLITE_FLOAT: return value_kind::real;
    case SQLITE_TEXT: return value_kind::text;
    case SQLITE_BLOB: return value_kind::blob;
    default: return value_kind::null;
  }
}
std::int64_t query::i64(int col) const noexcept { return sqlite3_column_int64(s_, col); }
double query::f64(int col) const noexcept { return sqlite3_column_double(s_, col); }
std::string_view query::text(int col) const noexcept {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
  if (!p) return {};
  return {p, static_cast<std::size_t>(sqlite3_column_bytes(s_, col))};
}

std::span<const unsigned char> query::blob(int col) const noexcept {
  const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(s_, col));
  if (!p) return {};
  return {p, static_cast<std::size_t>(sqlite3_column_bytes(s_, col))};
}

namespace {
// Process-wide settings, before SQLite initializes (that is, before the first connection; if
// SQLite is already initialized, they are refused and change nothing):
//  - memory statistics off: otherwise every SQLite allocation takes one global mutex, which the
//    reader threads then contend for;
//  - a savepoint's journal (the pages a write command changes, as they were; see the writer) is
//    kept in memory, however large, in pieces of 1 KiB: a command holds a copy of each page it
//    changes until it is released. SQLite's default writes the journal to a temporary file once
//    it passes 64 KiB (15 pages), and the file then serves every later command of the batch: a
//    purchase of three orders often changes more, so batches of purchases wrote their journals
//    to files, two system calls a page (docs/adr/0006-tcmalloc.md). One larger piece
//    instead (a positive size) must stay under 128 KiB: SQLite's unix VFS writes at most
//    128 KiB - 1 bytes at a time, and a larger piece fails to spill.
constexpr int statement_journal_bytes = -1;  // never written to a file

void configure_sqlite_once() {
  static const bool done = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, statement_journal_bytes);
    return true;
  }();
  (void)done;
}

// A connection that syncs the WAL at every commit writes it through the WAL write buffer
// (storage/sqlite/wal_write_buffer.hpp), and a reader with a memory map reads through the shared
// map (storage/sqlite/shared_map.hpp), each a shim over the VFS the connection would otherwise
// use: a URI naming a VFS ("file:x.db?vfs=name") gets it over that one; other paths, over the
// default. Returns the path to open and the VFS to pass to sqlite3_open_v2 (empty: none).
std::pair<std::string, std::string> open_target(const std::string& path,
                                                std::string (*shim)(const std::string& parent)) {
  if (!shim) return {path, {}};
  const auto query = path.starts_with("file:") ? path.find('?') : std::string::npos;
  if (query == std::string::npos) return {path, shim({})};
  for (std::size_t at = query + 1; at < path.size();) {
    const auto amp = std::min(path.find('&', at), path.size());
    if (path.compare(at, 4, "vfs=") == 0) {
      const std::string parent = path.substr(at + 4, amp - at - 4);
      return {path.substr(0, at + 4) + shim(parent) + path.substr(amp), {}};
    }
    at = amp + 1;
  }
  return {path, shim({})};
}
}  // namespace

connection::connection(const std::string& path, open_mode mode, const connection_options& opts) : path_(path) {
  configure_sqlite_once();
  const int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI |
                    (mode == open_mode::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  const bool writes = mode == open_mode::read_write;
  const auto& sync = opts.synchronous;  // for writing connections only
  if (writes && sync != "FULL" && sync != "NORMAL" && sync != "OFF" && sync != "EXTRA")
    throw sqlite_error(SQLITE_MISUSE, "bad synchronous mode " + sync);
  auto* shim = writes ? (sync == "FULL" || sync == "EXTRA" ? &wal_write_buffer_vfs : nullptr)
                      : (opts.mmap_bytes > 0 ? &shared_map_vfs : nullptr);
  const auto [target, vfs] = open_target(path, shim);
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(target.c_str(), &raw, flags, vfs.empty() ? nullptr : vfs.c_str());
  db_.reset(raw);
  if (rc != SQLITE_OK) throw_sqlite(raw, rc, "open " + path);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, opts.busy_timeout_ms);
  register_cunji_tokenizer(raw);    // listings_fts needs it on every connection
  register_postings_function(raw);  // so do the triggers that keep search_postings
  if (writes) {
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=" + sync);
  }
  // Readers: the temporary b-trees of ORDER BY and IN lists in memory, never in a file.
  // Writers keep the default: their savepoint journals are in memory already (see
  // statement_journal_bytes). Durability comes from the WAL, not from those journals.
  if (!writes) exec("PRAGMA temp_store=MEMORY");
  exec("PRAGMA foreign_keys=ON");
  if (opts.mmap_bytes > 0) exec("PRAGMA mmap_size=" + std::to_string(opts.mmap_bytes));
}

connection::~connection() {
  cache_.clear();  // finalize statements before closing
}

void connection::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  const int rc = sqlite3_exec(db_.get(), s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw sqlite_error(sqlite3_extended_errcode(db_.get()), "exec: " + msg);
  }
}

query connection::prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* s = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                      &s, &tail);
    if (rc != SQLITE_OK) throw_sqlite(db_.get(), rc, "prepare");
    statement st(s);
    if (tail &&
        std::string_view(tail, sql.data() + sql.size() - tail).find_first_not_of(" \t\r\n;") != std::string_view::npos)
      throw sqlite_error(SQLITE_MISUSE, "prepare: more than one statement in: " + std::string(sql));
    it = cache_.emplace(std::string(sql), std::move(st)).first;
  }
  return query(it->second.get());
}

std::int64_t connection::last_insert_rowid() const noexcept { return sqlite3_last_insert_rowid(db_.get()); }
int connection::rows_changed() const noexcept { return sqlite3_changes(db_.get()); }

}  // namespace cunji::storage
