// The command line of cunji_benchgen (bench/gen_options.hpp).
#include "gen_options.hpp"

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>
#include <type_traits>

namespace cunji::benchgen {

namespace {

template <class T>
T number(std::string_view flag, std::string_view s) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  bool negative = false;
  if constexpr (std::is_signed_v<T>) negative = v < 0;
  if (ec != std::errc{} || p != s.data() + s.size() || negative)
    throw std::invalid_argument(fmt::format("{} needs a non-negative number", flag));
  return v;
}

}  // namespace

options parse(int argc, char** argv) {
  options o;
  bool have_seed = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view f = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument(fmt::format("{} needs a value", f));
    const std::string_view v = argv[++i];
    if (f == "--db") o.db = v;
    else if (f == "--seed") {
      o.seed = number<std::uint64_t>(f, v);
      have_seed = true;
    } else if (f == "--counties") o.counties = number<int>(f, v);
    else if (f == "--villages") o.villages = number<int>(f, v);
    else if (f == "--shops") o.shops = number<int>(f, v);
    else if (f == "--listings") o.listings = number<int>(f, v);
    else if (f == "--buyers") o.buyers = number<int>(f, v);
    else if (f == "--orders") o.orders = number<std::int64_t>(f, v);
    else if (f == "--days") o.days = number<int>(f, v);
    else if (f == "--batch") o.batch = number<int>(f, v);
    else if (f == "--now") o.now = number<std::int64_t>(f, v);
    else if (f == "--out") o.out = v;
    else throw std::invalid_argument(fmt::format("unknown option {}", f));
  }
  if (o.db.empty() || !have_seed) throw std::invalid_argument("--db and --seed are required");
  if (o.counties < 1 || o.villages < o.counties || o.shops < 1 || o.listings < 0)
    throw std::invalid_argument("need counties >= 1, villages >= counties, shops >= 1");
  if (o.orders > 0 && (o.buyers < 1 || o.listings < 1))
    throw std::invalid_argument("orders need at least one buyer and one listing");
  if (o.days < 1 || o.batch < 1) throw std::invalid_argument("need days >= 1 and batch >= 1");
  return o;
}

}  // namespace cunji::benchgen
