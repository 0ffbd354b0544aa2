#pragma once
// Request bodies: parsing with a nesting limit, and reading fields with every error collected
// (unknown fields included, so no client can set what it must not).
#include <boost/json/object.hpp>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/fees.hpp"
#include "server/http.hpp"

namespace cunji::server {

inline constexpr std::size_t max_json_depth = 32;

// Parses `body` as JSON; nullopt if malformed, nested deeper than max_json_depth, or holding
// an object with a repeated key (at any depth: never read as one of its values).
std::optional<json::value> parse_json(std::string_view body, std::string* why = nullptr);

// The value of an integral JSON number (`3`, `3.0`, `3e0`); `fits` is false for one outside
// int64, or a double above 2^53 (no longer exact). Nullopt for anything else.
struct integral {
  std::int64_t value = 0;
  bool fits = true;
};
std::optional<integral> integral_of(const json::value& v) noexcept;

class fields {
 public:
  // Every key of `obj` not in `allowed` becomes an error "is not a known field".
  fields(const json::object& obj, std::initializer_list<std::string_view> allowed);

  // Each getter returns nullopt when the field is absent or null (recording "is required" if
  // `required`), or of the wrong type (recording that).
  std::optional<std::string> str(std::string_view name, bool required);
  // A string without leading and trailing white space (text::trim): names and titles.
  std::optional<std::string> trimmed(std::string_view name, bool required);
  // An integral number from `min` to `max`; else "must be an integer from MIN to MAX" (or "must
  // be an integer" for a value that is no number at all when the whole int64 range is allowed).
  std::optional<std::int64_t> integer(std::string_view name, bool required,
                                      std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                                      std::int64_t max = std::numeric_limits<std::int64_t>::max());
  // A positive id (an integer from 1).
  std::optional<std::int64_t> id(std::string_view name, bool required);
  std::optional<bool> boolean(std::string_view name, bool required);
  const json::object* object(std::string_view name, bool required);
  const json::array* array(std::string_view name, bool required);
  bool has(std::string_view name) const;

  void add(std::string field, std::string message) { errors_.push_back({std::move(field), std::move(message)}); }
  // Records `message` for `name` if it is set.
  void check(std::string_view name, const std::optional<std::string>& message) {
    if (message) add(std::string(name), *message);
  }
  bool ok() const noexcept { return errors_.empty(); }
  std::vector<field_error>& errors() noexcept { return errors_; }
  const json::object& obj() const noexcept { return obj_; }

 private:
  const json::value* get(std::string_view name, bool required);
  const json::object& obj_;
  std::vector<field_error> errors_;
};

// Reads a full fee schedule (PUT /v1/fee-schedule: every field required) from `f`; missing and
// ill-typed fields go into `f`'s errors. The values' ranges are checked by core validate().
fee_schedule read_fee_schedule(fields& f);

}  // namespace cunji::server
