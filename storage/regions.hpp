#pragma once
// Counties and villages at the storage seam (storage/store.hpp).
#include <cstdint>
#include <optional>
#include <string>

#include "core/region.hpp"
#include "core/sales.hpp"
#include "storage/common.hpp"

namespace cunji::storage {

struct county_patch {
  std::optional<std::string> name;
  std::optional<std::string> province;
  std::optional<bool> poverty_stricken;
};

struct village_filter {
  std::optional<std::int64_t> county_id;
  std::optional<bool> taobao_village;  // only Taobao villages (true) or only the others (false)
  day_number today = 0;                // the day of the village window
  page_request page;                   // keys: {id}
};

class region_store {
 public:
  virtual ~region_store() = default;

  virtual task<county> create_county(std::string name, std::string province, bool poverty_stricken,
                                     unix_seconds now) = 0;
  // not_found if there is no such county.
  virtual task<result<county>> update_county(std::int64_t id, county_patch p) = 0;
  virtual task<std::optional<county>> find_county(std::int64_t id) = 0;
  virtual task<page<county>> list_counties(std::optional<bool> poverty_stricken, page_request p) = 0;

  // validation_failed (county_id) if the county does not exist.
  virtual task<result<village>> create_village(std::int64_t county_id, std::string name, unix_seconds now) = 0;
  // A village with its figures on `today` and its Taobao-village status under the fee schedule
  // in force (the rule is core's: is_taobao_village).
  virtual task<std::optional<village>> find_village(std::int64_t id, day_number today) = 0;
  // Villages in id order; the filter is applied while reading in that order, so walking the
  // pages visits every matching village once.
  virtual task<page<village>> list_villages(village_filter f) = 0;
};

}  // namespace cunji::storage
