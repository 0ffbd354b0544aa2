#include "storage/sql/ledger.hpp"

#include <limits>

#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

namespace {

// What the platform owes on a ledger account: the negated running balance.
std::int64_t owed(connection& c, ledger_account account, const char* owner_sql, std::int64_t owner) {
  auto q = c.prepare(std::string("SELECT coalesce(-sum(amount_fen), 0) FROM ledger_balances WHERE account = ? AND ") +
                     owner_sql);
  q.bind(1, to_string(account)).bind(2, owner);
  q.step();
  return q.i64(0);
}

constexpr const char* farmer_shops = "owner_id IN (SELECT id FROM shops WHERE owner_account_id = ?)";

}  // namespace

void post(connection& c, entry_kind kind, const entry_links& about, const std::vector<posting>& postings,
          unix_seconds now) {
  c.run(
      "INSERT INTO ledger_entries (kind, order_id, payout_id, payment_id, refund_id, handin_id, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      to_string(kind), about.order_id, about.payout_id, about.payment_id, about.refund_id, about.handin_id, now);
  const auto entry = c.last_insert_rowid();
  for (const auto& p : postings) {
    if (p.amount_fen == 0) continue;
    c.run("INSERT INTO ledger_postings (entry_id, account, owner_id, amount_fen, created_at) VALUES (?, ?, ?, ?, ?)",
          entry, to_string(p.account), p.owner_id, p.amount_fen, now);
  }
}

balance farmer_balance(connection& c, std::int64_t farmer_id) {
  balance b;
  b.pending_fen = owed(c, ledger_account::shop_pending, farmer_shops, farmer_id);
  b.available_fen = owed(c, ledger_account::shop_available, farmer_shops, farmer_id);
  auto q = c.prepare(
      "SELECT coalesce(sum(amount_fen), 0) FROM payouts WHERE payee_type = 'shop' AND "
      "payee_id IN (SELECT id FROM shops WHERE owner_account_id = ?)");
  q.bind(1, farmer_id);
  q.step();
  b.paid_out_fen = q.i64(0);
  return b;
}

balance partner_balance(connection& c, std::int64_t partner_id) {
  balance b;
  b.pending_fen = owed(c, ledger_account::partner_pending, "owner_id = ?", partner_id);
  b.available_fen = owed(c, ledger_account::partner_available, "owner_id = ?", partner_id);
  auto q = c.prepare("SELECT coalesce(sum(amount_fen), 0) FROM payouts WHERE payee_type = 'partner' AND payee_id = ?");
  q.bind(1, partner_id);
  q.step();
  b.paid_out_fen = q.i64(0);
  return b;
}

std::vector<statement_entry> payee_statement(connection& c, payee_type type, const statement_query& sq) {
  std::string sql =
      "SELECT p.id, e.order_id, e.payout_id, e.kind || '_' || substr(p.account, instr(p.account, '_') + 1), "
      "-p.amount_fen, p.created_at FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id WHERE ";
  if (type == payee_type::shop)
    sql +=
        "p.account IN ('shop_pending', 'shop_available') AND p.owner_id IN "
        "(SELECT id FROM shops WHERE owner_account_id = ?1)";
  else sql += "p.account IN ('partner_pending', 'partner_available') AND p.owner_id = ?1";
  if (sq.from) sql += " AND p.created_at >= ?2";
  if (sq.to) sql += " AND p.created_at < ?3";
  sql += " AND p.id < ?4 ORDER BY p.id DESC LIMIT ?5";
  auto q = c.prepare(sql);
  q.bind(1, sq.caller.id);
  if (sq.from) q.bind(2, *sq.from);
  if (sq.to) q.bind(3, *sq.to);
  q.bind(4, sq.page.after.empty() ? std::numeric_limits<std::int64_t>::max() : sq.page.after.front());
  q.bind(5, sq.page.limit + 1);
  std::vector<statement_entry> out;
  while (q.step()) out.push_back({q.i64(0), q.opt_i64(1), q.opt_i64(2), q.str(3), q.i64(4), q.i64(5)});
  return out;
}

std::vector<payout_record> run_payouts(connection& c, unix_seconds now) {
  std::vector<payout_record> due;
  {
    // Every payee owed money, and every partner owed the cash it paid back (held below zero)
    // even if owed no fees.
    auto q = c.prepare(
        "SELECT account, owner_id, -amount_fen FROM ledger_balances "
        "WHERE account IN ('shop_available', 'partner_available') AND amount_fen < 0 "
        "UNION ALL SELECT 'partner_available', s.owner_id, -coalesce(a.amount_fen, 0) FROM ledger_balances s "
        "LEFT JOIN ledger_balances a ON a.account = 'partner_available' AND a.owner_id = s.owner_id "
        "WHERE s.account = 'station_cash' AND s.amount_fen < 0 AND coalesce(a.amount_fen, 0) >= 0 ORDER BY 1, 2");
    while (q.step())
      due.push_back(
          {0, q.text(0) == "shop_available" ? payee_type::shop : payee_type::partner, q.i64(1), q.i64(2), now});
  }
  std::vector<payout_record> paid;
  for (auto p : due) {
    if (p.type == payee_type::partner) {
      const auto split = split_partner_payout(p.amount_fen, station_cash_held(c, p.payee_id));
      if (split.kept_fen != 0) {
        c.run("INSERT INTO cash_handins (partner_id, amount_fen, reference, created_at) VALUES (?, ?, 'payout', ?)",
              p.payee_id, split.kept_fen, now);
        post(c, entry_kind::settlement, {.handin_id = c.last_insert_rowid()},
             settlement_postings(p.payee_id, split.kept_fen), now);
      }
      p.amount_fen = split.paid_fen;
      if (p.amount_fen == 0) continue;
    }
    c.run("INSERT INTO payouts (payee_type, payee_id, amount_fen, created_at) VALUES (?, ?, ?, ?)", to_string(p.type),
          p.payee_id, p.amount_fen, now);
    p.id = c.last_insert_rowid();
    post(c, entry_kind::payout, {.payout_id = p.id}, payout_postings(p.type, p.payee_id, p.amount_fen), now);
    paid.push_back(p);
  }
  return paid;
}

platform_figures read_platform_figures(connection& c, day_range period) {
  auto moved = [&](ledger_account a) {
    auto q = c.prepare(
        "SELECT coalesce(sum(amount_fen), 0) FROM ledger_postings WHERE account = ? AND created_at >= ? "
        "AND created_at < ?");
    q.bind(1, to_string(a)).bind(2, period.from * seconds_per_day).bind(3, period.to * seconds_per_day);
    q.step();
    return q.i64(0);
  };
  auto balance = [&](ledger_account a) {
    auto q = c.prepare("SELECT coalesce(sum(amount_fen), 0) FROM ledger_balances WHERE account = ?");
    q.bind(1, to_string(a));
    q.step();
    return q.i64(0);
  };
  platform_figures f;
  f.commission_fen = -moved(ledger_account::commission);
  f.delivery_fees_fen = -moved(ledger_account::delivery_fees);
  f.partner_fees_fen = moved(ledger_account::partner_fees_expense);
  f.net_revenue_fen = f.commission_fen + f.delivery_fees_fen - f.partner_fees_fen;
  f.cash_fen = balance(ledger_account::cash);
  f.station_cash_held_fen = balance(ledger_account::station_cash);
  auto q = c.prepare("SELECT coalesce(sum(amount_fen), 0) FROM payouts WHERE created_at >= ? AND created_at < ?");
  q.bind(1, period.from * seconds_per_day).bind(2, period.to * seconds_per_day);
  q.step();
  f.payouts_fen = q.i64(0);
  return f;
}

}  // namespace cunji::storage
