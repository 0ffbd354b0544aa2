// TEMPORARY: the ledger's post(), which payments, returns and the order moves call, until the
// money area brings storage/postgresql/sql/ledger.cpp (this file is then removed).
#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/sql/ledger.hpp"

namespace cunji::storage::pg {

task<void> post(connection& c, entry_kind kind, entry_links about, std::vector<posting> postings, unix_seconds now) {
  const auto entry = co_await c.query(
      "INSERT INTO ledger_entries (kind, order_id, payout_id, payment_id, refund_id, handin_id, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
      params(to_string(kind), about.order_id, about.payout_id, about.payment_id, about.refund_id, about.handin_id,
             now));
  const auto entry_id = entry.i64(0, 0);
  for (const auto& p : postings) {
    if (p.amount_fen == 0) continue;
    co_await c.query(
        "INSERT INTO ledger_postings (entry_id, account, owner_id, amount_fen, created_at) VALUES ($1, $2, $3, $4, $5)",
        params(entry_id, to_string(p.account), p.owner_id, p.amount_fen, now));
  }
}

}  // namespace cunji::storage::pg
