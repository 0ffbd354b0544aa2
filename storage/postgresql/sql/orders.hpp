#pragma once
// Order SQL on PostgreSQL: placement, reads, lists (the SQLite engine's: storage/sql/orders.hpp).
// The moves of an order are in order_moves.hpp.
#include <optional>
#include <vector>

#include "core/order.hpp"
#include "core/policy.hpp"
#include "core/purchase.hpp"
#include "storage/orders.hpp"
#include "storage/purchases.hpp"

namespace cunji::storage::pg {

class connection;

// The whole placement inside the caller's transaction: reads the rows, checks them
// (core::check_placement), takes the stock (storage/postgresql/stock.hpp), prices the order with
// the fee schedule in force and inserts it with its lines and partner fees. Returns the check's
// error when it fails; the caller rolls back (engine::idempotent does, to its savepoint).
task<result<order>> place_order(connection& c, place_order_request r);

// A purchase: every shop's lines checked as place_order checks an order's, every bad field and
// then every listing short of stock named over all shops at once, and only then one order per
// shop stored (each with its own pickup code).
task<result<purchase>> place_purchase(connection& c, place_purchase_request r);
// A purchase with its orders (as stored: with their pickup codes), or nullopt.
task<std::optional<purchase>> find_purchase(connection& c, std::int64_t id);

task<std::optional<order>> find_order(connection& c, std::int64_t id);
task<order_parties> parties_of(connection& c, const order& o);
// `o` as `caller` may read it: without the pickup code unless it is the caller's to see.
task<order> as_seen_by(connection& c, account caller, order o);

// One lifecycle move (ship, arrive, deliver, cancel) with its ledger postings and stock.
task<result<order>> transition_order(connection& c, transition_request r);

// What a hand-over came to: the order delivered, or refused with a wrong code (which is stored,
// so it is an outcome to commit, not an error to roll back).
struct handover_outcome {
  std::optional<order> delivered;
  std::optional<error> refused;
};
task<result<handover_outcome>> hand_over_order(connection& c, handover_request r);

// Newest first, at most f.page.limit + 1 (the extra one tells there is more).
task<std::vector<order>> list_orders(connection& c, order_list_filter f);

// The station's parcels, oldest first, at most f.page.limit + 1.
task<std::vector<parcel>> list_parcels(connection& c, std::int64_t station_village_id, parcel_filter f);

}  // namespace cunji::storage::pg
