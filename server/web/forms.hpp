#pragma once
// application/x-www-form-urlencoded bodies (and cookie headers), read strictly.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cunji::server::web {

struct form {
  std::vector<std::pair<std::string, std::string>> fields;
  // The first value of `name`, if any.
  std::optional<std::string_view> get(std::string_view name) const;
  // The first value of `name`, or "".
  std::string_view str(std::string_view name) const { return get(name).value_or(std::string_view{}); }
};

// nullopt for a malformed percent-escape or a value that is not valid UTF-8, or more than
// `max_fields` fields.
std::optional<form> parse_form(std::string_view body, std::size_t max_fields = 200);

// The value of cookie `name` in a Cookie header ("a=1; b=2"), if any.
std::optional<std::string_view> cookie_in(std::string_view header, std::string_view name);

// Percent-encodes a query value (everything but RFC 3986's unreserved characters).
std::string url_encode(std::string_view s);

}  // namespace cunji::server::web
