#pragma once
// Orders at the storage seam: placing them (idempotent), moving them through their lifecycle,
// reading and listing them. The rules are core's (core/ordering.hpp: what may be ordered;
// core/order_state.hpp: the moves; core/policy.hpp: who; core/ledger.hpp: the money).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/account.hpp"
#include "core/order.hpp"
#include "storage/common.hpp"

namespace cunji::storage {

struct order_line_request {
  std::int64_t listing_id = 0;
  std::int64_t quantity = 0;
};

struct place_order_request {
  account caller;  // the placer
  std::int64_t shop_id = 0;
  std::vector<order_line_request> items;
  delivery_method delivery = delivery_method::station_pickup;
  std::optional<std::string> address;
  std::optional<std::int64_t> villager_id;  // assisted buying (partners only)
  // Station pickup: the station's village (by default the placer's), and the code to hand the
  // parcel over with (the server draws it: core::pickup_code_from).
  std::optional<std::int64_t> station_village_id;
  std::string pickup_code;
  // Field errors found while reading the request: answered (and stored under the key) as 422.
  std::vector<field_error> invalid;
  unix_seconds now = 0;
};

// ship, arrive, deliver or cancel (paying: storage/payments.hpp; handing over: handover_request).
struct transition_request {
  std::int64_t order_id = 0;
  order_action action = order_action::ship;
  account caller;
  std::optional<std::string> tracking;  // ship
  std::optional<std::string> reason;    // cancel
  // Field errors found while reading the request: answered as 422 after the 404 and 403
  // checks (a caller who may not see the order learns nothing from its fields).
  std::vector<field_error> invalid;
  unix_seconds now = 0;
};

// Whose orders: placed by the caller, to the caller's shops (or shops it runs), or all (admins).
enum class order_view { buyer, seller, admin };

struct order_list_filter {
  account caller;
  order_view as = order_view::buyer;
  std::optional<order_status> status;
  std::optional<std::int64_t> shop_id;    // admins
  std::optional<std::int64_t> county_id;  // admins
  page_request page;                      // keys: {id}, newest first
};

// A station's partner hands a parcel over to whoever says its pickup code.
struct handover_request {
  std::int64_t order_id = 0;
  account caller;
  std::string pickup_code;
  std::vector<field_error> invalid;  // answered as 422 after the 404 and 403 checks
  unix_seconds now = 0;
};

// A station-pickup parcel on its way to the partner's station or on its shelf: a line of the
// list the partner prints in the evening.
struct parcel {
  std::int64_t id = 0;  // the order's
  order_status status = order_status::shipped;
  std::string placed_by_name;
  std::optional<std::string> villager_name;
  std::int64_t items_count = 0;  // lines of the order
  std::int64_t total_fen = 0;
  std::optional<unix_seconds> shipped_at, arrived_at;
};

struct parcel_filter {
  account caller;                      // a partner: its village's station
  std::optional<order_status> status;  // shipped or at_station (default both)
  page_request page;                   // keys: {id}, oldest first
};

class order_store {
 public:
  virtual ~order_store() = default;

  // One all-or-nothing write: the shop, the villager and every line are checked (422 naming
  // the field), stock is taken only if every line has enough (else 409 insufficient_stock
  // naming the listings, and nothing changes), the order is priced with the fee schedule in
  // force and stored. With a key, a repeat gets the first answer.
  virtual task<answer> place(place_order_request r, std::optional<idempotency_key> key, renderer<order> render) = 0;

  // One lifecycle move: 404 if the caller may not see the order, 403 if it may not make the
  // move, 422 for bad fields, 409 invalid_transition from the wrong state. Delivery makes the
  // money available, cancellation restores stock and refunds a payment.
  virtual task<answer> transition(transition_request r, std::optional<idempotency_key> key, renderer<order> render) = 0;

  // at_station -> delivered. 404 unless the caller may see the order, 403 unless it is a partner
  // of the order's station, 422 for a code that is not six digits (not counted), 409 unless the
  // order is at the station, 429 rate_limited after 5 wrong codes in 15 minutes (even for the
  // right one), 422 on pickup_code for a wrong code (counted).
  virtual task<result<order>> hand_over(handover_request r) = 0;

  // An order the caller may see (else not_found).
  virtual task<result<order>> get(std::int64_t id, account caller) = 0;

  // forbidden for `admin` unless the caller is one.
  virtual task<result<page<order>>> list(order_list_filter f) = 0;

  // The parcels of the caller's station, oldest first (forbidden unless it is a partner).
  virtual task<result<page<parcel>>> parcels(parcel_filter f) = 0;
};

}  // namespace cunji::storage
