#pragma once
// Ledger SQL: entries and postings as core/ledger.hpp makes them, balances, statements,
// payouts, and the self-check (ledger_check.cpp).
#include <cstdint>
#include <optional>
#include <vector>

#include "core/ledger.hpp"
#include "core/order.hpp"
#include "storage/money.hpp"

namespace cunji::storage {

class connection;

// What a ledger entry is about.
struct entry_links {
  std::optional<std::int64_t> order_id{};
  std::optional<std::int64_t> payout_id{};
  std::optional<std::int64_t> payment_id{};
  std::optional<std::int64_t> refund_id{};
  std::optional<std::int64_t> handin_id{};
};

// One entry of `kind` with its postings (core/ledger.hpp makes them; zero amounts are left out).
void post(connection& c, entry_kind kind, const entry_links& about, const std::vector<posting>& postings,
          unix_seconds now);

// A farmer's balance over all its shops, or a partner's fees.
balance farmer_balance(connection& c, std::int64_t farmer_id);
balance partner_balance(connection& c, std::int64_t partner_id);

// A payee's postings, newest first, at most q.page.limit + 1 (the extra one tells there is more).
std::vector<statement_entry> payee_statement(connection& c, payee_type type, const statement_query& q);

// Pays out every positive available balance (one payout per payee) and posts it.
std::vector<payout_record> run_payouts(connection& c, unix_seconds now);

// A partner's station cash (storage/money.hpp); held now, the rest within `period`; not_found
// unless `partner_id` is a partner.
result<station_cash_report> read_station_cash(connection& c, std::int64_t partner_id, day_range period);
// Records a hand-in and posts it (core::handin_postings); 404, 422 or 409 as money_store::hand_in says.
result<cash_handin> record_handin(connection& c, const handin_request& r);
// What a partner holds now (the balance of its station cash).
std::int64_t station_cash_held(connection& c, std::int64_t partner_id);

// See money_store::platform (storage/money.hpp).
platform_figures read_platform_figures(connection& c, day_range period);

// See money_store::check_ledger (storage/money.hpp).
ledger_report check_ledger(connection& c, std::size_t max_mismatches = 100);

}  // namespace cunji::storage
