#pragma once
// The fee schedule, balances, statements, payouts and the ledger check at the storage seam
// (storage/store.hpp). The ledger's rules are core/ledger.hpp's.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/account.hpp"
#include "core/fees.hpp"
#include "core/ledger.hpp"
#include "core/sales.hpp"
#include "storage/common.hpp"

namespace cunji::storage {

struct balance {
  std::int64_t pending_fen = 0;
  std::int64_t available_fen = 0;
  std::int64_t paid_out_fen = 0;
};

struct statement_entry {
  std::int64_t id = 0;  // posting id
  std::optional<std::int64_t> order_id;
  std::optional<std::int64_t> payout_id;
  std::string kind;             // the entry's kind and the account: payment_pending, delivery_available, ...
  std::int64_t amount_fen = 0;  // positive: more owed to the payee
  unix_seconds created_at = 0;
};

struct statement_query {
  account caller;  // a farmer (its shops) or a partner (its fees)
  std::optional<unix_seconds> from, to;
  page_request page;  // keys: {id}, newest first
};

struct payout_record {
  std::int64_t id = 0;
  payee_type type = payee_type::shop;
  std::int64_t payee_id = 0;
  std::int64_t amount_fen = 0;
  unix_seconds created_at = 0;
};

struct ledger_report {
  bool balanced = true;
  std::int64_t postings = 0;
  std::int64_t sum_fen = 0;
  std::int64_t orders_checked = 0;
  std::vector<std::string> mismatches;
};

// The platform's own figures, from the ledger: what it earned and paid in a period, and what
// it holds now.
struct platform_figures {
  std::int64_t commission_fen = 0;         // commission earned in the period (less refunds)
  std::int64_t delivery_fees_fen = 0;      // delivery fees likewise
  std::int64_t partner_fees_fen = 0;       // partner fees it took on, paid out of its commission
  std::int64_t net_revenue_fen = 0;        // commission + delivery fees − partner fees
  std::int64_t cash_fen = 0;               // now: its cash account (receipts and hand-ins, less refunds and payouts)
  std::int64_t station_cash_held_fen = 0;  // now: cash partners hold at their stations
  std::int64_t payouts_fen = 0;            // paid out in the period
};

// Cash a partner brought in to the platform (recorded by an admin), or the part of a payout
// that settled the cash it held (reference "payout", recorded_by empty).
struct cash_handin {
  std::int64_t id = 0;
  std::int64_t partner_id = 0;
  std::int64_t amount_fen = 0;
  std::optional<std::string> reference;
  unix_seconds created_at = 0;
};

struct handin_request {
  account caller;  // an admin
  std::int64_t partner_id = 0;
  std::int64_t amount_fen = 0;
  std::optional<std::string> reference;
  std::vector<field_error> invalid;  // answered as 422 after the 404 check
  unix_seconds now = 0;
};

// A partner's cash at its station: held now, and what moved in a period, day by day.
struct station_cash_day {
  day_number day = 0;
  std::int64_t collected_fen = 0;
  std::int64_t handed_in_fen = 0;
  std::int64_t refunded_fen = 0;
};
struct station_cash_report {
  std::int64_t held_fen = 0;  // now: collected − handed in − refunded, over all time
  std::int64_t collected_fen = 0;
  std::int64_t handed_in_fen = 0;
  std::int64_t refunded_fen = 0;
  std::vector<station_cash_day> days;  // days of the period with any movement, oldest first
};

class money_store {
 public:
  virtual ~money_store() = default;

  virtual task<fee_schedule> fee_schedule_in_force() = 0;
  // A full replacement; applies to orders placed from then on.
  virtual task<fee_schedule> replace_fee_schedule(fee_schedule s, unix_seconds now) = 0;

  // A farmer's balance over its shops, or a partner's fees (forbidden for other roles).
  virtual task<result<balance>> balance_of(account caller) = 0;
  virtual task<result<page<statement_entry>>> statement(statement_query q) = 0;

  // Pays out every positive available balance (one payout per payee) and posts it. A partner
  // is paid max(0, available − held): the part kept back settles the cash it holds (a hand-in
  // with reference "payout"; core::split_partner_payout).
  virtual task<std::vector<payout_record>> run_payouts(unix_seconds now) = 0;

  // A partner's station cash (the partner itself or an admin; else not_found, as for a
  // partner that does not exist).
  virtual task<result<station_cash_report>> station_cash(account caller, std::int64_t partner_id, day_range period) = 0;
  // An admin records cash a partner brought in: 404 for no such partner, 422 for bad fields,
  // 409 conflict for more than the partner holds. With a key, a repeat gets the first answer.
  virtual task<answer> hand_in(handin_request r, std::optional<idempotency_key> key, renderer<cash_handin> render) = 0;

  // Read from the ledger's postings in [period) and its balances now (admins).
  virtual task<platform_figures> platform(day_range period) = 0;

  // Recomputes the books: all postings and every entry sum to zero; running balances equal
  // their postings; each order's postings equal core::expected_order_postings; each order's
  // lines add up to its subtotal and commission; payouts equal their postings; the sales
  // rollups equal a recomputation from orders; each partner's station cash equals its cash
  // payments − hand-ins − cash refunds.
  virtual task<ledger_report> check_ledger() = 0;
};

}  // namespace cunji::storage
