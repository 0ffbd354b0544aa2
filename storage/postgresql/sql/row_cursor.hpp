#pragma once
// The rows of one query read a batch at a time through a server-side cursor, so that a check
// that reads every row of a table (the ledger and rollup checks) never holds them all. Only
// inside a transaction (a cursor lives until its end), such as engine::snapshot's.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/common.hpp"
#include "storage/postgresql/row_set.hpp"

namespace cunji::storage::pg {

class connection;

class row_cursor {
 public:
  // The query (without parameters) is declared on the first next().
  row_cursor(connection& c, std::string sql, int batch = 1000);

  // Moves to the next row: false when there is none.
  task<bool> next();

  // Columns of the current row.
  std::int64_t i64(int column) const { return rows_.i64(at_, column); }
  std::optional<std::int64_t> opt_i64(int column) const { return rows_.opt_i64(at_, column); }
  std::string_view text(int column) const noexcept { return rows_.text(at_, column); }
  std::string str(int column) const { return std::string(text(column)); }
  bool is_null(int column) const noexcept { return rows_.is_null(at_, column); }

 private:
  connection* c_;
  std::string sql_;
  std::string name_;  // empty until declared
  int batch_;
  row_set rows_;
  int at_ = -1;
  bool last_batch_ = false;
};

}  // namespace cunji::storage::pg
