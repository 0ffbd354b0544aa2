#pragma once
// A purchase: one checkout across shops. Its lines are grouped by shop into one order per shop,
// each priced as if placed alone (core/ordering.hpp, core/fees.hpp); the purchase's money is
// the sum over its orders. Each order then lives on by itself (core/order_state.hpp).
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "core/catalog.hpp"
#include "core/order.hpp"
#include "core/ordering.hpp"
#include "core/policy.hpp"
#include "core/time.hpp"

namespace cunji {

inline constexpr std::size_t max_purchase_lines = 50;

struct purchase {
  std::int64_t id = 0;
  std::int64_t placed_by = 0;
  std::optional<std::int64_t> buyer_account_id;
  std::optional<std::int64_t> villager_id;
  std::vector<order> orders;  // one per shop, in the order of the shops' first lines
  unix_seconds created_at = 0;
};

// Sums over the purchase's orders.
struct purchase_money {
  std::int64_t subtotal_fen = 0;
  std::int64_t delivery_fee_fen = 0;
  std::int64_t total_fen = 0;
};
purchase_money money_of(const purchase& p) noexcept;

// The lines of one shop: their positions in the purchase's lines, in request order.
struct shop_group {
  std::int64_t shop_id = 0;
  std::vector<std::size_t> positions;
};

// Groups the lines by the shop of their listing (one listing per line, nullopt: no such
// listing), shops in the order of their first line. Lines without a listing are left out: the
// caller names them as errors.
std::vector<shop_group> group_by_shop(const std::vector<std::optional<listing>>& listings);

// The lines of a purchase that do not name a listing: `lines[i].listing_id` for each missing one.
std::vector<field_error> missing_listings(const std::vector<std::optional<listing>>& listings,
                                          const std::string& items = "lines");

// The rows of one purchase as storage found them (nullopt: no such row; a shop not found is
// left out of `shops`).
struct purchase_placement {
  account placer;
  std::vector<order_line> lines;
  std::vector<std::optional<listing>> listings;  // one per line, in order
  std::vector<shop> shops;                       // the rows found of the listings' shops
  std::optional<std::int64_t> villager_id;       // assisted buying: the villager asked for
  std::optional<villager> villager_row;          // ... and that villager's row
  std::optional<field_error> station_error;      // the station asked for has no partner
};

// Each shop's lines that passed, with its shop; shops in the order of their first line.
using checked_shops = std::vector<std::pair<shop, std::vector<checked_line>>>;

// Checks a purchase as check_placement checks an order, over all its shops before any stock is
// taken: first 422 with every bad field at once (lines naming no listing, each shop's bad
// fields, the villager, the station; each named once), then 409 with every line short of stock
// over all shops; else each shop's checked lines. Pure, like check_placement.
result<checked_shops> check_purchase(const purchase_placement& p);

// A purchase is seen by whoever may see every one of its orders (else: 404, as for an order).
bool can_see_all(const account& caller, const std::vector<order_parties>& orders) noexcept;

}  // namespace cunji
