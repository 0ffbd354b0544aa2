#pragma once
// The double-entry ledger: postings for each money event, balances, statements, payouts, and
// the check that recomputes everything from postings and orders.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/order.hpp"

namespace cunji::storage {

class connection;

// Payment: cash in; shop proceeds and partner fees owed (pending); the platform's net earned.
void post_payment(connection& c, const order& o, unix_seconds now);
// Delivery: pending proceeds and fees become available.
void post_delivery(connection& c, const order& o, unix_seconds now);
// Cancellation of a paid order: the payment's postings reversed.
void post_refund(connection& c, const order& o, unix_seconds now);

enum class payee_type { shop, partner };

struct balance {
  std::int64_t pending_fen = 0;
  std::int64_t available_fen = 0;
  std::int64_t paid_out_fen = 0;
};
// A farmer's balance over all its shops, or a partner's fees.
balance farmer_balance(connection& c, std::int64_t farmer_id);
balance partner_balance(connection& c, std::int64_t partner_id);

struct statement_entry {
  std::int64_t id = 0;  // posting id
  std::optional<std::int64_t> order_id;
  std::optional<std::int64_t> payout_id;
  std::string kind;  // e.g. payment_pending, delivery_available, payout_available
  std::int64_t amount_fen = 0;  // positive: more owed to the payee
  unix_seconds created_at = 0;
};
struct statement_query {
  payee_type type = payee_type::shop;
  std::int64_t account_id = 0;  // the farmer (its shops) or the partner
  std::optional<unix_seconds> from, to;
  std::int64_t before_id = 0;
  int limit = 20;
};
// Newest first.
std::vector<statement_entry> payee_statement(connection& c, const statement_query& q);

struct payout_record {
  std::int64_t id = 0;
  payee_type type = payee_type::shop;
  std::int64_t payee_id = 0;
  std::int64_t amount_fen = 0;
  unix_seconds created_at = 0;
};
// Pays out every positive available balance (one payout per payee) and posts it.
std::vector<payout_record> run_payouts(connection& c, unix_seconds now);

struct ledger_report {
  bool balanced = true;
  std::int64_t postings = 0;
  std::int64_t sum_fen = 0;
  std::int64_t orders_checked = 0;
  std::vector<std::string> mismatches;
};
// Recomputes: all postings sum to zero; each entry sums to zero; running balances equal the
// sums of postings; each order's postings equal what its snapshot and status imply; each
// order's lines add up to its subtotal and commission; payouts equal their postings.
ledger_report check_ledger(connection& c, std::size_t max_mismatches = 100);

}  // namespace cunji::storage
