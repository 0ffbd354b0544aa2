#include "json_schema.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <stdexcept>

namespace cunji::test {

namespace json = boost::json;

namespace {

constexpr int max_depth = 64;

bool is_integer(const json::value& v) {
  if (v.is_int64() || v.is_uint64()) return true;
  return v.is_double() && std::isfinite(v.get_double()) && std::trunc(v.get_double()) == v.get_double();
}

// Numbers as long double (exact for the int64 range, which is what the document uses).
long double number_of(const json::value& v) {
  if (v.is_int64()) return static_cast<long double>(v.get_int64());
  if (v.is_uint64()) return static_cast<long double>(v.get_uint64());
  return static_cast<long double>(v.get_double());
}

bool has_type(const json::value& v, std::string_view t) {
  if (t == "null") return v.is_null();
  if (t == "boolean") return v.is_bool();
  if (t == "object") return v.is_object();
  if (t == "array") return v.is_array();
  if (t == "string") return v.is_string();
  if (t == "number") return v.is_number();
  if (t == "integer") return is_integer(v);
  throw std::invalid_argument("unknown JSON Schema type: " + std::string(t));
}

std::string kind_of(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "boolean";
    case json::kind::int64:
    case json::kind::uint64: return "integer";
    case json::kind::double_: return "number";
    case json::kind::string: return "string";
    case json::kind::array: return "array";
    case json::kind::object: return "object";
  }
  return "?";
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

// Compiled patterns, shared by the threads that validate responses.
const std::regex& pattern(const std::string& src) {
  static std::mutex m;
  static std::map<std::string, std::unique_ptr<std::regex>> cache;
  std::lock_guard lock(m);
  auto& slot = cache[src];
  if (!slot) slot = std::make_unique<std::regex>(src, std::regex::ECMAScript);
  return *slot;
}

bool two_digits_in(std::string_view s, std::size_t at, int lo, int hi) {
  const int v = (s[at] - '0') * 10 + (s[at + 1] - '0');
  return v >= lo && v <= hi;
}

bool is_date(std::string_view s) {
  static const std::regex re(R"(^[0-9]{4}-[0-9]{2}-[0-9]{2}$)");
  return std::regex_match(s.begin(), s.end(), re) && two_digits_in(s, 5, 1, 12) && two_digits_in(s, 8, 1, 31);
}

// RFC 3339 date-time.
bool is_date_time(std::string_view s) {
  static const std::regex re(
      R"(^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$)");
  return std::regex_match(s.begin(), s.end(), re) && is_date(s.substr(0, 10)) && two_digits_in(s, 11, 0, 23) &&
         two_digits_in(s, 14, 0, 59) && two_digits_in(s, 17, 0, 60);
}

bool fits(const json::value& v, long double lo, long double hi) {
  const auto n = number_of(v);
  return n >= lo && n <= hi;
}

// Keywords that only annotate.
bool is_annotation(std::string_view k) {
  static constexpr std::string_view names[] = {"description", "title",    "examples",         "example",
                                               "default",     "$comment", "deprecated",       "readOnly",
                                               "writeOnly",   "$schema",  "contentMediaType", "contentEncoding"};
  for (const auto n : names)
    if (n == k) return true;
  return false;
}

}  // namespace

bool json_equal(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) return number_of(a) == number_of(b);
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto &x = a.get_array(), &y = b.get_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!json_equal(x[i], y[i])) return false;
    return true;
  }
  if (a.is_object()) {
    const auto &x = a.get_object(), &y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& kv : x) {
      const auto* o = y.if_contains(kv.key());
      if (!o || !json_equal(kv.value(), *o)) return false;
    }
    return true;
  }
  return a == b;
}

std::string pointer_append(const std::string& ptr, std::string_view key) {
  std::string out = ptr + "/";
  for (const char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

const json::value& json_schema::resolve(std::string_view ref) const {
  if (ref.empty() || ref.front() != '#')
    throw std::invalid_argument("only local references are supported: " + std::string(ref));
  std::error_code ec;
  const auto* v = root_.find_pointer(ref.substr(1), ec);
  if (!v) throw std::invalid_argument("unresolved reference: " + std::string(ref));
  return *v;
}

std::vector<schema_error> json_schema::validate(const json::value& schema, const json::value& instance) const {
  std::vector<schema_error> out;
  check(schema, instance, "", out, 0);
  return out;
}

bool json_schema::passes(const json::value& schema, const json::value& v, int depth) const {
  std::vector<schema_error> errs;
  check(schema, v, "", errs, depth);
  return errs.empty();
}

void json_schema::check(const json::value& schema, const json::value& v, const std::string& ptr,
                        std::vector<schema_error>& out, int depth) const {
  auto fail = [&](std::string msg) { out.push_back({ptr, std::move(msg)}); };
  if (depth > max_depth) return fail("schema nests deeper than " + std::to_string(max_depth) + " (a $ref cycle?)");
  if (schema.is_bool()) {
    if (!schema.get_bool()) fail("no value is allowed here");
    return;
  }
  if (!schema.is_object()) return fail("the schema is not an object");
  const auto& s = schema.get_object();

  for (const auto& kv : s) {
    const std::string_view k = kv.key();
    const auto& a = kv.value();
    if (is_annotation(k)) continue;
    if (k == "$ref") {
      check(resolve(a.as_string()), v, ptr, out, depth + 1);
    } else if (k == "type") {
      bool ok = false;
      if (a.is_string()) {
        ok = has_type(v, a.get_string());
      } else {
        for (const auto& t : a.as_array()) ok = ok || has_type(v, t.as_string());
      }
      if (!ok) fail("is " + kind_of(v) + ", expected type " + json::serialize(a));
    } else if (k == "const") {
      if (!json_equal(a, v)) fail("is " + json::serialize(v) + ", expected " + json::serialize(a));
    } else if (k == "enum") {
      bool ok = false;
      for (const auto& e : a.as_array()) ok = ok || json_equal(e, v);
      if (!ok) fail("is " + json::serialize(v) + ", not one of " + json::serialize(a));
    } else if (k == "properties") {
      if (!v.is_object()) continue;
      for (const auto& p : a.as_object())
        if (const auto* pv = v.get_object().if_contains(p.key()))
          check(p.value(), *pv, pointer_append(ptr, p.key()), out, depth + 1);
    } else if (k == "required") {
      if (!v.is_object()) continue;
      for (const auto& r : a.as_array())
        if (!v.get_object().contains(r.as_string()))
          fail("lacks required property \"" + std::string(r.as_string()) + "\"");
    } else if (k == "additionalProperties") {
      if (!v.is_object()) continue;
      const auto* props = s.if_contains("properties");
      for (const auto& p : v.get_object()) {
        if (props && props->as_object().contains(p.key())) continue;
        if (a.is_bool() && !a.get_bool()) out.push_back({pointer_append(ptr, p.key()), "is not a documented property"});
        else check(a, p.value(), pointer_append(ptr, p.key()), out, depth + 1);
      }
    } else if (k == "propertyNames") {
      if (!v.is_object()) continue;
      for (const auto& p : v.get_object()) {
        std::vector<schema_error> errs;
        check(a, json::value(p.key()), "", errs, depth + 1);
        for (auto& e : errs) out.push_back({pointer_append(ptr, p.key()), "property name " + e.message});
      }
    } else if (k == "minProperties" || k == "maxProperties") {
      if (!v.is_object()) continue;
      const auto n = static_cast<std::int64_t>(v.get_object().size());
      if (k == "minProperties" ? n < a.as_int64() : n > a.as_int64())
        fail("has " + std::to_string(n) + " properties, " + std::string(k) + " is " + json::serialize(a));
    } else if (k == "items") {
      if (!v.is_array()) continue;
      const auto& arr = v.get_array();
      for (std::size_t i = 0; i < arr.size(); ++i)
        check(a, arr[i], pointer_append(ptr, std::to_string(i)), out, depth + 1);
    } else if (k == "minItems" || k == "maxItems") {
      if (!v.is_array()) continue;
      const auto n = static_cast<std::int64_t>(v.get_array().size());
      if (k == "minItems" ? n < a.as_int64() : n > a.as_int64())
        fail("has " + std::to_string(n) + " items, " + std::string(k) + " is " + json::serialize(a));
    } else if (k == "minimum" || k == "maximum" || k == "exclusiveMinimum" || k == "exclusiveMaximum") {
      if (!v.is_number()) continue;
      const auto n = number_of(v), lim = number_of(a);
      const bool ok = k == "minimum"            ? n >= lim
                      : k == "maximum"          ? n <= lim
                      : k == "exclusiveMinimum" ? n > lim
                                                : n < lim;
      if (!ok) fail("is " + json::serialize(v) + ", " + std::string(k) + " is " + json::serialize(a));
    } else if (k == "minLength" || k == "maxLength") {
      if (!v.is_string()) continue;
      const auto n = static_cast<std::int64_t>(code_points(v.get_string()));
      if (k == "minLength" ? n < a.as_int64() : n > a.as_int64())
        fail("has " + std::to_string(n) + " characters, " + std::string(k) + " is " + json::serialize(a));
    } else if (k == "pattern") {
      if (!v.is_string()) continue;
      const std::string_view str = v.get_string();
      if (!std::regex_search(str.begin(), str.end(), pattern(std::string(a.as_string()))))
        fail(json::serialize(v) + " does not match " + json::serialize(a));
    } else if (k == "format") {
      const std::string_view f = a.as_string();
      if (f == "date-time" && v.is_string() && !is_date_time(v.get_string()))
        fail(json::serialize(v) + " is not an RFC 3339 date-time");
      if (f == "date" && v.is_string() && !is_date(v.get_string()))
        fail(json::serialize(v) + " is not a date YYYY-MM-DD");
      if (f == "int64" && v.is_number() &&
          !fits(v, static_cast<long double>(std::numeric_limits<std::int64_t>::min()),
                static_cast<long double>(std::numeric_limits<std::int64_t>::max())))
        fail(json::serialize(v) + " does not fit int64");
      if (f == "int32" && v.is_number() &&
          !fits(v, std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()))
        fail(json::serialize(v) + " does not fit int32");
    } else if (k == "allOf") {
      for (const auto& sub : a.as_array()) check(sub, v, ptr, out, depth + 1);
    } else if (k == "anyOf" || k == "oneOf") {
      std::size_t matched = 0;
      for (const auto& sub : a.as_array()) matched += passes(sub, v, depth + 1) ? 1 : 0;
      if (k == "anyOf" && matched == 0) fail("matches none of anyOf");
      if (k == "oneOf" && matched != 1) fail("matches " + std::to_string(matched) + " of oneOf, expected exactly 1");
    } else if (k == "not") {
      if (passes(a, v, depth + 1)) fail("matches a schema under \"not\"");
    } else if (k == "if") {
      const auto* then_s = s.if_contains("then");
      const auto* else_s = s.if_contains("else");
      if (passes(a, v, depth + 1)) {
        if (then_s) check(*then_s, v, ptr, out, depth + 1);
      } else if (else_s) {
        check(*else_s, v, ptr, out, depth + 1);
      }
    } else if (k == "then" || k == "else") {
      // Applied with "if".
    } else {
      fail("the schema uses keyword \"" + std::string(k) + "\", which this validator does not support");
    }
  }
}

}  // namespace cunji::test
