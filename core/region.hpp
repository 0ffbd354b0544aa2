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
};

}  // namespace cunji
