#pragma once
// County and village SQL.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/region.hpp"
#include "core/sales.hpp"

namespace cunji::storage {

class connection;

county insert_county(connection& c, const std::string& name, const std::string& province, bool poverty_stricken,
                     unix_seconds now);
struct county_patch {
  std::optional<std::string> name;
  std::optional<std::string> province;
  std::optional<bool> poverty_stricken;
};
std::optional<county> update_county(connection& c, std::int64_t id, const county_patch& p);
std::optional<county> find_county(connection& c, std::int64_t id);
// Counties in id order after `after_id`.
std::vector<county> list_counties(connection& c, std::optional<bool> poverty_stricken, std::int64_t after_id,
                                  int limit);
std::int64_t count_counties(connection& c);

// Error validation_failed (county_id) if the county does not exist.
result<village> insert_village(connection& c, std::int64_t county_id, const std::string& name, unix_seconds now);
// A village without its sales figures (gmv_365d_fen is 0): for callers that need its county.
std::optional<village> find_village(connection& c, std::int64_t id);
// A village with gmv_365d_fen over the village window on `today` (core/sales.hpp), read from
// the sales rollups (two index seeks).
std::optional<village> find_village(connection& c, std::int64_t id, day_number today);
struct village_filter {
  std::optional<std::int64_t> county_id;
  // Only Taobao villages (true) or only the others (false), by core::is_taobao_village with
  // `thresholds` on `today`.
  std::optional<bool> taobao_village;
  taobao_village_thresholds thresholds{};
  day_number today = 0;
  std::int64_t after_id = 0;
  int limit = 20;
};
// Villages in id order after `after_id`, with gmv_365d_fen on `today`, at most `limit`.
std::vector<village> list_villages(connection& c, const village_filter& f);

}  // namespace cunji::storage
