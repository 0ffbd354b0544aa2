#pragma once
// The rows of one PostgreSQL statement (an owned PGresult), read as text: every query is sent
// and answered in libpq's text format.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct pg_result;  // libpq's PGresult; <libpq-fe.h> stays in storage/postgresql/*.cpp

namespace cunji::storage::pg {

class row_set {
 public:
  row_set() = default;
  explicit row_set(pg_result* r) noexcept : r_(r) {}

  int rows() const noexcept;
  int columns() const noexcept;
  // Rows an INSERT, UPDATE or DELETE touched (without RETURNING too).
  std::int64_t affected() const noexcept;
  bool is_null(int row, int column) const noexcept;
  // The value as text; empty for NULL. Valid while this row_set lives.
  std::string_view text(int row, int column) const noexcept;
  std::string str(int row, int column) const { return std::string(text(row, column)); }
  std::optional<std::string> opt_str(int row, int column) const {
    if (is_null(row, column)) return std::nullopt;
    return str(row, column);
  }
  // The value as a 64-bit integer; throws pg_failure if it is NULL or not an integer.
  std::int64_t i64(int row, int column) const;
  std::optional<std::int64_t> opt_i64(int row, int column) const;
  // A bytea column, decoded from its hex text form.
  std::string bytes(int row, int column) const;

 private:
  struct free_result {
    void operator()(pg_result* r) const noexcept;
  };
  std::unique_ptr<pg_result, free_result> r_;
};

}  // namespace cunji::storage::pg
