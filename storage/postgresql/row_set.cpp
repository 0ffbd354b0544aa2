#include "storage/postgresql/row_set.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <string>

#include "storage/postgresql/pg_failure.hpp"

namespace cunji::storage::pg {

void row_set::free_result::operator()(pg_result* r) const noexcept { PQclear(r); }

int row_set::rows() const noexcept { return r_ ? PQntuples(r_.get()) : 0; }
int row_set::columns() const noexcept { return r_ ? PQnfields(r_.get()) : 0; }

std::int64_t row_set::affected() const noexcept {
  if (!r_) return 0;
  const std::string_view n = PQcmdTuples(r_.get());
  std::int64_t v = 0;
  std::from_chars(n.data(), n.data() + n.size(), v);
  return v;
}

bool row_set::is_null(int row, int column) const noexcept { return PQgetisnull(r_.get(), row, column) != 0; }

std::string_view row_set::text(int row, int column) const noexcept {
  return {PQgetvalue(r_.get(), row, column), static_cast<std::size_t>(PQgetlength(r_.get(), row, column))};
}

std::int64_t row_set::i64(int row, int column) const {
  const auto v = opt_i64(row, column);
  if (!v) throw pg_failure("NULL where an integer was expected (column " + std::to_string(column) + ")", "22000");
  return *v;
}

std::optional<std::int64_t> row_set::opt_i64(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  const auto t = text(row, column);
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc{} || end != t.data() + t.size())
    throw pg_failure("not an integer in column " + std::to_string(column), "22000");
  return v;
}

std::string row_set::bytes(int row, int column) const {
  std::size_t n = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r_.get(), row, column)), &n);
  if (!raw) throw pg_failure("out of memory decoding a bytea value", "22000");
  std::string out(reinterpret_cast<const char*>(raw), n);
  PQfreemem(raw);
  return out;
}

}  // namespace cunji::storage::pg
