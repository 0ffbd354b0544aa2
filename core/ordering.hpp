#pragma once
// What may be ordered: the checks of a placement over the rows storage read for it, before any
// stock is taken. Pure; storage reads the shop, the villager and each listing, calls
// check_placement, and takes stock only when it passes (all or nothing).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/account.hpp"
#include "core/catalog.hpp"
#include "core/error.hpp"
#include "core/fees.hpp"
#include "core/order.hpp"

namespace cunji {

struct order_line {
  std::int64_t listing_id = 0;
  std::int64_t quantity = 0;
};

// The rows of one placement as storage found them (nullopt: no such row).
struct placement {
  account placer;
  std::int64_t shop_id = 0;                 // the shop ordered from
  std::optional<shop> shop_row;             // ... and its row
  std::optional<std::int64_t> villager_id;  // assisted buying: the villager asked for
  std::optional<villager> villager_row;     // ... and that villager's row
  std::vector<order_line> lines;
  std::vector<std::optional<listing>> listings;  // one per line, in order
  // A purchase's shop group (core/purchase.hpp): each line's position in the request's lines,
  // which the errors name; a shop that may not be ordered from is then named on each of its
  // lines, as the request has no shop_id. Empty for an order: positions are the lines' own.
  std::vector<std::size_t> positions;
};

// A line that passed, with its listing.
struct checked_line {
  listing l;
  std::int64_t quantity = 0;
};

// No trading with oneself: the placer, or the villager it orders for, is the shop's owner, the
// shop's villager, or the partner running the shop. (Assisted fees paid by the platform would
// otherwise be collected on both sides, and poverty-relief sales inflated.)
bool is_self_dealing(const account& placer, std::optional<std::int64_t> villager_id, const shop& s) noexcept;

// The error of `villager_id` when the placer may not order for that villager (none there, or
// not of the placer's village); nullopt when it may, or when the placement names no villager.
std::optional<field_error> villager_error(const account& placer, std::optional<std::int64_t> villager_id,
                                          const std::optional<villager>& row);

// Checks a placement in this order:
//  1. 422 validation_failed, every bad field at once: the shop is missing or closed, or one of
//     the buyer's own (is_self_dealing); the villager is not one of the placer's village; a line names a listing
//     twice, or a listing that is missing, not active, or of another shop
//     (`items[i].listing_id`);
//  2. 409 insufficient_stock: every line short of stock, named (`items[i].quantity`, and the
//     listing ids), so that nothing is taken unless everything can be.
// `items` is the field name of the lines in the request.
result<std::vector<checked_line>> check_placement(const placement& p, const std::string& items = "items");

// How the placer wants it: delivery, and the villager it is for (assisted buying).
struct order_terms {
  delivery_method delivery = delivery_method::station_pickup;
  std::optional<std::string> address;       // address delivery only
  std::optional<std::int64_t> villager_id;  // the placer is then the assisting partner
  std::optional<std::int64_t> station;      // station pickup: the station's village
  std::optional<std::string> pickup_code;   // station pickup: core/station.hpp
};

// The station a station-pickup order goes to: the one named, else the placer's village (for a
// villager's order the placer is the partner, so its village). A placer without a village who
// names none has no station. Whether the village has a partner is for storage to check.
std::optional<std::int64_t> station_for(const account& placer, std::optional<std::int64_t> named) noexcept;

// The order a placement that passed makes (not yet stored: id 0): its lines and money priced
// with `schedule` (core/fees.hpp), the shop's village, county and poverty status copied onto it,
// and the partner fees of assisted buying and of a partner-run shop.
order make_order(const account& placer, const shop& s, const std::vector<checked_line>& lines, const order_terms& t,
                 const fee_schedule& schedule, unix_seconds now);

}  // namespace cunji
