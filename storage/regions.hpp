#pragma once
// County and village SQL.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/region.hpp"

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
std::optional<village> find_village(connection& c, std::int64_t id);
struct village_filter {
  std::optional<std::int64_t> county_id;
  std::int64_t after_id = 0;
  int limit = 20;
};
std::vector<village> list_villages(connection& c, const village_filter& f);

}  // namespace cunji::storage
