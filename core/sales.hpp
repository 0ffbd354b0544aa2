#pragma once
// Sales figures: which orders count, on which day, and over which window. Pure rules; the
// storage layer keeps rollups by the same rules (storage/sqlite/migrations/0004_sales_rollups.sql) and
// recomputes them from orders to prove it (storage::check_rollups).
//
// Days. Every order belongs to the UTC day it was created on: day_of(created_at), the number of
// days since 1970-01-01 (floor of created_at / 86400). An order that is paid, shipped or
// delivered later still counts on its creation day, and leaves that day's figures again when
// it is cancelled.
//
// The village window (`gmv_365d_fen`, the Taobao-village rule). On UTC day `today` it is the 365
// days [today - 364, today], today included. An order's age is today - day_of(created_at) in
// whole UTC days: an order of age 0..364 counts, an order of age 365 (exactly 365 days old)
// does not, nor does anything older. Ages are calendar days, not 24-hour periods: an order placed
// at 23:59 UTC has age 1 a minute later.
//
// Report periods. `from` and `to` are UTC dates; `from` is included, `to` is not. With neither,
// a report covers the same 365 days as the village window: from = today - 364, to = today + 1.
// With only `to`, from = to - 365 days; with only `from`, to = today + 1. A period must not be
// empty (from < to).
//
// GMV, orders, distinct buyers and partner fees of a period count the orders created on its
// days whose status is now paid, shipped or delivered.
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/error.hpp"
#include "core/region.hpp"
#include "core/time.hpp"

namespace cunji {

// Days since 1970-01-01 (UTC).
using day_number = std::int64_t;

inline constexpr std::int64_t seconds_per_day = 86'400;
inline constexpr std::int64_t gmv_window_days = 365;

// The UTC day of a moment (floor division, also before 1970).
constexpr day_number day_of(unix_seconds t) noexcept {
  return t >= 0 ? t / seconds_per_day : -((-t + seconds_per_day - 1) / seconds_per_day);
}

// Days [from, to): from included, to excluded.
struct day_range {
  day_number from = 0;
  day_number to = 0;
  constexpr bool contains(day_number d) const noexcept { return d >= from && d < to; }
  constexpr bool operator==(const day_range&) const = default;
};

// The village window on `today`: [today - 364, today + 1).
constexpr day_range gmv_window(day_number today) noexcept { return {today - (gmv_window_days - 1), today + 1}; }

// Does an order created on `order_day` count toward the village window on `today`?
// Age 0..364 days: yes; 365 or more (or created after today): no.
constexpr bool in_gmv_window(day_number order_day, day_number today) noexcept {
  return gmv_window(today).contains(order_day);
}

// The period of a report from its `from` and `to` query parameters (YYYY-MM-DD, UTC), with the
// defaults above. Errors (validation_failed): a malformed or impossible date names its field;
// from >= to names `to`, or `from` when `to` was not given.
result<day_range> report_period(std::optional<std::string_view> from, std::optional<std::string_view> to,
                                unix_seconds now);

// Who bought, for counting distinct buyers: a buyer account counts as its id, a villager (an
// order a partner placed for it) as minus its id, so the two never collide. The rollups use
// coalesce(buyer_account_id, -villager_id), which is the same thing.
constexpr std::int64_t buyer_key(std::optional<std::int64_t> buyer_account_id,
                                 std::optional<std::int64_t> villager_id) noexcept {
  return buyer_account_id ? *buyer_account_id : -villager_id.value_or(0);
}

// The Taobao-village status of a village now: active shops and GMV over the village window
// against the thresholds in force (is_taobao_village in core/region.hpp: both reached).
constexpr bool taobao_status(const village& v, const taobao_village_thresholds& t) noexcept {
  return is_taobao_village(v.active_shops, v.gmv_365d_fen, t);
}

}  // namespace cunji
