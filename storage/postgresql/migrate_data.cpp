#include "storage/postgresql/migrate_data.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_future.hpp>
#include <charconv>
#include <exception>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <string_view>

#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/migrations.hpp"
#include "storage/postgresql/sql/ledger.hpp"
#include "storage/postgresql/sql/listing_search.hpp"
#include "storage/sql/ledger.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/transaction.hpp"

namespace cunji::storage::pg {

namespace {

// SQLite's own tables, and those of its search index: PostgreSQL keeps its own schema version,
// and rebuilds the search index from the listings (search_vector).
bool sqlite_only(std::string_view table) {
  return table == "schema_version" || table.starts_with("sqlite_") || table.starts_with("listings_fts") ||
         table == "search_postings" || table == "search_terms";
}

// The tables that the schema fills with rows of its own (the fee schedule in force): replaced
// by the source's.
bool seeded(std::string_view table) { return table == "fee_schedule" || table == "category_commission"; }

std::string ident(std::string_view name) { return "\"" + std::string(name) + "\""; }

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + ident(n);
  return out;
}

// PostgreSQL's tables (but schema_version, and search_stats, PostgreSQL's own: recounted after
// the copy), parents before children: an order in which every
// foreign key refers to a table copied earlier (or to its own).
task<std::vector<std::string>> tables_in_key_order(connection& to) {
  const auto tables = co_await to.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
      "AND table_type = 'BASE TABLE' AND table_name NOT IN ('schema_version', 'search_stats') ORDER BY table_name");
  const auto keys = co_await to.query(
      "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint "
      "WHERE contype = 'f' AND connamespace = current_schema()::regnamespace AND conrelid <> confrelid");
  std::map<std::string, std::set<std::string>> parents;
  for (int r = 0; r < tables.rows(); ++r) parents[tables.str(r, 0)];
  for (int r = 0; r < keys.rows(); ++r) parents[keys.str(r, 0)].insert(keys.str(r, 1));
  std::vector<std::string> order;
  while (!parents.empty()) {
    const auto ready = std::find_if(parents.begin(), parents.end(), [](const auto& t) { return t.second.empty(); });
    if (ready == parents.end()) throw std::runtime_error("the PostgreSQL schema's foreign keys form a cycle");
    const std::string name = ready->first;
    order.push_back(name);
    parents.erase(ready);
    for (auto& [table, of] : parents) of.erase(name);
  }
  co_return order;
}

task<std::vector<std::string>> target_columns(connection& to, const std::string& table) {
  const auto rows = co_await to.query(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
      "AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position",
      params(table));
  std::vector<std::string> out;
  for (int r = 0; r < rows.rows(); ++r) out.push_back(rows.str(r, 0));
  co_return out;
}

std::vector<std::string> source_tables(storage::connection& from) {
  std::vector<std::string> out;
  for (auto q = from.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"); q.step();)
    if (!sqlite_only(q.text(0))) out.push_back(q.str(0));
  return out;
}

std::set<std::string> source_columns(storage::connection& from, const std::string& table) {
  std::set<std::string> out;
  auto q = from.prepare("SELECT name FROM pragma_table_info(?)");
  q.bind(1, table);
  while (q.step()) out.insert(q.str(0));
  return out;
}

// One value in COPY's text format: \N for NULL, and backslash escapes in text. A blob becomes
// bytea's hex form, its backslash doubled for COPY.
void put_value(std::string& out, const storage::query& q, int col) {
  using kind = storage::query::value_kind;
  switch (q.kind(col)) {
    case kind::null: out += "\\N"; return;
    case kind::integer: out += std::to_string(q.i64(col)); return;
    case kind::real: {  // the shortest text that reads back as the same double
      char text[32];
      out.append(text, std::to_chars(text, text + sizeof text, q.f64(col)).ptr);
      return;
    }
    case kind::blob: {
      const auto b = q.blob(col);
      out += '\\';  // COPY's escape of bytea's own backslash
      out += bytea(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
      return;
    }
    case kind::text: break;
  }
  for (const char ch : q.text(col)) {
    switch (ch) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out += ch;
    }
  }
}

// Copies one table's rows; returns how many.
task<std::int64_t> copy_table(storage::connection& from, connection& to, const std::string& table) {
  auto columns = co_await target_columns(to, table);
  const auto have = source_columns(from, table);
  // listings.search_vector is rebuilt from the title and the description; every other column
  // must be on both sides, so that no value is lost or made up.
  const bool listings = table == "listings";
  if (listings) std::erase(columns, "search_vector");
  for (const auto& c : columns)
    if (!have.contains(c)) throw std::runtime_error("SQLite's table " + table + " has no column " + c);
  for (const auto& c : have)
    if (std::find(columns.begin(), columns.end(), c) == columns.end())
      throw std::runtime_error("PostgreSQL's table " + table + " has no column " + c + ": its values would be lost");
  const auto at = [&](std::string_view name) {
    return static_cast<int>(std::find(columns.begin(), columns.end(), name) - columns.begin());
  };
  const int title = listings ? at("title") : -1, description = listings ? at("description") : -1;

  auto targets = columns;
  if (listings) targets.push_back("search_vector");
  co_await to.copy_begin("COPY " + ident(table) + " (" + joined(targets) + ") FROM STDIN");
  std::string chunk;
  std::int64_t rows = 0;
  for (auto q = from.prepare("SELECT " + joined(columns) + " FROM " + ident(table)); q.step(); ++rows) {
    for (int c = 0; c < static_cast<int>(columns.size()); ++c) {
      if (c > 0) chunk += '\t';
      put_value(chunk, q, c);
    }
    if (listings) chunk += '\t' + search_vector(q.text(title), q.text(description));
    chunk += '\n';
    if (chunk.size() >= (1u << 20)) {
      co_await to.copy_put(chunk);
      chunk.clear();
    }
  }
  if (!chunk.empty()) co_await to.copy_put(chunk);
  co_await to.copy_end();
  co_return rows;
}

std::string failed(const ledger_report& r) {
  std::string out = r.balanced ? "balanced" : "not balanced";
  for (const auto& m : r.mismatches) out += "; " + m;
  return out;
}

bool clean(const ledger_report& r) { return r.balanced && r.mismatches.empty(); }

// The copy inside the target's transaction, checked; the caller commits.
task<data_move_report> copy_all(storage::connection& from, connection& to) {
  data_move_report out;
  out.source_ledger = check_ledger(from);
  if (!clean(out.source_ledger))
    throw std::runtime_error("the source's ledger check fails (" + failed(out.source_ledger) +
                             "): settle it before moving the marketplace");

  const auto order = co_await tables_in_key_order(to);
  const auto sources = source_tables(from);
  for (const auto& t : sources)
    if (std::find(order.begin(), order.end(), t) == order.end())
      throw std::runtime_error("PostgreSQL has no table " + t + ": its rows would be lost");
  for (const auto& t : order)
    if (std::find(sources.begin(), sources.end(), t) == sources.end())
      throw std::runtime_error("SQLite has no table " + t);

  // The triggers that keep balances, rollups and counters are off: those tables are copied too.
  // ALTER TABLE also locks each table until the end, so that nothing else writes meanwhile.
  for (const auto& t : order) co_await to.query("ALTER TABLE " + ident(t) + " DISABLE TRIGGER USER");
  for (const auto& t : order) {
    if (seeded(t)) {
      co_await to.query("DELETE FROM " + ident(t));
      continue;
    }
    const auto rows = co_await to.query("SELECT EXISTS (SELECT 1 FROM " + ident(t) + ")");
    if (rows.text(0, 0) == "t")
      throw std::invalid_argument("the target database already holds a marketplace (table " + t +
                                  " has rows): migrate-data copies into an empty database only");
  }
  for (const auto& t : order) {
    const auto rows = co_await copy_table(from, to, t);
    out.tables.push_back({t, rows, 0});
  }
  for (const auto& t : order) co_await to.query("ALTER TABLE " + ident(t) + " ENABLE TRIGGER USER");
  // The listings came in with their triggers off: bm25's statistics are counted once, and their
  // generation moves on (no ranking a server keeps can be taken for this text's).
  co_await to.query(
      "UPDATE search_stats SET (listings, positions, generation) = (SELECT count(*), coalesce(sum(search_length), 0), "
      "search_stats.generation + 1 FROM listings)");

  // New rows take ids after the copied ones.
  const auto identities = co_await to.query(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
      "AND is_identity = 'YES' AND table_name <> 'schema_version'");
  for (int r = 0; r < identities.rows(); ++r) {
    const auto table = identities.str(r, 0), column = identities.str(r, 1);
    co_await to.query("SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(" + ident(column) +
                          "), 0) + 1, false) FROM " + ident(table),
                      params(ident(table), column));
  }

  for (auto& t : out.tables) t.target_rows = (co_await to.query("SELECT count(*) FROM " + ident(t.table))).i64(0, 0);
  out.target_ledger = co_await check_ledger(to);
  std::string wrong;
  for (const auto& t : out.tables)
    if (t.source_rows != t.target_rows)
      wrong += "; table " + t.table + ": " + std::to_string(t.source_rows) + " rows read, " +
               std::to_string(t.target_rows) + " in PostgreSQL";
  if (!clean(out.target_ledger)) wrong += "; the ledger check on PostgreSQL: " + failed(out.target_ledger);
  const auto& s = out.source_ledger;
  const auto& d = out.target_ledger;
  if (s.postings != d.postings || s.sum_fen != d.sum_fen || s.orders_checked != d.orders_checked)
    wrong += "; the ledgers differ (postings, fen, orders checked): " + std::to_string(s.postings) + ", " +
             std::to_string(s.sum_fen) + ", " + std::to_string(s.orders_checked) + " against " +
             std::to_string(d.postings) + ", " + std::to_string(d.sum_fen) + ", " + std::to_string(d.orders_checked);
  if (!wrong.empty()) throw std::runtime_error("the copy does not check out" + wrong + "; nothing was committed");
  co_return out;
}

}  // namespace

task<data_move_report> migrate_data(storage::connection& from, connection& to) {
  storage::migrate(from);
  co_await migrate(to);
  storage::read_transaction snapshot(from);
  co_await to.query("BEGIN");
  std::exception_ptr error;
  data_move_report out;
  try {
    out = co_await copy_all(from, to);
  } catch (...) {
    error = std::current_exception();
  }
  if (error) {
    if (to.connected()) co_await to.query("ROLLBACK");
    std::rethrow_exception(error);
  }
  co_await to.query("COMMIT");
  co_return out;
}

data_move_report migrate_data(const std::string& sqlite_path, const std::string& conninfo) {
  // Opening a missing file would create an empty marketplace, and copy that.
  if (!std::filesystem::is_regular_file(sqlite_path))
    throw std::invalid_argument("--from names no SQLite file: " + sqlite_path);
  storage::connection from(sqlite_path, open_mode::read_write);
  boost::asio::io_context ioc;
  auto done = boost::asio::co_spawn(
      ioc,
      [](storage::connection& f, std::string uri) -> task<data_move_report> {
        auto to = co_await connection::open(co_await boost::asio::this_coro::executor, std::move(uri),
                                            std::chrono::seconds(10));
        co_return co_await migrate_data(f, *to);
      }(from, conninfo),
      boost::asio::use_future);
  ioc.run();
  return done.get();
}

}  // namespace cunji::storage::pg
