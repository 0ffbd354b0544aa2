#pragma once
// The options of cunji_benchgen (bench/gen_market.cpp) and the timeline they give the generated
// marketplace.
#include <algorithm>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace cunji::benchgen {

struct options {
  std::string db;
  std::uint64_t seed = 1;
  int counties = 100;
  int villages = 1000;
  int shops = 10000;
  int listings = 100000;
  int buyers = 2000;
  std::int64_t orders = 1000000;
  int days = 730;
  int batch = 20000;
  std::optional<std::int64_t> now;
  std::string out;
};

constexpr std::string_view usage =
    "usage: cunji_benchgen --db PATH --seed N [--counties 100] [--villages 1000] [--shops 10000] "
    "[--listings 100000] [--buyers 2000] [--orders 1000000] [--days 730] [--batch 20000] [--now UNIX_SECONDS] "
    "[--out PREFIX]\n";

// The options of the command line; throws std::invalid_argument on a wrong one.
options parse(int argc, char** argv);

constexpr std::int64_t day = 24 * 3600;

// The timeline of the generated marketplace: regions, then shops, then a month of listings,
// then the order history over the last `days` days up to `now`. Listing k is created after
// listing k-1, so newest-first is id order, as in real traffic.
struct timeline {
  unix_seconds now, history_start, catalog_start, regions_at, shops_at;
  int listings;
  explicit timeline(const options& o)
      : now(o.now ? *o.now : static_cast<unix_seconds>(std::time(nullptr))),
        history_start(now - o.days * day),
        catalog_start(history_start - 30 * day),
        regions_at(catalog_start - 60 * day),
        shops_at(catalog_start - 30 * day),
        listings(o.listings) {}
  unix_seconds listing_at(int k) const {
    return catalog_start + static_cast<unix_seconds>(static_cast<std::int64_t>(k) * (29 * day) / std::max(1, listings));
  }
};

}  // namespace cunji::benchgen
