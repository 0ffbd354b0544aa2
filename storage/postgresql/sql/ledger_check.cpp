// The ledger's self-check on PostgreSQL (the SQLite engine's: storage/sql/ledger_check.cpp): the
// books recomputed from postings, orders and payouts, with each order's postings held against
// core::expected_order_postings. The caller runs it in one snapshot.
#include <string>

#include "core/order_state.hpp"
#include "core/payment.hpp"
#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/sql/ledger.hpp"
#include "storage/postgresql/sql/reports.hpp"
#include "storage/postgresql/sql/row_cursor.hpp"

namespace cunji::storage::pg {

namespace {

class mismatches {
 public:
  mismatches(ledger_report& r, std::size_t max) : r_(r), max_(max) {}
  void add(std::string m) {
    r_.balanced = false;
    if (r_.mismatches.size() < max_) r_.mismatches.push_back(std::move(m));
  }

 private:
  ledger_report& r_;
  std::size_t max_;
};

std::string n(std::int64_t v) { return std::to_string(v); }

// All postings and every entry sum to zero; running balances and payouts equal their postings.
task<void> check_books(connection& c, ledger_report& r, mismatches& bad) {
  const auto all = co_await c.query("SELECT count(*), coalesce(sum(amount_fen), 0) FROM ledger_postings");
  r.postings = all.i64(0, 0);
  r.sum_fen = all.i64(0, 1);
  if (r.sum_fen != 0) bad.add("postings sum to " + n(r.sum_fen) + " fen, not 0");
  const auto entries = co_await c.query(
      "SELECT entry_id, sum(amount_fen) FROM ledger_postings GROUP BY entry_id HAVING sum(amount_fen) <> 0 "
      "ORDER BY entry_id");
  for (int i = 0; i < entries.rows(); ++i)
    bad.add("entry " + n(entries.i64(i, 0)) + " sums to " + n(entries.i64(i, 1)));
  const auto balances = co_await c.query(
      "SELECT coalesce(b.account, s.account), coalesce(b.owner_id, s.owner_id), coalesce(b.amount_fen, 0), "
      "coalesce(s.total, 0) FROM ledger_balances b FULL JOIN (SELECT account, owner_id, sum(amount_fen) AS total "
      "FROM ledger_postings GROUP BY account, owner_id) s ON s.account = b.account AND s.owner_id = b.owner_id "
      "WHERE b.amount_fen IS DISTINCT FROM s.total AND NOT (b.amount_fen = 0 AND s.total IS NULL) "
      "ORDER BY coalesce(b.account, s.account) COLLATE \"C\", 2");
  for (int i = 0; i < balances.rows(); ++i)
    bad.add("balance of " + std::string(balances.text(i, 0)) + "/" + n(balances.i64(i, 1)) + " is " +
            n(balances.i64(i, 2)) + " but its postings sum to " + n(balances.i64(i, 3)));
  const auto payouts = co_await c.query(
      "SELECT p.id, p.amount_fen, coalesce(x.total, 0) FROM payouts p LEFT JOIN (SELECT e.payout_id, "
      "sum(lp.amount_fen) AS total FROM ledger_entries e JOIN ledger_postings lp ON lp.entry_id = e.id "
      "WHERE e.payout_id IS NOT NULL AND lp.account <> 'cash' GROUP BY e.payout_id) x ON x.payout_id = p.id "
      "WHERE p.amount_fen <> coalesce(x.total, 0) ORDER BY p.id");
  for (int i = 0; i < payouts.rows(); ++i)
    bad.add("payout " + n(payouts.i64(i, 0)) + " of " + n(payouts.i64(i, 1)) + " is posted as " + n(payouts.i64(i, 2)));
  // What is owed back to buyers is what the refunds not yet sent add up to.
  const auto due = co_await c.query(
      "SELECT coalesce((SELECT -amount_fen FROM ledger_balances WHERE account = 'refunds_due' AND owner_id = 0), 0), "
      "(SELECT coalesce(sum(amount_fen), 0) FROM refunds WHERE status = 'pending')");
  if (due.i64(0, 0) != due.i64(0, 1))
    bad.add("refunds due are " + n(due.i64(0, 0)) + " fen but the pending refunds add up to " + n(due.i64(0, 1)));
}

// Station cash, per partner: cash payments − hand-ins − cash refunds, from the orders and the
// hand-ins themselves, equals the partner's station cash balance; each hand-in is posted once.
task<void> check_station_cash(connection& c, mismatches& bad) {
  const auto held = co_await c.query(
      "WITH expected (partner, fen) AS ("
      "  SELECT payment_collected_by, sum(CASE WHEN status IN ('cancelled', 'returned_to_shop', 'refunded') "
      "    THEN 0 ELSE total_fen END) FROM orders WHERE payment_collected_by IS NOT NULL "
      "    AND payment_method = 'cash_at_station' AND status <> 'placed' GROUP BY 1"
      "  UNION ALL SELECT partner_id, -sum(amount_fen) FROM cash_handins GROUP BY 1), "
      "totals (partner, fen) AS (SELECT partner, sum(fen) FROM expected GROUP BY 1) "
      "SELECT coalesce(t.partner, b.owner_id), coalesce(t.fen, 0), coalesce(b.amount_fen, 0) FROM totals t "
      "FULL JOIN (SELECT owner_id, amount_fen FROM ledger_balances WHERE account = 'station_cash') b "
      "ON b.owner_id = t.partner WHERE coalesce(t.fen, 0) <> coalesce(b.amount_fen, 0) ORDER BY 1");
  for (int i = 0; i < held.rows(); ++i)
    bad.add("station cash of partner " + n(held.i64(i, 0)) + " is " + n(held.i64(i, 2)) +
            " fen but its cash payments, refunds and hand-ins come to " + n(held.i64(i, 1)));
  const auto handins = co_await c.query(
      "SELECT h.id, h.amount_fen, coalesce(x.total, 0) FROM cash_handins h LEFT JOIN (SELECT e.handin_id, "
      "p.owner_id, sum(p.amount_fen) AS total FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id "
      "WHERE e.handin_id IS NOT NULL AND p.account = 'station_cash' GROUP BY e.handin_id, p.owner_id) x "
      "ON x.handin_id = h.id AND x.owner_id = h.partner_id WHERE coalesce(x.total, 0) <> -h.amount_fen ORDER BY h.id");
  for (int i = 0; i < handins.rows(); ++i)
    bad.add("hand-in " + n(handins.i64(i, 0)) + " of " + n(handins.i64(i, 1)) + " fen is posted as " +
            n(-handins.i64(i, 2)));
}

// Cursors walked in order id order beside the orders: each advances to the current order.
struct order_walk {
  row_cursor orders, fees, lines, posted;
  bool fees_more = false, lines_more = false, posted_more = false;

  explicit order_walk(connection& c)
      : orders(c,
               "SELECT id, shop_id, status, subtotal_fen, delivery_fee_fen, total_fen, platform_commission_fen, "
               "shop_proceeds_fen, (SELECT count(*) FROM ledger_entries e WHERE e.order_id = o.id "
               "AND e.kind = 'payment'), payment_method, payment_collected_by FROM orders o ORDER BY id"),
        fees(c, "SELECT order_id, partner_id, kind, amount_fen FROM order_partner_fees ORDER BY order_id, kind"),
        lines(c,
              "SELECT order_id, sum(line_total_fen), sum(commission_fen) FROM order_items GROUP BY order_id "
              "ORDER BY order_id"),
        posted(c,
               "SELECT e.order_id, p.account, p.owner_id, sum(p.amount_fen) FROM ledger_postings p "
               "JOIN ledger_entries e ON e.id = p.entry_id WHERE e.order_id IS NOT NULL "
               "GROUP BY e.order_id, p.account, p.owner_id ORDER BY e.order_id") {}

  task<void> start() {
    fees_more = co_await fees.next();
    lines_more = co_await lines.next();
    posted_more = co_await posted.next();
  }

  order current() const {
    order o;
    o.id = orders.i64(0);
    o.shop_id = orders.i64(1);
    o.status = parse_order_status(orders.text(2)).value_or(order_status::placed);
    o.money.subtotal_fen = orders.i64(3);
    o.money.delivery_fee_fen = orders.i64(4);
    o.money.total_fen = orders.i64(5);
    o.money.platform_commission_fen = orders.i64(6);
    o.money.shop_proceeds_fen = orders.i64(7);
    if (!orders.is_null(9))
      o.paid_with = payment{parse_payment_method(orders.text(9)).value_or(payment_method::mobile), std::nullopt,
                            std::nullopt, orders.opt_i64(10)};
    return o;
  }

  task<void> add_fees(order& o) {
    while (fees_more && fees.i64(0) < o.id) fees_more = co_await fees.next();
    while (fees_more && fees.i64(0) == o.id) {
      o.money.partner_fees.push_back(
          {fees.i64(1), parse_partner_fee_kind(fees.text(2)).value_or(partner_fee_kind::assisted_buying), fees.i64(3)});
      fees_more = co_await fees.next();
    }
  }

  task<std::vector<posting>> postings_of(std::int64_t order_id, mismatches& bad) {
    while (posted_more && posted.i64(0) < order_id) {
      bad.add("postings for missing order " + n(posted.i64(0)));
      posted_more = co_await posted.next();
    }
    std::vector<posting> out;
    while (posted_more && posted.i64(0) == order_id) {
      const auto account = parse_ledger_account(posted.text(1));
      if (account) out.push_back({*account, posted.i64(2), posted.i64(3)});
      else bad.add("order " + n(order_id) + " has postings on unknown account " + posted.str(1));
      posted_more = co_await posted.next();
    }
    co_return net_postings(std::move(out));
  }
};

task<void> check_order(order_walk& w, order o, bool was_paid, mismatches& bad) {
  const auto id_text = "order " + n(o.id);
  if (o.money.total_fen != o.money.subtotal_fen + o.money.delivery_fee_fen)
    bad.add(id_text + ": total != subtotal + delivery fee");
  if (o.money.shop_proceeds_fen != o.money.subtotal_fen - o.money.platform_commission_fen)
    bad.add(id_text + ": shop proceeds != subtotal - commission");
  while (w.lines_more && w.lines.i64(0) < o.id) w.lines_more = co_await w.lines.next();
  if (w.lines_more && w.lines.i64(0) == o.id) {
    if (w.lines.i64(1) != o.money.subtotal_fen) bad.add(id_text + ": lines do not add up to the subtotal");
    if (w.lines.i64(2) != o.money.platform_commission_fen)
      bad.add(id_text + ": line commissions do not add up to the commission");
  } else {
    bad.add(id_text + ": has no lines");
  }
  if (o.status == order_status::placed && was_paid) bad.add(id_text + ": placed but has a payment");
  const auto posted = co_await w.postings_of(o.id, bad);
  if (expected_order_postings(o) != posted)
    bad.add(id_text + " (" + std::string(to_string(o.status)) + "): postings do not match");
}

}  // namespace

task<ledger_report> check_ledger(connection& c, std::size_t max_mismatches) {
  ledger_report r;
  mismatches bad(r, max_mismatches);
  co_await check_books(c, r, bad);
  co_await check_station_cash(c, bad);
  order_walk w(c);
  co_await w.start();
  for (;;) {
    const bool more = co_await w.orders.next();  // (not in the loop's condition: GCC 12)
    if (!more) break;
    ++r.orders_checked;
    auto o = w.current();
    co_await w.add_fees(o);
    const bool was_paid = w.orders.i64(8) > 0;
    co_await check_order(w, std::move(o), was_paid, bad);
  }
  auto rollups = co_await check_rollups(c, max_mismatches);  // storage/postgresql/sql/rollup_check.cpp
  for (auto& m : rollups) bad.add("rollups: " + std::move(m));
  co_return r;
}

}  // namespace cunji::storage::pg
