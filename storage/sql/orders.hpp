#pragma once
// Order SQL: placement, lifecycle transitions (with their ledger postings) and lists.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/account.hpp"
#include "core/error.hpp"
#include "core/order.hpp"

namespace cunji::storage {

class connection;

struct order_line_request {
  std::int64_t listing_id = 0;
  std::int64_t quantity = 0;
};

struct place_order_request {
  std::int64_t shop_id = 0;
  std::vector<order_line_request> items;
  delivery_method delivery = delivery_method::station_pickup;
  std::optional<std::string> address;
  std::optional<std::int64_t> villager_id;  // assisted buying (partners only)
  account placer;
};

// One all-or-nothing command: checks the shop, the villager and every listing (422 naming the
// field), takes stock only if every line has enough (else 409 insufficient_stock naming the
// listings, and nothing changes), prices the order with the fee schedule in force, and inserts
// the order, its lines and its partner fees.
result<order> place_order(connection& c, const place_order_request& r, unix_seconds now);

std::optional<order> find_order(connection& c, std::int64_t id);
order_parties parties_of(connection& c, const order& o);

struct transition_request {
  std::int64_t order_id = 0;
  order_action action = order_action::pay;
  account actor;
  std::optional<payment> paid_with;        // pay
  std::optional<std::string> tracking;     // ship
  std::optional<std::string> reason;       // cancel
};

// Applies one lifecycle move: 404 if the actor cannot see the order, 403 if it may not make
// this move, 409 invalid_transition from the wrong state. Payment posts the money to the
// ledger, delivery makes it available, cancellation restores stock and reverses a payment.
result<order> transition_order(connection& c, const transition_request& r, unix_seconds now);

struct order_list_filter {
  account caller;
  bool as_seller = false;  // orders to my shops (or shops I run) instead of orders I placed
  std::optional<order_status> status;
  std::int64_t before_id = 0;  // keyset: orders with smaller ids (0: from the newest)
  int limit = 20;
};
// Newest first.
std::vector<order> list_orders(connection& c, const order_list_filter& f);

}  // namespace cunji::storage
