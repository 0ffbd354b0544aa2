// fuzz_json_fields: bytes -> server::parse_json -> server::fields with the allowed-field sets
// the routes use, every typed getter on every name; then the decoded values through the core
// rules the routes feed them to (validate_registration, fee schedule validate, price_order).
//
// Properties checked besides sanitizer reports:
//   - parse_json never returns a value nested deeper than max_json_depth;
//   - fields reports exactly the unknown keys, and each getter agrees with the JSON type;
//   - text::utf8_length agrees with an independent strict UTF-8 decoder;
//   - a registration validate_registration accepts obeys the API's limits;
//   - for a schedule validate() accepts, price_order on the largest orders the API allows does
//     not overflow and splits the money consistently.
#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/account.hpp"
#include "core/catalog.hpp"
#include "core/fees.hpp"
#include "core/text.hpp"
#include "fuzz/fuzz_check.hpp"
#include "server/json_input.hpp"

namespace {

using namespace cunji;
namespace json = boost::json;
// An allowed-field set of a route: its names, and a fields reader made with exactly that
// list (fields takes an initializer_list, which cannot be kept in a table itself).
struct allowed_set {
  std::vector<std::string_view> names;
  server::fields (*make)(const json::object&);
};
#define CUNJI_FUZZ_SET(...)                                                               \
  allowed_set {                                                                           \
    {__VA_ARGS__}, [](const json::object& o) { return server::fields(o, {__VA_ARGS__}); } \
  }

// The allowed-field sets of the routes (server/routes/*.cpp).
const std::vector<allowed_set>& allowed_sets() {
  static const std::vector<allowed_set> sets{
      CUNJI_FUZZ_SET("role", "name", "phone", "password", "village_id"),  // POST /v1/accounts
      CUNJI_FUZZ_SET("name", "phone", "password", "village_id"),          // POST /v1/partners
      CUNJI_FUZZ_SET("phone", "password"),                                // POST /v1/sessions
      CUNJI_FUZZ_SET("name", "province", "poverty_stricken"),             // counties
      CUNJI_FUZZ_SET("county_id", "name"),                                // POST /v1/villages
      CUNJI_FUZZ_SET("name", "phone"),                                    // POST /v1/villagers
      CUNJI_FUZZ_SET("name", "description", "villager_id"),               // POST /v1/shops (partner)
      CUNJI_FUZZ_SET("name", "description", "status"),                    // PATCH /v1/shops/{id}
      CUNJI_FUZZ_SET("title", "description", "category", "unit", "price_fen", "stock", "status"),  // listings
      CUNJI_FUZZ_SET("shop_id", "items", "delivery", "villager_id"),                               // POST /v1/orders
      CUNJI_FUZZ_SET("listing_id", "quantity"),                                                    // an order line
      CUNJI_FUZZ_SET("method", "address"),                                                         // delivery
      CUNJI_FUZZ_SET("method", "reference"),                                                       // pay
      CUNJI_FUZZ_SET("tracking"),                                                                  // ship
      CUNJI_FUZZ_SET("reason"),                                                                    // cancel
      allowed_set{{}, [](const json::object& o) { return server::fields(o, {}); }},                // deliver
      CUNJI_FUZZ_SET("platform_commission_bps", "category_commission_bps", "poverty_county_commission_bps",
                     "assisted_buying_fee_bps", "assisted_selling_fee_bps", "address_delivery_fee_fen",
                     "taobao_village_min_shops", "taobao_village_min_gmv_fen"),  // PUT /v1/fee-schedule
  };
  return sets;
}
#undef CUNJI_FUZZ_SET

// Strict UTF-8 (RFC 3629): the number of code points, or nullopt.
std::optional<std::size_t> reference_utf8_length(std::string_view s) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++count) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 <= 0x7F) {
      len = 1;
    } else if (b0 >= 0xC2 && b0 <= 0xDF) {
      len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      len = 3;
      if (b0 == 0xE0) lo = 0xA0;
      if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      len = 4;
      if (b0 == 0xF0) lo = 0x90;
      if (b0 == 0xF4) hi = 0x8F;
    } else {
      return std::nullopt;
    }
    if (s.size() - i < len) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return std::nullopt;
    }
    i += len;
  }
  return count;
}

void check_text(std::string_view s) {
  const auto got = text::utf8_length(s);
  const auto want = reference_utf8_length(s);
  FUZZ_CHECK(got == want, "utf8_length disagrees with strict UTF-8 on %zu bytes (%d/%zu vs %d/%zu)", s.size(),
             got.has_value(), got.value_or(0), want.has_value(), want.value_or(0));
  bool ctl = false;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    ctl = ctl || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
  }
  FUZZ_CHECK(text::has_control_chars(s) == ctl, "has_control_chars");
}

std::size_t depth(const json::value& v) {
  std::size_t d = 0;
  if (v.is_object())
    for (const auto& kv : v.get_object()) d = std::max(d, depth(kv.value()));
  else if (v.is_array())
    for (const auto& e : v.get_array()) d = std::max(d, depth(e));
  else return 0;
  return d + 1;
}

void walk_strings(const json::value& v) {
  if (v.is_string()) check_text(v.get_string());
  if (v.is_object())
    for (const auto& kv : v.get_object()) {
      check_text(kv.key());
      walk_strings(kv.value());
    }
  if (v.is_array())
    for (const auto& e : v.get_array()) walk_strings(e);
}

// Every getter on every name: each must agree with the value's JSON type.
void exercise_fields(const json::object& obj, const allowed_set& allowed) {
  server::fields f = allowed.make(obj);
  std::size_t unknown = 0;
  for (const auto& kv : obj)
    if (std::find(allowed.names.begin(), allowed.names.end(), kv.key()) == allowed.names.end()) ++unknown;
  FUZZ_CHECK(f.errors().size() == unknown, "fields reported %zu unknown keys, want %zu", f.errors().size(), unknown);

  std::vector<std::string> names(allowed.names.begin(), allowed.names.end());
  for (const auto& kv : obj) names.emplace_back(kv.key());
  names.emplace_back("absent-field");
  for (const auto& name : names) {
    const auto it = obj.find(name);
    const json::value* v = (it == obj.end() || it->value().is_null()) ? nullptr : &it->value();
    FUZZ_CHECK(f.has(name) == (v != nullptr), "has(%s)", name.c_str());
    const auto before = f.errors().size();
    const auto s = f.str(name, false);
    FUZZ_CHECK(s.has_value() == (v && v->is_string()), "str(%s)", name.c_str());
    if (s) FUZZ_CHECK(*s == std::string_view(v->get_string()), "str(%s) value", name.c_str());
    // Integers: an int64, or a double with an integral value that a double holds exactly
    // (|d| <= 2^53: `1.0`, `2e0`).
    const bool integral_double = v && v->is_double() && std::isfinite(v->get_double()) &&
                                 std::floor(v->get_double()) == v->get_double() &&
                                 std::fabs(v->get_double()) <= 9007199254740992.0;
    const auto i = f.integer(name, false);
    FUZZ_CHECK(i.has_value() == (v && (v->is_int64() || integral_double)), "integer(%s)", name.c_str());
    if (i)
      FUZZ_CHECK(*i == (v->is_int64() ? v->get_int64() : static_cast<std::int64_t>(v->get_double())),
                 "integer(%s) value", name.c_str());
    const auto b = f.boolean(name, false);
    FUZZ_CHECK(b.has_value() == (v && v->is_bool()), "boolean(%s)", name.c_str());
    const auto* o = f.object(name, false);
    FUZZ_CHECK((o != nullptr) == (v && v->is_object()), "object(%s)", name.c_str());
    const auto* a = f.array(name, false);
    FUZZ_CHECK((a != nullptr) == (v && v->is_array()), "array(%s)", name.c_str());
    // Absent or null: no error when optional. Present: one error from each getter that did
    // not accept it (all five for a fractional double or an integer beyond int64).
    const std::size_t accepted = s.has_value() + i.has_value() + b.has_value() + (o != nullptr) + (a != nullptr);
    FUZZ_CHECK(accepted <= 1, "%zu getters accepted %s", accepted, name.c_str());
    const auto added = f.errors().size() - before;
    FUZZ_CHECK(added == (v ? 5u - accepted : 0u), "getters on %s added %zu errors", name.c_str(), added);
    const auto r = f.str(name, true);
    FUZZ_CHECK(f.errors().size() - before == added + (r ? 0u : 1u), "required str(%s)", name.c_str());
  }
  FUZZ_CHECK(f.ok() == f.errors().empty(), "ok()");
}

void check_registration(const json::object& obj) {
  server::fields f(obj, {"role", "name", "phone", "password", "village_id"});
  registration r;
  if (auto role_text = f.str("role", false))
    if (auto parsed = parse_role(*role_text)) r.role = *parsed;
  r.name = f.str("name", false).value_or("");
  r.phone = f.str("phone", false).value_or("");
  r.password = f.str("password", false).value_or("");
  r.village_id = f.integer("village_id", false);
  const auto errors = validate_registration(r);
  if (errors.empty()) {
    FUZZ_CHECK(r.role != role::admin, "an admin registration was accepted");
    const auto name_len = reference_utf8_length(r.name);
    FUZZ_CHECK(name_len && *name_len >= 1 && *name_len <= 50, "accepted name of bad length");
    FUZZ_CHECK(r.name.find_first_not_of(" \t\r\n") != std::string::npos, "accepted blank name");
    FUZZ_CHECK(r.phone.size() >= 5 && r.phone.size() <= 20, "accepted phone of bad length");
    const auto pw_len = reference_utf8_length(r.password);
    FUZZ_CHECK(pw_len && *pw_len >= 8 && *pw_len <= 128, "accepted password of bad length");
    FUZZ_CHECK(!r.village_id || *r.village_id > 0, "accepted village_id <= 0");
    FUZZ_CHECK(r.role == role::buyer || r.village_id, "accepted a farmer or partner without a village");
  }
  for (const auto& e : errors) FUZZ_CHECK(!e.field.empty() && !e.message.empty(), "empty field error");
}

// The largest order the API allows (50 lines x 10,000 x 100,000,000 fen) and the JSON's own
// lines, clamped to the API's ranges.
void price_orders(const fee_schedule& s, const json::object& obj) {
  std::vector<std::vector<priced_line>> orders;
  orders.emplace_back();
  for (int k = 0; k < 50; ++k)
    orders.back().push_back(
        {100'000'000, 10'000, std::string(categories[static_cast<std::size_t>(k) % categories.size()])});
  orders.emplace_back();
  if (auto it = obj.find("items"); it != obj.end() && it->value().is_array()) {
    std::size_t k = 0;
    for (const auto& e : it->value().get_array()) {
      if (k++ == 50) break;
      if (!e.is_object()) continue;
      const auto& o = e.get_object();
      auto num = [&](std::string_view n, std::int64_t lo, std::int64_t hi) {
        auto f = o.find(n);
        if (f == o.end() || !f->value().is_int64()) return lo;
        return std::clamp(f->value().get_int64(), lo, hi);
      };
      orders.back().push_back({num("price_fen", 1, 100'000'000), num("quantity", 1, 10'000),
                               std::string(categories[static_cast<std::size_t>(num("listing_id", 0, 11))])});
    }
  }
  for (auto& lines : orders) {
    for (int variant = 0; variant < 4; ++variant) {
      pricing_input in;
      in.poverty_relief = variant & 1;
      in.delivery = (variant & 2) ? delivery_method::address : delivery_method::station_pickup;
      if (variant & 2) in.assisting_buyer_partner = 7;
      if (variant & 1) in.shop_partner = 8;
      const auto m = price_order(lines, in, s);
      std::int64_t sub = 0, com = 0;
      for (const auto& l : lines) {
        FUZZ_CHECK(l.line_total_fen == l.unit_price_fen * l.quantity, "line total");
        FUZZ_CHECK(l.commission_fen >= 0 && l.commission_fen <= l.line_total_fen, "line commission out of range");
        sub += l.line_total_fen;
        com += l.commission_fen;
      }
      FUZZ_CHECK(m.subtotal_fen == sub && m.platform_commission_fen == com, "sums");
      FUZZ_CHECK(m.total_fen == m.subtotal_fen + m.delivery_fee_fen, "total");
      FUZZ_CHECK(m.shop_proceeds_fen == m.subtotal_fen - m.platform_commission_fen && m.shop_proceeds_fen >= 0,
                 "proceeds");
      for (const auto& pf : m.partner_fees)
        FUZZ_CHECK(pf.amount_fen >= 0 && pf.amount_fen <= m.subtotal_fen, "partner fee out of range");
      (void)m.platform_net_fen();
    }
  }
}

void check_fee_schedule(const json::object& obj) {
  server::fields f = allowed_sets().back().make(obj);
  const auto s = server::read_fee_schedule(f);  // the route's own decoder
  if (!f.ok()) return;
  const auto errors = validate(s);
  if (!errors.empty()) return;
  for (auto bps : {s.platform_commission_bps, s.poverty_county_commission_bps, s.assisted_buying_fee_bps,
                   s.assisted_selling_fee_bps})
    FUZZ_CHECK(bps >= 0 && bps <= max_bps, "accepted rate out of range");
  for (const auto& [cat, bps] : s.category_commission_bps)
    FUZZ_CHECK(is_category(cat) && bps >= 0 && bps <= max_bps, "accepted category rate");
  FUZZ_CHECK(s.address_delivery_fee_fen >= 0 && s.address_delivery_fee_fen <= max_delivery_fee_fen, "delivery fee");
  price_orders(s, obj);
}

void exercise_object(const json::object& obj, int nesting) {
  for (const auto& set : allowed_sets()) exercise_fields(obj, set);
  check_registration(obj);
  check_fee_schedule(obj);
  if (nesting >= 3) return;  // the routes read at most items[i] and delivery
  for (const auto& kv : obj) {
    if (kv.value().is_object()) exercise_object(kv.value().get_object(), nesting + 1);
    if (kv.value().is_array())
      for (const auto& e : kv.value().get_array())
        if (e.is_object()) exercise_object(e.get_object(), nesting + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  std::string why;
  const auto v = server::parse_json(body, &why);
  if (!v) {
    FUZZ_CHECK(!why.empty(), "parse_json failed without a reason");
    return 0;
  }
  FUZZ_CHECK(depth(*v) <= server::max_json_depth, "parse_json accepted nesting %zu > %zu", depth(*v),
             server::max_json_depth);
  walk_strings(*v);
  if (v->is_object()) exercise_object(v->get_object(), 0);
  if (v->is_array())
    for (const auto& e : v->get_array())
      if (e.is_object()) exercise_object(e.get_object(), 1);
  return 0;
}
