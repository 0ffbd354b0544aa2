#pragma once
// Counties and villages.
#include <cstdint>
#include <string>

#include "core/time.hpp"

namespace cunji {

struct county {
  std::int64_t id = 0;
  std::string name;
  std::string province;
  bool poverty_stricken = false;
  unix_seconds created_at = 0;
};

struct village {
  std::int64_t id = 0;
  std::int64_t county_id = 0;
  std::string name;
  unix_seconds created_at = 0;
  std::int64_t active_shops = 0;  // active shops with at least one active listing
  std::int64_t gmv_365d_fen = 0;  // subtotals of paid/shipped/delivered orders, last 365 days
  bool taobao_village = false;    // under the thresholds in force (is_taobao_village below)
};

// Thresholds of the Taobao-village rule (fee schedule; defaults from the research definition).
struct taobao_village_thresholds {
  std::int64_t min_shops = 100;
  std::int64_t min_gmv_fen = 1'000'000'000;  // 10,000,000 yuan
};

// A village is a Taobao village when it reaches or passes both thresholds.
constexpr bool is_taobao_village(std::int64_t active_shops, std::int64_t gmv_365d_fen,
                                 const taobao_village_thresholds& t) noexcept {
  return active_shops >= t.min_shops && gmv_365d_fen >= t.min_gmv_fen;
}

}  // namespace cunji
