#pragma once
// TEMPORARY: the part of the ledger SQL on PostgreSQL that payments and returns call, declared
// here until the ledger area brings the real header (it replaces this file on merge).
#include <vector>

#include "core/ledger.hpp"
#include "storage/common.hpp"
#include "storage/sql/ledger.hpp"

namespace cunji::storage::pg {

class connection;

// One entry of `kind` with its postings (zero amounts are left out).
task<void> post(connection& c, entry_kind kind, entry_links about, std::vector<posting> postings, unix_seconds now);

}  // namespace cunji::storage::pg
