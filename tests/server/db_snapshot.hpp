#pragma once
// A read-only dump of every table of a database file, for tests that must prove a series of
// requests changed nothing: take one before and one after, and compare.
#include <map>
#include <string>
#include <vector>

namespace cunji::test {

// Table name -> its rows, each rendered as text ("1|'李家果园'|NULL|x'00ff'"), sorted.
using db_snapshot = std::map<std::string, std::vector<std::string>>;

// Reads every table (but virtual tables, whose shadow tables are read) through a new read-only
// connection.
db_snapshot snapshot_of(const std::string& db_path);

// The same of a PostgreSQL database (libpq connection string): every table of its public
// schema in one statement, so at one moment; a row is PostgreSQL's text of it ("(1,李家果园,)").
// Compare snapshots of one engine only.
db_snapshot pg_snapshot_of(const std::string& conninfo);

// Human-readable differences ("table: - row" / "table: + row"), at most `limit` lines.
std::vector<std::string> differences(const db_snapshot& before, const db_snapshot& after, std::size_t limit = 20);

}  // namespace cunji::test
