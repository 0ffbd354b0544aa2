#pragma once
// County and village SQL.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/region.hpp"
#include "core/sales.hpp"
#include "storage/regions.hpp"

namespace cunji::storage {

class connection;

county insert_county(connection& c, const std::string& name, const std::string& province, bool poverty_stricken,
                     unix_seconds now);
std::optional<county> update_county(connection& c, std::int64_t id, const county_patch& p);
std::optional<county> find_county(connection& c, std::int64_t id);
// Counties in id order after `after_id`, at most `limit`.
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
// Villages in id order after the filter's page keys, with gmv_365d_fen on `today` and their
// Taobao status under `t`, at most page.limit + 1 (the extra one tells there is more).
std::vector<village> list_villages(connection& c, const village_filter& f, const taobao_village_thresholds& t);

}  // namespace cunji::storage
