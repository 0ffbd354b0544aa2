// A partner's cash at its station: hand-ins and the day-by-day reconciliation, read from the
// partner's station cash postings (core/ledger.hpp: payments add, refunds, hand-ins and payout
// settlements take away).
#include "storage/sql/ledger.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/transaction.hpp"

namespace cunji::storage {

namespace {

bool is_partner(connection& c, std::int64_t id) {
  auto q = c.prepare("SELECT 1 FROM accounts WHERE id = ? AND role = 'partner'");
  q.bind(1, id);
  return q.step();
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

std::int64_t station_cash_held(connection& c, std::int64_t partner_id) {
  auto q = c.prepare("SELECT coalesce(sum(amount_fen), 0) FROM ledger_balances WHERE account = ? AND owner_id = ?");
  q.bind(1, to_string(ledger_account::station_cash)).bind(2, partner_id);
  q.step();
  return q.i64(0);
}

result<station_cash_report> read_station_cash(connection& c, std::int64_t partner_id, day_range period) {
  if (!is_partner(c, partner_id)) return no_partner();
  station_cash_report r;
  r.held_fen = station_cash_held(c, partner_id);
  auto q = c.prepare(
      "SELECT p.created_at / 86400, e.kind, sum(p.amount_fen) FROM ledger_postings p "
      "JOIN ledger_entries e ON e.id = p.entry_id WHERE p.account = ? AND p.owner_id = ? "
      "AND p.created_at >= ? AND p.created_at < ? GROUP BY 1, 2 ORDER BY 1");
  q.bind(1, to_string(ledger_account::station_cash)).bind(2, partner_id);
  q.bind(3, period.from * seconds_per_day).bind(4, period.to * seconds_per_day);
  while (q.step()) {
    if (r.days.empty() || r.days.back().day != q.i64(0)) r.days.push_back({.day = q.i64(0)});
    cash_moves m;
    m.add(q.text(1), q.i64(2));
    auto& d = r.days.back();
    d.collected_fen += m.collected;
    d.handed_in_fen += m.handed_in;
    d.refunded_fen += m.refunded;
    r.collected_fen += m.collected;
    r.handed_in_fen += m.handed_in;
    r.refunded_fen += m.refunded;
  }
  return r;
}

result<cash_handin> record_handin(connection& c, const handin_request& r) {
  if (!is_partner(c, r.partner_id)) return no_partner();
  if (!r.invalid.empty()) return validation(r.invalid);
  const auto held = station_cash_held(c, r.partner_id);
  if (r.amount_fen > held)
    return error{errc::conflict, "The partner holds " + std::to_string(held) + " fen of cash; " +
                                     std::to_string(r.amount_fen) + " fen cannot be handed in."};
  c.run("INSERT INTO cash_handins (partner_id, amount_fen, reference, recorded_by, created_at) VALUES (?, ?, ?, ?, ?)",
        r.partner_id, r.amount_fen, r.reference, r.caller.id, r.now);
  cash_handin h{c.last_insert_rowid(), r.partner_id, r.amount_fen, r.reference, r.now};
  post(c, entry_kind::handin, {.handin_id = h.id}, handin_postings(r.partner_id, r.amount_fen), r.now);
  return h;
}

}  // namespace cunji::storage
