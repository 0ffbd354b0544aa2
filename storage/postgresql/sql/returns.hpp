#pragma once
// Return SQL on PostgreSQL (the SQLite engine's: storage/sql/returns.hpp). The use cases over it
// (storage/returns.hpp) are in return_store.cpp.
#include <cstdint>
#include <optional>
#include <vector>

#include "core/order_return.hpp"
#include "storage/returns.hpp"

namespace cunji::storage::pg {

class connection;

// Stores `r` (its id is set) as requested.
task<void> insert_return(connection& c, order_return& r);
task<std::optional<order_return>> find_return(connection& c, std::int64_t id);
task<bool> order_has_return(connection& c, std::int64_t order_id);
// Records the decision of `r` (status, decision_reason, restocked, decided_at) by `decided_by`.
task<void> store_decision(connection& c, order_return r, std::int64_t decided_by);
// Newest first, at most f.page.limit + 1 (the extra one tells there is more).
task<std::vector<order_return>> list_returns(connection& c, return_list_filter f);

}  // namespace cunji::storage::pg
