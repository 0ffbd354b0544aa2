#pragma once
// The data of `cunji seed-demo`: tools/demo_market.json, embedded at build time.
//
// Counties in the provinces of the 2018 internet poverty-relief pilot (Chongqing, Yunnan,
// Gansu, Xinjiang, Inner Mongolia, Anhui, Fujian, Jilin, Guizhou), Jeminay County (the first
// county of the poverty-relief fund programme, whose flour is to become a standard source for
// the flour industry) and Chongqing's national-level poverty counties, with their villages and
// local produce. The file holds:
//   packs              name -> ways a product is sold: [label, unit, min_fen, max_fen]; the
//                      label is appended to the title ("5斤装", may be empty)
//   adjectives         category -> words put before a Chinese title; "other" for the rest
//   common_produce     products any shop may sell: name, category, blurb, packs
//   english_listings   county (absent: any shop), title, description, category, unit,
//                      price_fen [min, max]
//   counties           name, province, poverty, names (han, kazakh or mongol; absent: han),
//                      villages, produce (as common_produce, plus weight, default 1: how often
//                      shops carry it; the first product is what the county is known for)
//   names              han_surnames, han_given, kazakh_given, kazakh_family, mongol
//   farmer_shop_names  fmt patterns: {0} the farmer's family name, {1} the village, {2} the
//                      shop's main product
// The order of every list is part of the data: the seed draws from them with a fixed seed.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace cunji::tools {

struct pack {
  std::string label;
  std::string unit;
  std::int64_t min_fen = 0;
  std::int64_t max_fen = 0;
};

struct product {
  std::string name;      // "奉节脐橙"
  std::string category;  // one of cunji::categories
  std::string blurb;     // the first half of the description sentence
  std::vector<pack> packs;
  int weight = 1;
};

struct english_listing {
  std::string county;  // empty: any shop
  std::string title;
  std::string description;
  std::string category;
  pack price;  // unit and price range; no label
};

enum class name_style { han, kazakh, mongol };

struct demo_county {
  std::string name;
  std::string province;
  bool poverty = false;
  name_style people = name_style::han;
  std::vector<std::string> villages;
  std::vector<product> produce;
};

struct name_lists {
  std::vector<std::string> han_surnames, han_given, kazakh_given, kazakh_family, mongol;
};

struct demo_market {
  std::map<std::string, std::vector<std::string>, std::less<>> adjectives;
  std::vector<product> common_produce;
  std::vector<english_listing> english_listings;
  std::vector<demo_county> counties;
  name_lists names;
  std::vector<std::string> farmer_shop_names;

  // The adjectives of `category`, or those of "other".
  const std::vector<std::string>& adjectives_for(std::string_view category) const;
};

// Reads a market file; checks that every list the seed draws from is non-empty, every pack
// set named exists, and every category and unit is one the API accepts.
result<demo_market> parse_demo_market(std::string_view json);

// tools/demo_market.json as embedded in the binary, parsed once (throws if it is malformed).
const demo_market& embedded_demo_market();

}  // namespace cunji::tools
