#pragma once
// Thin RAII wrappers over SQLite. <sqlite3.h> stays inside storage/*.cpp.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "storage/failure.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace cunji::storage {

// An unexpected SQLite failure (I/O error, full disk, corrupt file, a bug). Expected outcomes
// such as "phone already taken" are checked before writing and returned as cunji::error.
class sqlite_error : public failure {
 public:
  sqlite_error(int code, const std::string& what) : failure(what), code_(code) {}
  bool disk_full() const noexcept override { return is_full(); }
  bool unavailable() const noexcept override { return is_full() || is_io(); }
  int code() const noexcept { return code_; }
  bool is_constraint() const noexcept;
  bool is_full() const noexcept;
  // The disk or file system failed (SQLITE_IOERR and its extended codes).
  bool is_io() const noexcept;

 private:
  int code_;
};

struct stmt_deleter {
  void operator()(sqlite3_stmt* s) const noexcept;
};
struct db_deleter {
  void operator()(sqlite3* db) const noexcept;
};

// A prepared statement owned by a connection's cache. Use it through `query`.
class statement {
 public:
  explicit statement(sqlite3_stmt* s) : stmt_(s) {}
  sqlite3_stmt* get() const noexcept { return stmt_.get(); }

 private:
  std::unique_ptr<sqlite3_stmt, stmt_deleter> stmt_;
};

// One use of a cached statement: binds, steps, reads columns, and resets on destruction so
// no read transaction outlives it.
class query {
 public:
  explicit query(sqlite3_stmt* s) noexcept : s_(s) {}
  query(query&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  query(const query&) = delete;
  query& operator=(const query&) = delete;
  query& operator=(query&&) = delete;
  ~query();

  query& bind(int i, std::int64_t v);
  query& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  query& bind(int i, bool v) { return bind(i, static_cast<std::int64_t>(v)); }
  query& bind(int i, double v);
  query& bind(int i, std::string_view v);
  query& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  query& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  query& bind_blob(int i, const void* data, std::size_t n);
  query& bind(int i, std::nullopt_t);
  template <class T>
  query& bind(int i, const std::optional<T>& v) {
    return v ? bind(i, *v) : bind(i, std::nullopt);
  }

  template <class... Args>
  query& bind_all(const Args&... args) {
    int i = 0;
    (bind(++i, args), ...);
    return *this;
  }

  // Advances to the next row; false when done. Throws sqlite_error on failure.
  bool step();
  // Runs a statement that returns no rows (or ignores them).
  void run();

  bool is_null(int col) const noexcept;
  // The storage class of the column's value in the current row.
  enum class value_kind { integer, real, text, blob, null };
  value_kind kind(int col) const noexcept;
  std::int64_t i64(int col) const noexcept;
  double f64(int col) const noexcept;
  std::string_view text(int col) const noexcept;
  std::span<const unsigned char> blob(int col) const noexcept;
  std::string str(int col) const { return std::string(text(col)); }
  std::optional<std::int64_t> opt_i64(int col) const noexcept {
    return is_null(col) ? std::nullopt : std::optional<std::int64_t>(i64(col));
  }
  std::optional<std::string> opt_str(int col) const {
    return is_null(col) ? std::nullopt : std::optional<std::string>(str(col));
  }

 private:
  sqlite3_stmt* s_;
};

enum class open_mode { read_only, read_write };

struct connection_options {
  std::string synchronous = "FULL";  // FULL: an acknowledged commit survives power loss
  int busy_timeout_ms = 5000;
  std::int64_t mmap_bytes = 0;  // PRAGMA mmap_size: read the file through a memory map up to this size
};

// One SQLite connection; used by one thread at a time. Caches prepared statements by SQL text.
class connection {
 public:
  connection(const std::string& path, open_mode mode, const connection_options& opts = {});
  connection(connection&&) noexcept = default;
  connection& operator=(connection&&) noexcept = default;
  ~connection();

  // Runs SQL text that may hold several statements, with no parameters (migrations, pragmas).
  void exec(std::string_view sql);

  // A cached prepared statement, ready to bind. SQL with more than one statement is rejected.
  query prepare(std::string_view sql);

  template <class... Args>
  query run(std::string_view sql, const Args&... args) {
    auto q = prepare(sql);
    q.bind_all(args...);
    q.run();
    return q;
  }

  std::int64_t last_insert_rowid() const noexcept;
  int rows_changed() const noexcept;  // by the last INSERT, UPDATE or DELETE
  sqlite3* handle() const noexcept { return db_.get(); }
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
  std::unique_ptr<sqlite3, db_deleter> db_;
  // Looked up by string_view, so finding a cached statement allocates nothing.
  struct sql_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, statement, sql_hash, std::equal_to<>> cache_;
};

[[noreturn]] void throw_sqlite(sqlite3* db, int rc, std::string_view context);

}  // namespace cunji::storage
