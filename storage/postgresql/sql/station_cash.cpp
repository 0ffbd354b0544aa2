// A partner's cash at its station on PostgreSQL: hand-ins and the day-by-day reconciliation,
// read from the partner's station cash postings (core/ledger.hpp: payments add, refunds,
// hand-ins and payout settlements take away).
#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/sql/ledger.hpp"

namespace cunji::storage::pg {

namespace {

task<bool> is_partner(connection& c, std::int64_t id) {
  const auto r = co_await c.query("SELECT 1 FROM accounts WHERE id = $1 AND role = 'partner'", params(id));
  co_return r.rows() > 0;
}

error no_partner() { return error{errc::not_found, "No such partner."}; }

// Which figure an entry of `kind` moves, with the sign that makes it positive.
struct cash_moves {
  std::int64_t collected = 0, handed_in = 0, refunded = 0;
  void add(std::string_view kind, std::int64_t amount) {
    if (kind == to_string(entry_kind::payment)) collected += amount;
    else if (kind == to_string(entry_kind::refund)) refunded -= amount;
    else handed_in -= amount;  // hand-ins and payout settlements
  }
};

}  // namespace

task<std::int64_t> station_cash_held(connection& c, std::int64_t partner_id) {
  const auto r = co_await c.query(
      "SELECT coalesce(sum(amount_fen), 0) FROM ledger_balances WHERE account = $1 AND owner_id = $2",
      params(to_string(ledger_account::station_cash), partner_id));
  co_return r.i64(0, 0);
}

task<result<station_cash_report>> read_station_cash(connection& c, std::int64_t partner_id, day_range period) {
  const bool partner = co_await is_partner(c, partner_id);
  if (!partner) co_return no_partner();
  station_cash_report report;
  report.held_fen = co_await station_cash_held(c, partner_id);
  const auto r = co_await c.query(
      "SELECT p.created_at / 86400, e.kind, sum(p.amount_fen) FROM ledger_postings p "
      "JOIN ledger_entries e ON e.id = p.entry_id WHERE p.account = $1 AND p.owner_id = $2 "
      "AND p.created_at >= $3 AND p.created_at < $4 GROUP BY 1, 2 ORDER BY 1",
      params(to_string(ledger_account::station_cash), partner_id, period.from * seconds_per_day,
             period.to * seconds_per_day));
  for (int i = 0; i < r.rows(); ++i) {
    if (report.days.empty() || report.days.back().day != r.i64(i, 0)) report.days.push_back({.day = r.i64(i, 0)});
    cash_moves m;
    m.add(r.text(i, 1), r.i64(i, 2));
    auto& d = report.days.back();
    d.collected_fen += m.collected;
    d.handed_in_fen += m.handed_in;
    d.refunded_fen += m.refunded;
    report.collected_fen += m.collected;
    report.handed_in_fen += m.handed_in;
    report.refunded_fen += m.refunded;
  }
  co_return report;
}

task<result<cash_handin>> record_handin(connection& c, handin_request r) {
  const bool partner = co_await is_partner(c, r.partner_id);
  if (!partner) co_return no_partner();
  if (!r.invalid.empty()) co_return validation(r.invalid);
  const auto held = co_await station_cash_held(c, r.partner_id);
  if (r.amount_fen > held)
    co_return error{errc::conflict, "The partner holds " + std::to_string(held) + " fen of cash; " +
                                        std::to_string(r.amount_fen) + " fen cannot be handed in."};
  const auto row = co_await c.query(
      "INSERT INTO cash_handins (partner_id, amount_fen, reference, recorded_by, created_at) "
      "VALUES ($1, $2, $3, $4, $5) RETURNING id",
      params(r.partner_id, r.amount_fen, r.reference, r.caller.id, r.now));
  const cash_handin h{row.i64(0, 0), r.partner_id, r.amount_fen, r.reference, r.now};
  entry_links about;
  about.handin_id = h.id;
  co_await post(c, entry_kind::handin, about, handin_postings(r.partner_id, r.amount_fen), r.now);
  co_return h;
}

}  // namespace cunji::storage::pg
