#pragma once
// Sales reports at the storage seam (storage/store.hpp). The counting rules and the day
// arithmetic are core/sales.hpp's; engines read them from rollups, never by scanning orders.
#include <cstdint>
#include <string>
#include <vector>

#include "core/account.hpp"
#include "core/months.hpp"
#include "core/sales.hpp"
#include "storage/common.hpp"

namespace cunji::storage {

struct county_report_row {
  std::int64_t county_id = 0;
  std::string name;
  bool poverty_stricken = false;
  std::int64_t gmv_fen = 0;
  std::int64_t orders = 0;
  std::int64_t distinct_buyers = 0;
  std::int64_t active_shops = 0;     // now: sum of its villages' active shops
  std::int64_t taobao_villages = 0;  // now: its villages that are Taobao villages on `today`
};

struct county_gmv {
  std::int64_t county_id = 0;
  std::int64_t gmv_fen = 0;
  bool operator==(const county_gmv&) const = default;
};

struct poverty_relief_report {
  std::int64_t gmv_fen = 0;
  std::int64_t orders = 0;
  std::int64_t distinct_buyers = 0;
  std::int64_t shops = 0;            // shops with at least one counting poverty-relief order
  std::vector<county_gmv> counties;  // counties with such orders in the period, in id order
};

struct partner_earnings {
  std::int64_t assisted_buying_fen = 0;
  std::int64_t assisted_selling_fen = 0;
  std::int64_t orders = 0;  // counting orders with a fee for the partner, each once
};

struct earnings_request {
  account caller;
  std::int64_t partner_id = 0;
  day_range period;
  std::vector<field_error> invalid;  // answered as 422 after the 404 check
};

// One month of a county's or a village's sales (core/months.hpp).
struct month_figures {
  month_number month = 0;
  std::int64_t gmv_fen = 0;
  std::int64_t orders = 0;
  std::int64_t poverty_relief_gmv_fen = 0;
  std::int64_t active_shops = 0;  // shops with a counting order created in the month
  bool taobao_village = false;    // villages only: the status on the month's status day
  bool operator==(const month_figures&) const = default;
};

struct monthly_request {
  std::int64_t id = 0;  // the county or village
  month_range months;
  day_number today = 0;
  std::vector<field_error> invalid;  // answered as 422 after the 404 check
};

class report_store {
 public:
  virtual ~report_store() = default;

  // Every county, in id order, in one snapshot; Taobao status under the fee schedule in force.
  virtual task<std::vector<county_report_row>> county_report(day_range period, day_number today) = 0;
  // Orders with poverty_relief (the order's snapshot) created in `period`.
  virtual task<poverty_relief_report> poverty_report(day_range period) = 0;
  // A partner's fees: the partner itself or an admin (anyone else: not_found, as for a
  // partner that does not exist).
  virtual task<result<partner_earnings>> partner_earnings_of(earnings_request r) = 0;
  // Every month of the range, oldest first, zeros included; not_found for an unknown id.
  virtual task<result<std::vector<month_figures>>> county_monthly(monthly_request r) = 0;
  virtual task<result<std::vector<month_figures>>> village_monthly(monthly_request r) = 0;
};

}  // namespace cunji::storage
