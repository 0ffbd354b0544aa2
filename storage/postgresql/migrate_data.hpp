#pragma once
// `cunji migrate-data`: a marketplace's SQLite file copied whole into an empty PostgreSQL
// database, ids kept, and checked before it is committed.
//
// Every table the PostgreSQL schema has is copied from the SQLite table of the same name,
// column by column (COPY … FROM STDIN), parents before children (the order follows the foreign
// keys). The tables that triggers keep (balances, sales rollups, counters) are copied as they
// are, with the triggers off for the copy. What only SQLite has is not copied but rebuilt:
// its search index (FTS5, the postings) becomes listings.search_vector, written from each
// listing's title and description. The identity sequences then continue after the highest id.
//
// Before COMMIT, in the same transaction, every table's row count must equal the source's and
// the ledger check (which covers the rollups and counters too) must pass on both sides;
// otherwise nothing is committed. The source is read in one snapshot, so a server may keep
// running on it, but what it writes after the snapshot is not copied: stop it first.
#include <cstdint>
#include <string>
#include <vector>

#include "storage/common.hpp"
#include "storage/money.hpp"

namespace cunji::storage {
class connection;
}

namespace cunji::storage::pg {

class connection;

struct table_copy {
  std::string table;
  std::int64_t source_rows = 0, target_rows = 0;
};

struct data_move_report {
  std::vector<table_copy> tables;  // in the order they were copied
  ledger_report source_ledger, target_ledger;
};

// Copies `from` (migrated first, as `cunji serve` would) into `to` (migrated first; it must
// hold no marketplace data yet) in one transaction. Throws pg_failure if PostgreSQL refuses a
// row, and std::invalid_argument if the target is not empty, the source's ledger check fails,
// the two schemas disagree on a table or column, or the copy does not check out; `to` is then
// unchanged.
task<data_move_report> migrate_data(storage::connection& from, connection& to);

// The same for the command line, on this thread: opens the SQLite file and connects to the
// PostgreSQL URI (waiting up to 10 s for it).
data_move_report migrate_data(const std::string& sqlite_path, const std::string& conninfo);

}  // namespace cunji::storage::pg
