#pragma once
// Migration steps written in C++, for changes SQL alone cannot make well: each runs right after
// the SQL of its version, inside the same transaction (storage/sqlite/migrations.cpp).
#include <string_view>

namespace cunji::storage {

class connection;

// Runs the C++ step of migration `version`, if it has one.
void run_migration_step(connection& c, int version);

// Replaces `from` with `to` in the CREATE TABLE text of `table`, the way SQLite documents for
// changes that leave every stored row as it is (such as widening a CHECK): through
// writable_schema, bumping the schema cookie. Throws if `from` is not in the text exactly once.
void rewrite_table_definition(connection& c, std::string_view table, std::string_view from, std::string_view to);

}  // namespace cunji::storage
