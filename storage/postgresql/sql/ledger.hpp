#pragma once
// Ledger SQL on PostgreSQL (the SQLite engine's: storage/sql/ledger.hpp): entries and postings
// as core/ledger.hpp makes them, balances, statements, payouts, station cash, and the
// self-check (ledger_check.cpp). Reads that need one snapshot run in the caller's transaction
// (engine::snapshot); payouts and hand-ins in a SERIALIZABLE one (engine::write).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/ledger.hpp"
#include "core/order.hpp"
#include "storage/money.hpp"
#include "storage/sql/ledger.hpp"  // entry_links (declarations only)

namespace cunji::storage::pg {

class connection;

// What a ledger entry is about: the SQLite engine's struct.
using storage::entry_links;

// One entry of `kind` with its postings (core/ledger.hpp makes them; zero amounts are left out).
task<void> post(connection& c, entry_kind kind, entry_links about, std::vector<posting> postings, unix_seconds now);

// A farmer's balance over all its shops, or a partner's fees.
task<balance> farmer_balance(connection& c, std::int64_t farmer_id);
task<balance> partner_balance(connection& c, std::int64_t partner_id);

// A payee's postings, newest first, at most q.page.limit + 1 (the extra one tells there is more).
task<std::vector<statement_entry>> payee_statement(connection& c, payee_type type, statement_query q);

// Pays out every positive available balance (one payout per payee) and posts it; a partner is
// paid max(0, available − held), the rest settling the cash it holds.
task<std::vector<payout_record>> run_payouts(connection& c, unix_seconds now);

// A partner's station cash (storage/money.hpp); held now, the rest within `period`; not_found
// unless `partner_id` is a partner.
task<result<station_cash_report>> read_station_cash(connection& c, std::int64_t partner_id, day_range period);
// Records a hand-in and posts it (core::handin_postings); 404, 422 or 409 as money_store::hand_in says.
task<result<cash_handin>> record_handin(connection& c, handin_request r);
// What a partner holds now (the balance of its station cash).
task<std::int64_t> station_cash_held(connection& c, std::int64_t partner_id);

// See money_store::platform (storage/money.hpp).
task<platform_figures> read_platform_figures(connection& c, day_range period);

// See money_store::check_ledger (storage/money.hpp). Reads every table: run it in one snapshot.
task<ledger_report> check_ledger(connection& c, std::size_t max_mismatches = 100);

}  // namespace cunji::storage::pg
