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
      if (kv.value().is_int64())
        s.category_commission_bps[std::string(kv.key())] = kv.value().get_int64();
      else
        f.add("category_commission_bps." + std::string(kv.key()), "must be an integer");
    }
  }
  return s;
}

}  // namespace cunji::server
