#pragma once
// County and village SQL.
#include <cstdint>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/region.hpp"

namespace cunji::storage {

class connection;

county insert_county(connection& c, const std::string& name, const std::string& province, bool poverty_stricken,
                     unix_seconds now);
// Error validation_failed (county_id) if the county does not exist.
result<village> insert_village(connection& c, std::int64_t county_id, const std::string& name, unix_seconds now);

std::optional<county> find_county(connection& c, std::int64_t id);
std::optional<village> find_village(connection& c, std::int64_t id);

}  // namespace cunji::storage

namespace cunji::storage {
std::int64_t count_counties(connection& c);
}
