#include "storage/postgresql/sql/ledger.hpp"

#include <limits>
#include <string>

#include "storage/postgresql/connection.hpp"

namespace cunji::storage::pg {

namespace {

// What the platform owes on two of a payee's ledger accounts (the negated running balances),
// and what it paid the payee out; `owners` picks the payee's owner ids with $1.
task<balance> owed(connection& c, std::string owners, ledger_account pending, ledger_account available, payee_type type,
                   std::int64_t payee) {
  const auto r = co_await c.query(
      "SELECT coalesce(-sum(amount_fen) FILTER (WHERE account = $2), 0), "
      "coalesce(-sum(amount_fen) FILTER (WHERE account = $3), 0), "
      "(SELECT coalesce(sum(amount_fen), 0) FROM payouts WHERE payee_type = $4 AND payee_id " +
          owners + ") FROM ledger_balances WHERE account IN ($2, $3) AND owner_id " + owners,
      params(payee, to_string(pending), to_string(available), to_string(type)));
  co_return balance{r.i64(0, 0), r.i64(0, 1), r.i64(0, 2)};
}

constexpr const char* farmer_shops = "IN (SELECT id FROM shops WHERE owner_account_id = $1)";

}  // namespace

task<void> post(connection& c, entry_kind kind, entry_links about, std::vector<posting> postings, unix_seconds now) {
  std::string sql =
      "INSERT INTO ledger_entries (kind, order_id, payout_id, payment_id, refund_id, handin_id, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)";
  auto values = params(to_string(kind), about.order_id, about.payout_id, about.payment_id, about.refund_id,
                       about.handin_id, now);
  // The postings in the same statement, in their order (their ids follow it).
  std::string rows;
  for (const auto& p : postings) {
    if (p.amount_fen == 0) continue;
    const auto n = values.size();
    rows += std::string(rows.empty() ? "" : ", ") + "($" + std::to_string(n + 1) + ", $" + std::to_string(n + 2) +
            "::bigint, $" + std::to_string(n + 3) + "::bigint, " + std::to_string(n) + ")";
    values.push_back(to_param(to_string(p.account)));
    values.push_back(to_param(p.owner_id));
    values.push_back(to_param(p.amount_fen));
  }
  if (!rows.empty())
    sql = "WITH e AS (" + sql +
          " RETURNING id) INSERT INTO ledger_postings (entry_id, account, owner_id, amount_fen, created_at) "
          "SELECT e.id, v.account, v.owner_id, v.amount_fen, $7 FROM e, (VALUES " +
          rows + ") AS v (account, owner_id, amount_fen, n) ORDER BY v.n";
  co_await c.query(std::move(sql), std::move(values));
}

task<balance> farmer_balance(connection& c, std::int64_t farmer_id) {
  co_return co_await owed(c, farmer_shops, ledger_account::shop_pending, ledger_account::shop_available,
                          payee_type::shop, farmer_id);
}

task<balance> partner_balance(connection& c, std::int64_t partner_id) {
  co_return co_await owed(c, "= $1", ledger_account::partner_pending, ledger_account::partner_available,
                          payee_type::partner, partner_id);
}

task<std::vector<statement_entry>> payee_statement(connection& c, payee_type type, statement_query q) {
  std::vector<param> values{to_param(q.caller.id)};
  auto arg = [&values](std::int64_t v) {
    values.push_back(to_param(v));
    return "$" + std::to_string(values.size());
  };
  std::string sql =
      "SELECT p.id, e.order_id, e.payout_id, e.kind || '_' || substr(p.account, strpos(p.account, '_') + 1), "
      "-p.amount_fen, p.created_at FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id WHERE ";
  if (type == payee_type::shop)
    sql +=
        "p.account IN ('shop_pending', 'shop_available') AND p.owner_id IN "
        "(SELECT id FROM shops WHERE owner_account_id = $1)";
  else sql += "p.account IN ('partner_pending', 'partner_available') AND p.owner_id = $1";
  if (q.from) sql += " AND p.created_at >= " + arg(*q.from);
  if (q.to) sql += " AND p.created_at < " + arg(*q.to);
  sql += " AND p.id < " + arg(q.page.after.empty() ? std::numeric_limits<std::int64_t>::max() : q.page.after.front());
  sql += " ORDER BY p.id DESC LIMIT " + arg(q.page.limit + 1);
  const auto r = co_await c.query(std::move(sql), std::move(values));
  std::vector<statement_entry> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.i64(i, 0), r.opt_i64(i, 1), r.opt_i64(i, 2), std::string(r.text(i, 3)), r.i64(i, 4), r.i64(i, 5)});
  co_return out;
}

task<std::vector<payout_record>> run_payouts(connection& c, unix_seconds now) {
  std::vector<payout_record> due;
  {
    // Every payee owed money, and every partner owed the cash it paid back (held below zero)
    // even if owed no fees.
    const auto r = co_await c.query(
        "SELECT account, owner_id, owed FROM (SELECT account, owner_id, -amount_fen AS owed FROM ledger_balances "
        "WHERE account IN ('shop_available', 'partner_available') AND amount_fen < 0 "
        "UNION ALL SELECT 'partner_available', s.owner_id, -coalesce(a.amount_fen, 0) FROM ledger_balances s "
        "LEFT JOIN ledger_balances a ON a.account = 'partner_available' AND a.owner_id = s.owner_id "
        "WHERE s.account = 'station_cash' AND s.amount_fen < 0 AND coalesce(a.amount_fen, 0) >= 0) due "
        "ORDER BY account COLLATE \"C\", owner_id");
    for (int i = 0; i < r.rows(); ++i)
      due.push_back({0, r.text(i, 0) == "shop_available" ? payee_type::shop : payee_type::partner, r.i64(i, 1),
                     r.i64(i, 2), now});
  }
  std::vector<payout_record> paid;
  for (auto p : due) {
    if (p.type == payee_type::partner) {
      const auto split = split_partner_payout(p.amount_fen, co_await station_cash_held(c, p.payee_id));
      if (split.kept_fen != 0) {
        const auto h = co_await c.query(
            "INSERT INTO cash_handins (partner_id, amount_fen, reference, created_at) VALUES ($1, $2, 'payout', $3) "
            "RETURNING id",
            params(p.payee_id, split.kept_fen, now));
        entry_links about;
        about.handin_id = h.i64(0, 0);
        co_await post(c, entry_kind::settlement, about, settlement_postings(p.payee_id, split.kept_fen), now);
      }
      p.amount_fen = split.paid_fen;
      if (p.amount_fen == 0) continue;
    }
    const auto r = co_await c.query(
        "INSERT INTO payouts (payee_type, payee_id, amount_fen, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        params(to_string(p.type), p.payee_id, p.amount_fen, now));
    p.id = r.i64(0, 0);
    entry_links about;
    about.payout_id = p.id;
    co_await post(c, entry_kind::payout, about, payout_postings(p.type, p.payee_id, p.amount_fen), now);
    paid.push_back(p);
  }
  co_return paid;
}

task<platform_figures> read_platform_figures(connection& c, day_range period) {
  const auto from = period.from * seconds_per_day, to = period.to * seconds_per_day;
  const auto moved = co_await c.query(
      "SELECT coalesce(sum(amount_fen) FILTER (WHERE account = $3), 0), "
      "coalesce(sum(amount_fen) FILTER (WHERE account = $4), 0), "
      "coalesce(sum(amount_fen) FILTER (WHERE account = $5), 0) FROM ledger_postings "
      "WHERE account IN ($3, $4, $5) AND created_at >= $1 AND created_at < $2",
      params(from, to, to_string(ledger_account::commission), to_string(ledger_account::delivery_fees),
             to_string(ledger_account::partner_fees_expense)));
  const auto held = co_await c.query(
      "SELECT coalesce(sum(amount_fen) FILTER (WHERE account = $1), 0), "
      "coalesce(sum(amount_fen) FILTER (WHERE account = $2), 0) FROM ledger_balances WHERE account IN ($1, $2)",
      params(to_string(ledger_account::cash), to_string(ledger_account::station_cash)));
  const auto payouts = co_await c.query(
      "SELECT coalesce(sum(amount_fen), 0) FROM payouts WHERE created_at >= $1 AND created_at < $2", params(from, to));
  platform_figures f;
  f.commission_fen = -moved.i64(0, 0);
  f.delivery_fees_fen = -moved.i64(0, 1);
  f.partner_fees_fen = moved.i64(0, 2);
  f.net_revenue_fen = f.commission_fen + f.delivery_fees_fen - f.partner_fees_fen;
  f.cash_fen = held.i64(0, 0);
  f.station_cash_held_fen = held.i64(0, 1);
  f.payouts_fen = payouts.i64(0, 0);
  co_return f;
}

}  // namespace cunji::storage::pg
