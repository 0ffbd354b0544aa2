#pragma once
// The words of the benchmark's generated marketplace (cunji_benchgen): produce titles by
// category, place names, people's names, and the random listing and session token they make.
// Every function draws from the generator it is given, in a fixed order.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "storage/sql/catalog.hpp"

namespace cunji::benchgen {

extern const std::vector<const char*> provinces;
extern const std::vector<const char*> surnames;
extern const std::vector<const char*> given;

template <class T>
const T& pick(std::mt19937_64& rng, const std::vector<T>& v) {
  return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
}
bool chance(std::mt19937_64& rng, double p);
// Two random place characters and `suffix` (县, 村).
std::string place_name(std::mt19937_64& rng, const char* suffix);

// The number of produce categories, most common first (weights by rank).
std::size_t category_count();
// A listing of a category drawn from `category_dist` (over category_count() ranks).
storage::new_listing make_listing(std::mt19937_64& rng, std::discrete_distribution<std::size_t>& category_dist);
// 32 bytes from the generator, base64url without padding: the shape of server::new_token().
std::string bench_token(std::mt19937_64& rng);

}  // namespace cunji::benchgen
