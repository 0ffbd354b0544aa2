#pragma once
// County and village SQL on PostgreSQL (the SQLite engine's: storage/sql/regions.hpp).
#include <optional>
#include <string>
#include <vector>

#include "core/region.hpp"
#include "core/sales.hpp"
#include "storage/regions.hpp"

namespace cunji::storage::pg {

class connection;

task<county> insert_county(connection& c, std::string name, std::string province, bool poverty_stricken,
                           unix_seconds now);
task<std::optional<county>> update_county(connection& c, std::int64_t id, county_patch p);
task<std::optional<county>> find_county(connection& c, std::int64_t id);
// Counties in id order after `after_id`, at most `limit`.
task<std::vector<county>> list_counties(connection& c, std::optional<bool> poverty_stricken, std::int64_t after_id,
                                        int limit);

// Error validation_failed (county_id) if the county does not exist.
task<result<village>> insert_village(connection& c, std::int64_t county_id, std::string name, unix_seconds now);
// A village without its sales figures (gmv_365d_fen is 0): for callers that need its county.
task<std::optional<village>> find_village(connection& c, std::int64_t id);
// A village with gmv_365d_fen over the village window on `today` (core/sales.hpp).
task<std::optional<village>> find_village(connection& c, std::int64_t id, day_number today);
// Villages in id order after the filter's page keys, with gmv_365d_fen on `today` and their
// Taobao status under `t`, at most page.limit + 1 (the extra one tells there is more).
task<std::vector<village>> list_villages(connection& c, village_filter f, taobao_village_thresholds t);

}  // namespace cunji::storage::pg
