#pragma once
// A small JSON Schema (2020-12) validator for the subset the project's OpenAPI document uses:
// $ref (to "#/..." in one root document), type (also lists, for nullable), const, enum,
// properties, required, additionalProperties, propertyNames, min/maxProperties, items,
// min/maxItems, minimum, maximum, exclusiveMinimum/Maximum, min/maxLength, pattern, format
// (date-time, date, int64, int32 are checked; others are annotations), allOf, anyOf, oneOf,
// not, if/then/else. A keyword it does not know is reported as an error, so a schema can never
// be half-checked in silence.
#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace cunji::test {

struct schema_error {
  std::string pointer;  // JSON pointer into the instance ("" for the whole of it)
  std::string message;
};

class json_schema {
 public:
  // `root` holds every schema "#/..." references may point into; it must outlive this object.
  explicit json_schema(const boost::json::value& root) : root_(root) {}

  // Every way `instance` fails `schema` (empty when it conforms).
  std::vector<schema_error> validate(const boost::json::value& schema, const boost::json::value& instance) const;

  // The value a local reference ("#/components/schemas/Order") names; throws std::invalid_argument.
  const boost::json::value& resolve(std::string_view ref) const;

 private:
  void check(const boost::json::value& schema, const boost::json::value& v, const std::string& ptr,
             std::vector<schema_error>& out, int depth) const;
  bool passes(const boost::json::value& schema, const boost::json::value& v, int depth) const;

  const boost::json::value& root_;
};

// Numbers compare by value (1 == 1.0 == 1u), everything else structurally.
bool json_equal(const boost::json::value& a, const boost::json::value& b);

// Appends `key` to a JSON pointer, escaping '~' and '/'.
std::string pointer_append(const std::string& ptr, std::string_view key);

}  // namespace cunji::test
