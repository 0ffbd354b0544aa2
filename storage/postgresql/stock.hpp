#pragma once
// Stock on PostgreSQL: taken by conditional UPDATEs, never read and then written.
#include <cstdint>
#include <vector>

#include "storage/common.hpp"
#include "storage/postgresql/connection.hpp"

namespace cunji::storage::pg {

struct stock_line {
  std::int64_t listing_id = 0;
  std::int64_t quantity = 0;
};

// Inside the caller's transaction, takes each line's quantity from its listing's stock: one
// `UPDATE … SET stock = stock - q WHERE id = $1 AND stock >= q` per listing (lines of the same
// listing added together), in listing-id order, so that two transactions taking the same
// listings lock them in the same order and never deadlock; all in one pipeline (one round
// trip). Returns the ids of the listings that had too little, in id order; if there are any,
// the caller must roll back (the other lines were taken). CHECK (stock >= 0) is the backstop.
// `before` runs first in the same pipeline (a SAVEPOINT, say).
task<std::vector<std::int64_t>> take_stock(connection& c, std::vector<stock_line> lines, unix_seconds now,
                                           std::vector<statement> before = {});

}  // namespace cunji::storage::pg
