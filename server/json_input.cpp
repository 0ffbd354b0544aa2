#include "server/json_input.hpp"

#include <algorithm>
#include <boost/json/parser.hpp>

namespace cunji::server {

std::optional<json::value> parse_json(std::string_view body, std::string* why) {
  json::parse_options opts;
  opts.max_depth = max_json_depth;
  json::parser p({}, opts);
  json::error_code ec;
  p.write(body.data(), body.size(), ec);
  if (ec) {
    if (why) *why = ec.message();
    return std::nullopt;
  }
  return p.release();
}

fields::fields(const json::object& obj, std::initializer_list<std::string_view> allowed) : obj_(obj) {
  for (const auto& kv : obj) {
    if (std::find(allowed.begin(), allowed.end(), kv.key()) == allowed.end())
      add(std::string(kv.key()), "is not a known field");
  }
}

bool fields::has(std::string_view name) const {
  auto it = obj_.find(name);
  return it != obj_.end() && !it->value().is_null();
}

const json::value* fields::get(std::string_view name, bool required) {
  auto it = obj_.find(name);
  if (it == obj_.end() || it->value().is_null()) {
    if (required) add(std::string(name), "is required");
    return nullptr;
  }
  return &it->value();
}

std::optional<std::string> fields::str(std::string_view name, bool required) {
  const auto* v = get(name, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    add(std::string(name), "must be a string");
    return std::nullopt;
  }
  return std::string(v->get_string());
}

std::optional<std::int64_t> fields::integer(std::string_view name, bool required) {
  const auto* v = get(name, required);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) {
    add(std::string(name), "is out of range");
    return std::nullopt;
  }
  add(std::string(name), "must be an integer");
  return std::nullopt;
}

std::optional<bool> fields::boolean(std::string_view name, bool required) {
  const auto* v = get(name, required);
  if (!v) return std::nullopt;
  if (!v->is_bool()) {
    add(std::string(name), "must be true or false");
    return std::nullopt;
  }
  return v->get_bool();
}

const json::object* fields::object(std::string_view name, bool required) {
  const auto* v = get(name, required);
  if (!v) return nullptr;
  if (!v->is_object()) {
    add(std::string(name), "must be an object");
    return nullptr;
  }
  return &v->get_object();
}

const json::array* fields::array(std::string_view name, bool required) {
  const auto* v = get(name, required);
  if (!v) return nullptr;
  if (!v->is_array()) {
    add(std::string(name), "must be an array");
    return nullptr;
  }
  return &v->get_array();
}

}  // namespace cunji::server
