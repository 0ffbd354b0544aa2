#include "tools/demo_market.hpp"

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <initializer_list>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "core/catalog.hpp"

namespace cunji::embedded {
const std::vector<std::pair<std::string_view, std::string_view>>& demo_data();
}

namespace cunji::tools {

namespace {

namespace json = boost::json;

// Thrown while reading and turned into an error by parse_demo_market; `where` is a path such
// as counties[3].produce[1].
struct bad_market : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& where, std::string_view what) {
  throw bad_market(fmt::format("{}: {}", where, what));
}

const json::object& object_of(const json::value& v, const std::string& where,
                              std::initializer_list<std::string_view> keys) {
  if (!v.is_object()) fail(where, "not an object");
  for (const auto& kv : v.get_object())
    if (std::find(keys.begin(), keys.end(), kv.key()) == keys.end())
      fail(where, fmt::format("unknown key {}", kv.key()));
  return v.get_object();
}

const json::value& field(const json::object& o, std::string_view key, const std::string& where) {
  const auto* v = o.if_contains(key);
  if (!v) fail(where, fmt::format("no {}", key));
  return *v;
}

const json::array& array_of(const json::value& v, const std::string& where) {
  if (!v.is_array() || v.get_array().empty()) fail(where, "not a non-empty array");
  return v.get_array();
}

std::string text(const json::value& v, const std::string& where) {
  if (!v.is_string()) fail(where, "not a string");
  return std::string(v.get_string());
}

std::int64_t integer(const json::value& v, const std::string& where) {
  if (!v.is_int64()) fail(where, "not an integer");
  return v.get_int64();
}

std::vector<std::string> texts(const json::value& v, const std::string& where) {
  std::vector<std::string> out;
  for (const auto& x : array_of(v, where)) out.push_back(text(x, where));
  return out;
}

std::string category(const json::value& v, const std::string& where) {
  auto c = text(v, where);
  if (!is_category(c)) fail(where, fmt::format("unknown category {}", c));
  return c;
}

pack price_range(std::string label, std::string unit, const json::value& min, const json::value& max,
                 const std::string& where) {
  pack p{std::move(label), std::move(unit), integer(min, where), integer(max, where)};
  if (!is_unit(p.unit)) fail(where, fmt::format("unknown unit {}", p.unit));
  if (p.min_fen < price_min_fen || p.max_fen < p.min_fen || p.max_fen > price_max_fen) fail(where, "bad price range");
  return p;
}

using pack_sets = std::map<std::string, std::vector<pack>, std::less<>>;

pack_sets read_packs(const json::value& v) {
  if (!v.is_object()) fail("packs", "not an object");
  pack_sets out;
  for (const auto& [name, list] : v.get_object()) {
    const auto where = fmt::format("packs.{}", std::string_view(name));
    auto& set = out[std::string(name)];
    for (const auto& p : array_of(list, where)) {
      if (!p.is_array() || p.get_array().size() != 4) fail(where, "a pack is [label, unit, min_fen, max_fen]");
      const auto& a = p.get_array();
      set.push_back(price_range(text(a[0], where), text(a[1], where), a[2], a[3], where));
    }
  }
  return out;
}

product read_product(const json::value& v, const pack_sets& packs, const std::string& where) {
  const auto& o = object_of(v, where, {"name", "category", "blurb", "packs", "weight"});
  product p;
  p.name = text(field(o, "name", where), where);
  p.category = category(field(o, "category", where), where);
  p.blurb = text(field(o, "blurb", where), where);
  const auto set = packs.find(text(field(o, "packs", where), where));
  if (set == packs.end()) fail(where, "no such pack set");
  p.packs = set->second;
  if (const auto* w = o.if_contains("weight")) {
    const auto weight = integer(*w, where);
    if (weight < 1 || weight > 100) fail(where, "weight out of 1..100");
    p.weight = static_cast<int>(weight);
  }
  return p;
}

std::vector<product> read_products(const json::value& v, const pack_sets& packs, const std::string& where) {
  std::vector<product> out;
  for (const auto& p : array_of(v, where))
    out.push_back(read_product(p, packs, fmt::format("{}[{}]", where, out.size())));
  return out;
}

name_style read_names(const json::object& o, const std::string& where) {
  const auto* v = o.if_contains("names");
  if (!v) return name_style::han;
  const auto s = text(*v, where);
  if (s == "han") return name_style::han;
  if (s == "kazakh") return name_style::kazakh;
  if (s == "mongol") return name_style::mongol;
  fail(where, fmt::format("unknown names {}", s));
}

demo_county read_county(const json::value& v, const pack_sets& packs, const std::string& where) {
  const auto& o = object_of(v, where, {"name", "province", "poverty", "names", "villages", "produce"});
  demo_county c;
  c.name = text(field(o, "name", where), where);
  c.province = text(field(o, "province", where), where);
  const auto& poverty = field(o, "poverty", where);
  if (!poverty.is_bool()) fail(where, "poverty is not true or false");
  c.poverty = poverty.get_bool();
  c.people = read_names(o, where);
  c.villages = texts(field(o, "villages", where), where + ".villages");
  c.produce = read_products(field(o, "produce", where), packs, where + ".produce");
  return c;
}

english_listing read_english(const json::value& v, const demo_market& m, const std::string& where) {
  const auto& o = object_of(v, where, {"county", "title", "description", "category", "unit", "price_fen"});
  english_listing e;
  if (const auto* county = o.if_contains("county")) {
    e.county = text(*county, where);
    const auto named = [&e](const demo_county& c) { return c.name == e.county; };
    if (std::none_of(m.counties.begin(), m.counties.end(), named)) fail(where, "no such county");
  }
  e.title = text(field(o, "title", where), where);
  e.description = text(field(o, "description", where), where);
  e.category = category(field(o, "category", where), where);
  const auto& range = array_of(field(o, "price_fen", where), where);
  if (range.size() != 2) fail(where, "price_fen is [min, max]");
  e.price = price_range("", text(field(o, "unit", where), where), range[0], range[1], where);
  return e;
}

void read_market(const json::value& root, demo_market& m) {
  const auto& o = object_of(
      root, "market",
      {"packs", "adjectives", "common_produce", "english_listings", "counties", "names", "farmer_shop_names"});
  const auto packs = read_packs(field(o, "packs", "market"));
  const auto& adjectives = field(o, "adjectives", "market");
  if (!adjectives.is_object()) fail("adjectives", "not an object");
  for (const auto& [cat, words] : adjectives.get_object()) {
    const auto where = fmt::format("adjectives.{}", std::string_view(cat));
    if (!is_category(cat)) fail(where, "unknown category");
    m.adjectives[std::string(cat)] = texts(words, where);
  }
  if (!m.adjectives.count("other")) fail("adjectives", "no other");
  m.common_produce = read_products(field(o, "common_produce", "market"), packs, "common_produce");
  for (const auto& c : array_of(field(o, "counties", "market"), "counties"))
    m.counties.push_back(read_county(c, packs, fmt::format("counties[{}]", m.counties.size())));
  for (const auto& e : array_of(field(o, "english_listings", "market"), "english_listings"))
    m.english_listings.push_back(read_english(e, m, fmt::format("english_listings[{}]", m.english_listings.size())));
  const auto& n = object_of(field(o, "names", "market"), "names",
                            {"han_surnames", "han_given", "kazakh_given", "kazakh_family", "mongol"});
  for (auto [key, list] : {std::pair{"han_surnames", &m.names.han_surnames}, std::pair{"han_given", &m.names.han_given},
                           std::pair{"kazakh_given", &m.names.kazakh_given},
                           std::pair{"kazakh_family", &m.names.kazakh_family}, std::pair{"mongol", &m.names.mongol}})
    *list = texts(field(n, key, "names"), fmt::format("names.{}", key));
  m.farmer_shop_names = texts(field(o, "farmer_shop_names", "market"), "farmer_shop_names");
}

}  // namespace

const std::vector<std::string>& demo_market::adjectives_for(std::string_view category) const {
  const auto it = adjectives.find(category);
  return it != adjectives.end() ? it->second : adjectives.find("other")->second;
}

result<demo_market> parse_demo_market(std::string_view text) {
  boost::system::error_code ec;
  const auto root = json::parse(text, ec);
  if (ec) return error{errc::validation_failed, "demo market: not JSON: " + ec.message()};
  demo_market m;
  try {
    read_market(root, m);
  } catch (const bad_market& e) {
    return error{errc::validation_failed, std::string("demo market: ") + e.what()};
  }
  return m;
}

const demo_market& embedded_demo_market() {
  static const demo_market m = [] {
    auto parsed = parse_demo_market(embedded::demo_data().at(0).second);
    if (!parsed) throw std::runtime_error(parsed.err().detail);
    return std::move(parsed).value();
  }();
  return m;
}

}  // namespace cunji::tools
