#pragma once
// Order SQL: placement, lifecycle moves (with their ledger postings) and lists. The use cases
// over these (storage/orders.hpp) are in order_store.cpp.
#include <cstdint>
#include <optional>
#include <vector>

#include "core/order.hpp"
#include "core/policy.hpp"
#include "core/purchase.hpp"
#include "storage/orders.hpp"
#include "storage/purchases.hpp"

namespace cunji::storage {

class connection;

// The whole placement in one transaction: reads the rows, checks them (core::check_placement),
// takes the stock, prices the order with the fee schedule in force and inserts it with its
// lines and partner fees. Returns the check's error and changes nothing when it fails.
result<order> place_order(connection& c, const place_order_request& r);

// A purchase in one transaction: every shop's lines are checked as place_order checks an
// order's, every bad field and then every listing short of stock named over all shops at once,
// and only then one order per shop stored (each with its own pickup code). Nothing changes when
// it fails.
result<purchase> place_purchase(connection& c, const place_purchase_request& r);
// A purchase with its orders (as stored: with their pickup codes), or nullopt.
std::optional<purchase> find_purchase(connection& c, std::int64_t id);

std::optional<order> find_order(connection& c, std::int64_t id);
order_parties parties_of(connection& c, const order& o);
// `o` as `caller` may read it: without the pickup code unless it is the caller's to see.
order as_seen_by(connection& c, const account& caller, order o);

// One lifecycle move with its ledger postings and stock (core/order_state.hpp for the moves,
// core/policy.hpp for who, core/ledger.hpp for the money).
result<order> transition_order(connection& c, const transition_request& r);

// What a hand-over came to: the order delivered, or refused with a wrong code (which is stored,
// so it is an outcome to commit, not an error to roll back).
struct handover_outcome {
  std::optional<order> delivered;
  std::optional<error> refused;
};
result<handover_outcome> hand_over_order(connection& c, const handover_request& r);

// Newest first, at most f.page.limit + 1 (the extra one tells there is more).
std::vector<order> list_orders(connection& c, const order_list_filter& f);

// The station's parcels (storage/sql/parcels.cpp), oldest first, at most f.page.limit + 1.
std::vector<parcel> list_parcels(connection& c, std::int64_t station_village_id, const parcel_filter& f);

}  // namespace cunji::storage
