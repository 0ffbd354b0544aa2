#pragma once
// Query-string parameters, read with every error collected (422 names each bad parameter).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/cursor.hpp"
#include "core/error.hpp"
#include "server/http.hpp"

namespace cunji::server {

class query_params {
 public:
  explicit query_params(std::string_view target);

  std::optional<std::string> str(std::string_view name) const;
  // A positive id.
  std::optional<std::int64_t> id(std::string_view name);
  std::optional<std::int64_t> integer(std::string_view name, std::int64_t min, std::int64_t max);
  // "true" or "false".
  std::optional<bool> boolean(std::string_view name);
  // ?limit= (1..100, default 20).
  int limit();
  // ?cursor=, decoded for `tag` with `keys` keys; a bad cursor is an error.
  std::optional<cursor> cursor_for(std::string_view tag, std::size_t keys);

  void add(std::string field, std::string message) { errors_.push_back({std::move(field), std::move(message)}); }
  bool ok() const noexcept { return errors_.empty(); }
  std::vector<field_error>& errors() noexcept { return errors_; }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
  std::vector<field_error> errors_;
};

// Lists fetch limit + 1 rows to learn whether there is more. Cuts `rows` back to `limit` and
// returns the keyset ({id}) of the last row kept when there was more, else nothing.
template <class Row>
std::vector<std::int64_t> trim_page(std::vector<Row>& rows, int limit) {
  if (static_cast<int>(rows.size()) <= limit) return {};
  rows.resize(static_cast<std::size_t>(limit));
  return {rows.back().id};
}

// The next-page cursor string for a page that has more, else nullopt.
std::optional<std::string> next_cursor(std::string_view tag, const std::vector<std::int64_t>& keys);

}  // namespace cunji::server
