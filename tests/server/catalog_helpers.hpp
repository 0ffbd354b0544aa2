#pragma once
// Helpers for the catalog tests (regions, villagers, shops, listings) over HTTP: making
// regions, partners, shops and listings through the API, reading lists, walking cursors.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "test_client.hpp"

namespace cunji::test::catalog {

namespace json = boost::json;

// Percent-encodes everything but RFC 3986 unreserved characters, for query strings.
inline std::string pct(const std::string& s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

inline std::string to_body(const json::object& o) { return json::serialize(o); }

// A string of `n` copies of `unit`.
inline std::string repeat(const std::string& unit, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += unit;
  return out;
}

inline std::vector<std::string> error_fields(const reply& r) { return r.error_fields(); }

inline std::vector<std::string> fields_of(std::initializer_list<const char*> names) {
  return std::vector<std::string>(names.begin(), names.end());
}

inline std::int64_t id_of(const reply& r) { return r.json().at("id").as_int64(); }

inline std::vector<std::int64_t> ids_of(const reply& r) {
  std::vector<std::int64_t> out;
  for (const auto doc = r.json(); const auto& item : doc.at("items").as_array())
    out.push_back(item.at("id").as_int64());
  return out;
}

inline std::optional<std::string> next_cursor_of(const reply& r) {
  const auto doc = r.json();
  const auto& nc = doc.at("next_cursor");
  if (nc.is_null()) return std::nullopt;
  return std::string(nc.as_string());
}

// Keys of a JSON object, sorted.
inline std::vector<std::string> keys_of(const json::value& v) {
  std::vector<std::string> out;
  for (const auto& kv : v.as_object()) out.emplace_back(kv.key());
  std::sort(out.begin(), out.end());
  return out;
}

inline reply patch(test_server& s, const std::string& target, const std::string& body, const std::string& token,
                   const header_list& extra = {}) {
  header_list h;
  if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
  h.emplace_back("Content-Type", "application/json");
  for (const auto& e : extra) h.push_back(e);
  return s.send(http::verb::patch, target, body, h);
}

// Walks a list from `target` (with or without a query string) by its cursors; every page must
// be 200. Returns the ids in the order seen.
inline std::vector<std::int64_t> walk(test_server& s, const std::string& target, const std::string& token = "",
                                      int* pages_out = nullptr) {
  std::vector<std::int64_t> out;
  std::optional<std::string> cursor;
  const char sep = target.find('?') == std::string::npos ? '?' : '&';
  int pages = 0;
  do {
    const auto r = s.get(cursor ? target + sep + "cursor=" + pct(*cursor) : target, token);
    REQUIRE(r.status == 200);
    for (auto id : ids_of(r)) out.push_back(id);
    cursor = next_cursor_of(r);
    REQUIRE(++pages < 1000);
  } while (cursor);
  if (pages_out) *pages_out = pages;
  return out;
}

// Unique phone numbers for accounts made by these helpers.
inline std::string next_phone() {
  static int n = 0;
  return "+86137" + std::to_string(10000000 + n++);
}

// Regions and accounts made over the API by an admin.
struct world {
  test_server& s;
  std::string admin;

  explicit world(test_server& srv) : s(srv), admin(srv.admin_token()) {}

  std::int64_t county(bool poverty = false, const std::string& name = "城口县") {
    auto r = s.post("/v1/counties", to_body({{"name", name}, {"province", "重庆市"}, {"poverty_stricken", poverty}}),
                    admin);
    REQUIRE(r.status == 201);
    return id_of(r);
  }
  std::int64_t village(std::int64_t county_id, const std::string& name = "岚天村") {
    auto r = s.post("/v1/villages", to_body({{"county_id", county_id}, {"name", name}}), admin);
    REQUIRE(r.status == 201);
    return id_of(r);
  }
  // A partner for `village_id`, logged in: its token and account id.
  std::pair<std::string, std::int64_t> partner(std::int64_t village_id) {
    const auto phone = next_phone();
    auto r = s.post(
        "/v1/partners",
        to_body({{"name", "服务站站长"}, {"phone", phone}, {"password", "password1"}, {"village_id", village_id}}),
        admin);
    REQUIRE(r.status == 201);
    return {s.login(phone, "password1"), id_of(r)};
  }
  // A farmer of `village_id`, logged in: its token and account id.
  std::pair<std::string, std::int64_t> farmer(std::int64_t village_id) {
    const auto token = s.new_user("farmer", village_id);
    auto me = s.get("/v1/me", token);
    REQUIRE(me.status == 200);
    return {token, id_of(me)};
  }
  std::int64_t villager(const std::string& partner_token, const std::string& name = "李大爷") {
    auto r = s.post("/v1/villagers", to_body({{"name", name}}), partner_token);
    REQUIRE(r.status == 201);
    return id_of(r);
  }
  std::int64_t shop(const std::string& token, std::optional<std::int64_t> villager_id = std::nullopt,
                    const std::string& name = "老王果园") {
    json::object body{{"name", name}};
    if (villager_id) body["villager_id"] = *villager_id;
    auto r = s.post("/v1/shops", to_body(body), token);
    REQUIRE(r.status == 201);
    return id_of(r);
  }
  json::object listing(const std::string& token, std::int64_t shop_id, json::object fields = {}) {
    json::object body{
        {"title", "新鲜红富士苹果"}, {"category", "fruit"}, {"unit", "jin"}, {"price_fen", 1200}, {"stock", 100}};
    for (const auto& kv : fields) body[kv.key()] = kv.value();
    auto r = s.post("/v1/shops/" + std::to_string(shop_id) + "/listings", to_body(body), token);
    INFO(r.body);
    REQUIRE(r.status == 201);
    return r.json().as_object();
  }
  reply set_listing(const std::string& token, std::int64_t id, const json::object& fields) {
    return patch(s, "/v1/listings/" + std::to_string(id), to_body(fields), token);
  }
  reply set_shop(const std::string& token, std::int64_t id, const json::object& fields) {
    return patch(s, "/v1/shops/" + std::to_string(id), to_body(fields), token);
  }
  std::int64_t active_shops(std::int64_t village_id) {
    auto r = s.get("/v1/villages/" + std::to_string(village_id));
    REQUIRE(r.status == 200);
    return r.json().at("active_shops").as_int64();
  }
};

}  // namespace cunji::test::catalog
