#include "server/json_input.hpp"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>
#include <cmath>

#include "core/text.hpp"

namespace cunji::server {

namespace {

// Builds the value as json::parser does, and counts the members read into objects. An object
// keeps one member per key (the last value of a repeated key), so a repeated key anywhere
// shows as fewer members in the value than were read.
struct counting_handler {
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();
  using ec_t = json::error_code;
  using sv = json::string_view;

  json::value_stack st;
  std::size_t members = 0;

  bool on_document_begin(ec_t&) { return true; }
  bool on_document_end(ec_t&) { return true; }
  bool on_object_begin(ec_t&) { return true; }
  bool on_object_end(std::size_t n, ec_t&) {
    st.push_object(n);
    members += n;
    return true;
  }
  bool on_array_begin(ec_t&) { return true; }
  bool on_array_end(std::size_t n, ec_t&) { return st.push_array(n), true; }
  bool on_key_part(sv s, std::size_t, ec_t&) { return st.push_chars(s), true; }
  bool on_key(sv s, std::size_t, ec_t&) { return st.push_key(s), true; }
  bool on_string_part(sv s, std::size_t, ec_t&) { return st.push_chars(s), true; }
  bool on_string(sv s, std::size_t, ec_t&) { return st.push_string(s), true; }
  bool on_number_part(sv, ec_t&) { return true; }
  bool on_int64(std::int64_t i, sv, ec_t&) { return st.push_int64(i), true; }
  bool on_uint64(std::uint64_t u, sv, ec_t&) { return st.push_uint64(u), true; }
  bool on_double(double d, sv, ec_t&) { return st.push_double(d), true; }
  bool on_bool(bool b, ec_t&) { return st.push_bool(b), true; }
  bool on_null(ec_t&) { return st.push_null(), true; }
  bool on_comment_part(sv, ec_t&) { return true; }
  bool on_comment(sv, ec_t&) { return true; }
};

// The members of every object in `v` (nesting is bounded by max_json_depth).
std::size_t members_of(const json::value& v) {
  std::size_t n = 0;
  if (const auto* o = v.if_object()) {
    n = o->size();
    for (const auto& kv : *o) n += members_of(kv.value());
  } else if (const auto* a = v.if_array()) {
    for (const auto& e : *a) n += members_of(e);
  }
  return n;
}

}  // namespace

std::optional<json::value> parse_json(std::string_view body, std::string* why) {
  json::parse_options opts;
  opts.max_depth = max_json_depth;
  json::basic_parser<counting_handler> p(opts);
  p.handler().st.reset();
  json::error_code ec;
  const auto used = p.write_some(false, body.data(), body.size(), ec);
  if (!ec && used < body.size()) ec = json::error::extra_data;
  if (ec) {
    if (why) *why = ec.message();
    return std::nullopt;
  }
  auto v = p.handler().st.release();
  if (members_of(v) != p.handler().members) {
    if (why) *why = "an object has a repeated key";
    return std::nullopt;
  }
  return v;
}

std::optional<integral> integral_of(const json::value& v) noexcept {
  if (v.is_int64()) return integral{v.get_int64()};
  if (v.is_uint64()) return integral{0, false};
  if (!v.is_double()) return std::nullopt;
  constexpr double exact = 9007199254740992.0;  // 2^53: every integer up to here is a double
  const double d = v.get_double();
  if (!std::isfinite(d) || std::trunc(d) != d) return std::nullopt;
  if (d > exact || d < -exact) return integral{0, false};
  return integral{static_cast<std::int64_t>(d)};
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

std::optional<std::string> fields::trimmed(std::string_view name, bool required) {
  auto s = str(name, required);
  if (s) *s = std::string(text::trim(*s));
  return s;
}

std::optional<std::int64_t> fields::integer(std::string_view name, bool required, std::int64_t min, std::int64_t max) {
  const auto* v = get(name, required);
  if (!v) return std::nullopt;
  const auto n = integral_of(*v);
  if (n && n->fits && n->value >= min && n->value <= max) return n->value;
  const bool whole_range = min == std::numeric_limits<std::int64_t>::min() &&
                           max == std::numeric_limits<std::int64_t>::max();
  if (!n && whole_range) add(std::string(name), "must be an integer");
  else add(std::string(name), "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  return std::nullopt;
}

std::optional<std::int64_t> fields::id(std::string_view name, bool required) {
  return integer(name, required, 1, std::numeric_limits<std::int64_t>::max());
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

fee_schedule read_fee_schedule(fields& f) {
  fee_schedule s;
  auto read = [&](const char* name, std::int64_t& out) {
    if (auto v = f.integer(name, true)) out = *v;
  };
  read("platform_commission_bps", s.platform_commission_bps);
  read("poverty_county_commission_bps", s.poverty_county_commission_bps);
  read("assisted_buying_fee_bps", s.assisted_buying_fee_bps);
  read("assisted_selling_fee_bps", s.assisted_selling_fee_bps);
  read("address_delivery_fee_fen", s.address_delivery_fee_fen);
  read("taobao_village_min_shops", s.taobao_village_min_shops);
  read("taobao_village_min_gmv_fen", s.taobao_village_min_gmv_fen);
  read("unpaid_timeout_minutes", s.unpaid_timeout_minutes);
  read("auto_deliver_days", s.auto_deliver_days);
  read("station_hold_days", s.station_hold_days);
  if (const auto* cats = f.object("category_commission_bps", true)) {
    for (const auto& kv : *cats) {
      if (const auto n = integral_of(kv.value()); n && n->fits)
        s.category_commission_bps[std::string(kv.key())] = n->value;
      else f.add("category_commission_bps." + std::string(kv.key()), "must be an integer");
    }
  }
  return s;
}

}  // namespace cunji::server
