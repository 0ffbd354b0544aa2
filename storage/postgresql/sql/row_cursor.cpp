#include "storage/postgresql/sql/row_cursor.hpp"

#include <atomic>

#include "storage/postgresql/connection.hpp"

namespace cunji::storage::pg {

namespace {
// Cursor names are unique in the process, so that several cursors share a transaction.
std::string next_cursor_name() {
  static std::atomic<std::uint64_t> made{0};
  return "cunji_rows_" + std::to_string(++made);
}
}  // namespace

row_cursor::row_cursor(connection& c, std::string sql, int batch) : c_(&c), sql_(std::move(sql)), batch_(batch) {}

task<bool> row_cursor::next() {
  if (name_.empty()) {
    name_ = next_cursor_name();
    co_await c_->query("DECLARE " + name_ + " NO SCROLL CURSOR FOR " + sql_);
  }
  if (++at_ < rows_.rows()) co_return true;
  if (last_batch_) co_return false;
  rows_ = co_await c_->query("FETCH FORWARD " + std::to_string(batch_) + " FROM " + name_);
  at_ = 0;
  last_batch_ = rows_.rows() < batch_;
  co_return rows_.rows() > 0;
}

}  // namespace cunji::storage::pg
