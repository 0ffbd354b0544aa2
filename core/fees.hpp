#pragma once
// The fee schedule and the arithmetic that splits an order's money between shop, platform and
// partners. Everything is integer fen; rates are basis points (1 bps = 0.01 %).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/region.hpp"

namespace cunji {

struct fee_schedule {
  std::int64_t platform_commission_bps = 500;
  std::map<std::string, std::int64_t> category_commission_bps{};
  std::int64_t poverty_county_commission_bps = 0;
  std::int64_t assisted_buying_fee_bps = 300;
  std::int64_t assisted_selling_fee_bps = 200;
  std::int64_t address_delivery_fee_fen = 800;
  std::int64_t taobao_village_min_shops = 100;
  std::int64_t taobao_village_min_gmv_fen = 1'000'000'000;
  // Timers: an order still placed this long after it was placed is cancelled (1..1440); an
  // address order shipped this many days is delivered (3..30); a parcel at a station this many
  // days goes back to the shop (1..60).
  std::int64_t unpaid_timeout_minutes = 30;
  std::int64_t auto_deliver_days = 10;
  std::int64_t station_hold_days = 14;

  taobao_village_thresholds thresholds() const { return {taobao_village_min_shops, taobao_village_min_gmv_fen}; }
  bool operator==(const fee_schedule&) const = default;
};

inline constexpr std::int64_t max_bps = 10'000;
inline constexpr std::int64_t max_delivery_fee_fen = 10'000'000;

// Field errors of a schedule (empty when valid): rates 0..10000 bps, known categories,
// delivery fee 0..10,000,000 fen, thresholds >= 0, the timers in their ranges.
std::vector<field_error> validate(const fee_schedule& s);

// fee = amount * bps / 10000, rounded half up, in integers. `amount` >= 0, 0 <= bps <= 10000.
constexpr std::int64_t apply_bps(std::int64_t amount, std::int64_t bps) noexcept {
  return (amount * bps + 5'000) / 10'000;
}

// The commission rate of one line: the poverty-county rate if the shop's county is
// poverty-stricken, else the line's category rate if set, else the platform rate.
std::int64_t commission_bps(const fee_schedule& s, bool poverty_relief, const std::string& category);

enum class delivery_method { station_pickup, address };
enum class partner_fee_kind { assisted_buying, assisted_selling };

std::string_view to_string(delivery_method m) noexcept;
std::string_view to_string(partner_fee_kind k) noexcept;
std::optional<delivery_method> parse_delivery_method(std::string_view s) noexcept;
std::optional<partner_fee_kind> parse_partner_fee_kind(std::string_view s) noexcept;

struct priced_line {
  std::int64_t unit_price_fen = 0;
  std::int64_t quantity = 0;
  std::string category;
  // Computed:
  std::int64_t line_total_fen = 0;
  std::int64_t commission_fen = 0;
};

struct partner_fee {
  std::int64_t partner_id = 0;
  partner_fee_kind kind = partner_fee_kind::assisted_buying;
  std::int64_t amount_fen = 0;
  bool operator==(const partner_fee&) const = default;
};

struct order_money {
  std::int64_t subtotal_fen = 0;
  std::int64_t delivery_fee_fen = 0;
  std::int64_t total_fen = 0;
  std::int64_t platform_commission_fen = 0;
  std::int64_t shop_proceeds_fen = 0;
  std::vector<partner_fee> partner_fees;
  // What the platform keeps: commission + delivery fee - partner fees (may be negative).
  std::int64_t platform_net_fen() const noexcept;
};

struct pricing_input {
  bool poverty_relief = false;  // the shop's county is poverty-stricken
  delivery_method delivery = delivery_method::station_pickup;
  std::optional<std::int64_t> assisting_buyer_partner{};  // partner who placed it for a villager
  std::optional<std::int64_t> shop_partner{};             // partner running the shop for a villager
};

// Prices an order: fills each line's total and commission (per line, then summed), and the
// order's money. Partner fees are computed on the subtotal; both kinds can apply at once.
order_money price_order(std::vector<priced_line>& lines, const pricing_input& in, const fee_schedule& s);

}  // namespace cunji
