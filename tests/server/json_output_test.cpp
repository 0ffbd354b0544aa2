// JSON written straight into strings (server/json_output.hpp): whatever goes in comes back out
// of a JSON parser unchanged.
#include "server/json_output.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <random>
#include <string>

using namespace cunji;
using namespace cunji::server;

namespace {
// Random text: ASCII (every control character included), quotes, backslashes and multi-byte
// UTF-8.
std::string random_text(std::mt19937& rng) {
  static const std::vector<std::string> pieces = {"\"", "\\", "/", "苹果", "é", "🍎", "\x7f", " ", "a", "Z", "\u2028"};
  std::uniform_int_distribution<int> len(0, 40), kind(0, 2), ctrl(0, 0x1f),
      piece(0, static_cast<int>(pieces.size()) - 1);
  std::string s;
  for (int i = len(rng); i > 0; --i) {
    switch (kind(rng)) {
      case 0: s += static_cast<char>(ctrl(rng)); break;
      case 1: s += pieces[static_cast<std::size_t>(piece(rng))]; break;
      default: s += static_cast<char>('a' + ctrl(rng) % 26);
    }
  }
  return s;
}
}  // namespace

TEST_CASE("append_json_string: any text comes back unchanged", "[server][json]") {
  std::mt19937 rng(7);
  for (int i = 0; i < 5000; ++i) {
    const auto text = random_text(rng);
    std::string out = "[";
    append_json_string(out, text);
    out += "]";
    INFO(out);
    const auto v = boost::json::parse(out);
    CHECK(v.as_array().at(0).as_string() == text);
  }
}

TEST_CASE("a listing and a page of listings as JSON text", "[server][json]") {
  std::mt19937 rng(11);
  std::vector<listing> items;
  for (int i = 0; i < 30; ++i) {
    listing l;
    l.id = 1000 + i;
    l.shop_id = i * 7;
    l.village_id = -i;
    l.county_id = std::int64_t{1} << (i + 20);
    l.poverty_relief = i % 2 == 0;
    l.title = random_text(rng);
    l.description = random_text(rng);
    l.category = "fruit";
    l.unit = "jin";
    l.price_fen = 100000000 - i;
    l.stock = i;
    l.status = i % 3 == 0 ? listing_status::draft : listing_status::active;
    l.version = i + 1;
    l.created_at = 1795442400 + i * 86399;
    l.updated_at = 951782400 - i;
    for (int k = 0; k < i % 3; ++k)
      l.photos.push_back({i * 10 + k, 1280 - k, 960 + k, std::string(64, static_cast<char>('a' + k)) + ".jpg",
                          std::string(64, static_cast<char>('0' + k)) + ".jpg"});
    items.push_back(l);
  }
  for (const auto& cursor : {std::optional<std::string>{}, std::optional<std::string>{"ln.abc\"def"}}) {
    const auto doc = boost::json::parse(listing_page_json(items, cursor));
    CHECK(doc.as_object().size() == 2);
    if (cursor) CHECK(doc.at("next_cursor").as_string() == *cursor);
    else CHECK(doc.at("next_cursor").is_null());
    const auto& arr = doc.at("items").as_array();
    REQUIRE(arr.size() == items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      const auto& l = items[i];
      const auto& o = arr[i].as_object();
      CHECK(o.size() == 16);
      CHECK(o.at("id").as_int64() == l.id);
      CHECK(o.at("shop_id").as_int64() == l.shop_id);
      CHECK(o.at("village_id").as_int64() == l.village_id);
      CHECK(o.at("county_id").as_int64() == l.county_id);
      CHECK(o.at("poverty_relief").as_bool() == l.poverty_relief);
      CHECK(o.at("title").as_string() == l.title);
      CHECK(o.at("description").as_string() == l.description);
      CHECK(o.at("category").as_string() == l.category);
      CHECK(o.at("unit").as_string() == l.unit);
      CHECK(o.at("price_fen").as_int64() == l.price_fen);
      CHECK(o.at("stock").as_int64() == l.stock);
      CHECK(o.at("status").as_string() == to_string(l.status));
      CHECK(o.at("version").as_int64() == l.version);
      CHECK(o.at("created_at").as_string() == format_rfc3339(l.created_at));
      CHECK(o.at("updated_at").as_string() == format_rfc3339(l.updated_at));
      const auto& photos = o.at("photos").as_array();
      REQUIRE(photos.size() == l.photos.size());
      for (std::size_t k = 0; k < photos.size(); ++k) {
        const auto& p = photos[k].as_object();
        CHECK(p.size() == 5);
        CHECK(p.at("id").as_int64() == l.photos[k].id);
        CHECK(p.at("width").as_int64() == l.photos[k].width);
        CHECK(p.at("height").as_int64() == l.photos[k].height);
        CHECK(p.at("small_url").as_string() == "/photos/" + l.photos[k].small_name);
        CHECK(p.at("large_url").as_string() == "/photos/" + l.photos[k].large_name);
      }
    }
  }
  CHECK(boost::json::parse(listing_page_json({}, std::nullopt)) ==
        boost::json::parse(R"({"items":[],"next_cursor":null})"));
}
