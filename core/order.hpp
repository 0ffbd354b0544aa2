#pragma once
// An order as placed: lines, money and partner fees are snapshots taken at placement.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/fees.hpp"
#include "core/order_state.hpp"
#include "core/payment.hpp"
#include "core/time.hpp"

namespace cunji {

struct order_item {
  std::int64_t listing_id = 0;
  std::string title;
  std::string unit;
  std::string category;
  std::int64_t unit_price_fen = 0;
  std::int64_t quantity = 0;
  std::int64_t line_total_fen = 0;
  std::int64_t commission_fen = 0;
};

// How an order was paid, as the order shows it.
struct payment {
  payment_method method = payment_method::alipay;
  std::optional<std::string> reference;      // the provider's trade number (Alipay: trade_no)
  std::optional<std::int64_t> payment_id;    // the payment record (none for older orders)
  std::optional<std::int64_t> collected_by;  // cash: the partner holding it
};

struct order {
  std::int64_t id = 0;
  std::int64_t shop_id = 0;
  std::int64_t village_id = 0;
  std::int64_t county_id = 0;
  bool poverty_relief = false;
  order_status status = order_status::placed;
  std::int64_t placed_by = 0;
  std::optional<std::int64_t> buyer_account_id;
  std::optional<std::int64_t> villager_id;
  std::vector<order_item> items;
  delivery_method delivery = delivery_method::station_pickup;
  std::optional<std::string> address;
  order_money money;
  std::optional<payment> paid_with;
  std::optional<std::string> tracking;
  std::optional<std::string> cancel_reason;
  unix_seconds created_at = 0;
  unix_seconds updated_at = 0;
  std::optional<unix_seconds> shipped_at;
  std::optional<unix_seconds> delivered_at;
  // Station pickup: the village whose station hands it over, the code the placer gives there,
  // and when it arrived on the station's shelf.
  std::optional<std::int64_t> station_village_id;
  std::optional<std::string> pickup_code;
  std::optional<unix_seconds> arrived_at;
  std::optional<std::int64_t> purchase_id;  // one checkout across shops
};

inline constexpr std::size_t max_order_items = 50;
inline constexpr std::int64_t max_line_quantity = 10'000;

}  // namespace cunji
