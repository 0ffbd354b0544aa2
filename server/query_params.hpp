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
#include "core/sales.hpp"
#include "server/http.hpp"
#include "server/json_output.hpp"
#include "storage/common.hpp"

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
  // ?limit= and ?cursor= (keys {id}) as the page of a list to fetch.
  storage::page_request page(std::string_view tag);

  void add(std::string field, std::string message) { errors_.push_back({std::move(field), std::move(message)}); }
  bool ok() const noexcept { return errors_.empty(); }
  std::vector<field_error>& errors() noexcept { return errors_; }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
  std::vector<field_error> errors_;
};

// The period of a report (or of a partner's station cash) from the `from` and `to` parameters
// of `target`, by core::report_period's rules and defaults.
result<day_range> report_period_in(std::string_view target, unix_seconds now);

// The next-page cursor string for a page that has more, else nullopt.
std::optional<std::string> next_cursor(std::string_view tag, const std::vector<std::int64_t>& keys);

// {"items": [...], "next_cursor": ...} of a page, each item rendered by `to_json`.
template <class T, class ToJson>
response page_response(const storage::page<T>& p, std::string_view tag, ToJson to_json) {
  json::array items;
  items.reserve(p.items.size());
  for (const auto& item : p.items) items.push_back(to_json(item));
  return json_response(http::status::ok, list_body(std::move(items), next_cursor(tag, p.next_keys)));
}

}  // namespace cunji::server
