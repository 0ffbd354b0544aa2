#include "db_snapshot.hpp"

#include <sqlite3.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <chrono>

#include <algorithm>
#include <iterator>
#include <memory>
#include <stdexcept>

#include "storage/postgresql/connection.hpp"
#include "support/run_task.hpp"

namespace cunji::test {

namespace {

struct db_closer {
  void operator()(sqlite3* db) const noexcept { sqlite3_close(db); }
};
struct stmt_closer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using db_ptr = std::unique_ptr<sqlite3, db_closer>;
using stmt_ptr = std::unique_ptr<sqlite3_stmt, stmt_closer>;

stmt_ptr prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
    throw std::runtime_error("snapshot: " + sql + ": " + sqlite3_errmsg(db));
  return stmt_ptr(s);
}

std::string cell(sqlite3_stmt* s, int col) {
  static constexpr char hex[] = "0123456789abcdef";
  switch (sqlite3_column_type(s, col)) {
    case SQLITE_NULL: return "NULL";
    case SQLITE_INTEGER: return std::to_string(sqlite3_column_int64(s, col));
    case SQLITE_FLOAT: return std::to_string(sqlite3_column_double(s, col));
    case SQLITE_BLOB: {
      const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(s, col));
      std::string out = "x'";
      for (int i = 0; i < sqlite3_column_bytes(s, col); ++i) {
        out += hex[p[i] >> 4];
        out += hex[p[i] & 15];
      }
      return out + "'";
    }
    default:
      return "'" +
             std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, col)), sqlite3_column_bytes(s, col)) +
             "'";
  }
}

}  // namespace

db_snapshot snapshot_of(const std::string& db_path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(db_path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  db_ptr db(raw);
  if (rc != SQLITE_OK) throw std::runtime_error("snapshot: cannot open " + db_path);
  db_snapshot out;
  std::vector<std::string> tables;
  {
    // Virtual tables (full-text search) need the server's tokenizer to be read; their shadow
    // tables, which hold what they index, are plain tables and are read.
    auto q = prepare(db.get(),
                     "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                     "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'");
    while (sqlite3_step(q.get()) == SQLITE_ROW)
      tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(q.get(), 0)));
  }
  // One read transaction, so the tables are seen at one moment.
  sqlite3_exec(db.get(), "BEGIN", nullptr, nullptr, nullptr);
  for (const auto& t : tables) {
    auto q = prepare(db.get(), "SELECT * FROM \"" + t + "\"");
    auto& rows = out[t];
    int rc_step = 0;
    while ((rc_step = sqlite3_step(q.get())) == SQLITE_ROW) {
      std::string row;
      for (int c = 0; c < sqlite3_column_count(q.get()); ++c) row += (c ? "|" : "") + cell(q.get(), c);
      rows.push_back(std::move(row));
    }
    if (rc_step != SQLITE_DONE) throw std::runtime_error("snapshot: reading " + t + ": " + sqlite3_errmsg(db.get()));
    std::sort(rows.begin(), rows.end());
  }
  sqlite3_exec(db.get(), "COMMIT", nullptr, nullptr, nullptr);
  return out;
}

namespace {
storage::task<db_snapshot> read_every_table(std::string conninfo) {
  auto c = co_await storage::pg::connection::open(co_await boost::asio::this_coro::executor, std::move(conninfo),
                                                  std::chrono::seconds(10));
  const auto names = co_await c->query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
  db_snapshot out;
  std::string all;
  for (int i = 0; i < names.rows(); ++i) {
    const auto t = names.str(i, 0);
    out[t];
    all += (all.empty() ? "" : " UNION ALL ") + ("SELECT '" + t + "', t::text FROM \"" + t + "\" t");
  }
  if (all.empty()) co_return out;
  const auto rows = co_await c->query(all);
  for (int i = 0; i < rows.rows(); ++i) out[rows.str(i, 0)].push_back(rows.str(i, 1));
  for (auto& [t, rs] : out) std::sort(rs.begin(), rs.end());
  co_return out;
}
}  // namespace

db_snapshot pg_snapshot_of(const std::string& conninfo) {
  boost::asio::io_context ioc;
  return run_task(ioc, read_every_table(conninfo));
}

std::vector<std::string> differences(const db_snapshot& before, const db_snapshot& after, std::size_t limit) {
  std::vector<std::string> out;
  auto note = [&](const std::string& line) {
    if (out.size() < limit) out.push_back(line);
  };
  static const std::vector<std::string> none;
  auto rows_of = [](const db_snapshot& s, const std::string& t) -> const std::vector<std::string>& {
    const auto it = s.find(t);
    return it == s.end() ? none : it->second;
  };
  std::map<std::string, int> tables;
  for (const auto& [t, rows] : before) tables[t] = 0;
  for (const auto& [t, rows] : after) tables[t] = 0;
  for (const auto& [t, unused] : tables) {
    const auto &a = rows_of(before, t), &b = rows_of(after, t);
    std::vector<std::string> gone, added;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(gone));
    std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(added));
    for (const auto& r : gone) note(t + ": - " + r);
    for (const auto& r : added) note(t + ": + " + r);
  }
  return out;
}

}  // namespace cunji::test
