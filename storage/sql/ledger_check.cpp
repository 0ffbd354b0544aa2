// The ledger's self-check: the books recomputed from postings, orders and payouts, with each
// order's postings held against core::expected_order_postings.
#include <string>

#include "storage/sql/ledger.hpp"
#include "storage/sql/reports.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/transaction.hpp"

namespace cunji::storage {

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

// All postings and every entry sum to zero; running balances and payouts equal their postings.
void check_books(connection& c, ledger_report& r, mismatches& bad) {
  {
    auto q = c.prepare("SELECT count(*), coalesce(sum(amount_fen), 0) FROM ledger_postings");
    q.step();
    r.postings = q.i64(0);
    r.sum_fen = q.i64(1);
    if (r.sum_fen != 0) bad.add("postings sum to " + std::to_string(r.sum_fen) + " fen, not 0");
  }
  {
    auto q = c.prepare(
        "SELECT entry_id, sum(amount_fen) FROM ledger_postings GROUP BY entry_id HAVING sum(amount_fen) != 0");
    while (q.step()) bad.add("entry " + std::to_string(q.i64(0)) + " sums to " + std::to_string(q.i64(1)));
  }
  {
    auto q = c.prepare(
        "SELECT coalesce(b.account, s.account), coalesce(b.owner_id, s.owner_id), b.amount_fen, s.total FROM "
        "ledger_balances b FULL JOIN (SELECT account, owner_id, sum(amount_fen) AS total FROM ledger_postings "
        "GROUP BY account, owner_id) s ON s.account = b.account AND s.owner_id = b.owner_id "
        "WHERE b.amount_fen IS NOT s.total AND NOT (b.amount_fen = 0 AND s.total IS NULL)");
    while (q.step())
      bad.add("balance of " + q.str(0) + "/" + std::to_string(q.i64(1)) + " is " + std::to_string(q.i64(2)) +
              " but its postings sum to " + std::to_string(q.i64(3)));
  }
  {
    auto q = c.prepare(
        "SELECT p.id, p.amount_fen, (SELECT coalesce(sum(lp.amount_fen), 0) FROM ledger_entries e "
        "JOIN ledger_postings lp ON lp.entry_id = e.id WHERE e.payout_id = p.id AND lp.account != 'cash') "
        "FROM payouts p");
    while (q.step())
      if (q.i64(1) != q.i64(2))
        bad.add("payout " + std::to_string(q.i64(0)) + " of " + std::to_string(q.i64(1)) + " is posted as " +
                std::to_string(q.i64(2)));
  }
  // What is owed back to buyers is what the refunds not yet sent add up to.
  auto q = c.prepare(
      "SELECT coalesce((SELECT -amount_fen FROM ledger_balances WHERE account = 'refunds_due' AND owner_id = 0), 0), "
      "(SELECT coalesce(sum(amount_fen), 0) FROM refunds WHERE status = 'pending')");
  q.step();
  if (q.i64(0) != q.i64(1))
    bad.add("refunds due are " + std::to_string(q.i64(0)) + " fen but the pending refunds add up to " +
            std::to_string(q.i64(1)));
}

// Station cash, per partner: cash payments − hand-ins − cash refunds, from the orders and the
// hand-ins themselves, equals the partner's station cash balance; each hand-in is posted once.
void check_station_cash(connection& c, mismatches& bad) {
  {
    auto q = c.prepare(
        "WITH expected (partner, fen) AS ("
        "  SELECT payment_collected_by, sum(CASE WHEN status IN ('cancelled', 'returned_to_shop', 'refunded') "
        "    THEN 0 ELSE total_fen END) FROM orders WHERE payment_collected_by IS NOT NULL "
        "    AND payment_method = 'cash_at_station' AND status != 'placed' GROUP BY 1"
        "  UNION ALL SELECT partner_id, -sum(amount_fen) FROM cash_handins GROUP BY 1), "
        "totals (partner, fen) AS (SELECT partner, sum(fen) FROM expected GROUP BY 1) "
        "SELECT coalesce(t.partner, b.owner_id), coalesce(t.fen, 0), coalesce(b.amount_fen, 0) FROM totals t "
        "FULL JOIN (SELECT owner_id, amount_fen FROM ledger_balances WHERE account = 'station_cash') b "
        "ON b.owner_id = t.partner WHERE coalesce(t.fen, 0) != coalesce(b.amount_fen, 0)");
    while (q.step())
      bad.add("station cash of partner " + std::to_string(q.i64(0)) + " is " + std::to_string(q.i64(2)) +
              " fen but its cash payments, refunds and hand-ins come to " + std::to_string(q.i64(1)));
  }
  auto q = c.prepare(
      "SELECT h.id, h.amount_fen, (SELECT coalesce(sum(p.amount_fen), 0) FROM ledger_entries e "
      "JOIN ledger_postings p ON p.entry_id = e.id WHERE e.handin_id = h.id AND p.account = 'station_cash' "
      "AND p.owner_id = h.partner_id) FROM cash_handins h");
  while (q.step())
    if (q.i64(2) != -q.i64(1))
      bad.add("hand-in " + std::to_string(q.i64(0)) + " of " + std::to_string(q.i64(1)) + " fen is posted as " +
              std::to_string(-q.i64(2)));
}

// Statements walked in order id order beside the orders: each advances to the current order.
struct order_walk {
  query orders, fees, lines, posted;
  bool fees_more, lines_more, posted_more;

  explicit order_walk(connection& c)
      : orders(c.prepare(
            "SELECT id, shop_id, status, subtotal_fen, delivery_fee_fen, total_fen, platform_commission_fen, "
            "shop_proceeds_fen, (SELECT count(*) FROM ledger_entries e WHERE e.order_id = o.id AND e.kind = 'payment'), "
            "payment_method, payment_collected_by FROM orders o ORDER BY id")),
        fees(c.prepare("SELECT order_id, partner_id, kind, amount_fen FROM order_partner_fees ORDER BY order_id")),
        lines(c.prepare("SELECT order_id, sum(line_total_fen), sum(commission_fen) FROM order_items GROUP BY order_id "
                        "ORDER BY order_id")),
        posted(c.prepare("SELECT e.order_id, p.account, p.owner_id, sum(p.amount_fen) FROM ledger_postings p "
                         "JOIN ledger_entries e ON e.id = p.entry_id WHERE e.order_id IS NOT NULL "
                         "GROUP BY e.order_id, p.account, p.owner_id ORDER BY e.order_id")),
        fees_more(fees.step()),
        lines_more(lines.step()),
        posted_more(posted.step()) {}

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
  void add_fees(order& o) {
    while (fees_more && fees.i64(0) < o.id) fees_more = fees.step();
    for (; fees_more && fees.i64(0) == o.id; fees_more = fees.step())
      o.money.partner_fees.push_back(
          {fees.i64(1), parse_partner_fee_kind(fees.text(2)).value_or(partner_fee_kind::assisted_buying), fees.i64(3)});
  }
  std::vector<posting> postings_of(std::int64_t order_id, mismatches& bad) {
    for (; posted_more && posted.i64(0) < order_id; posted_more = posted.step())
      bad.add("postings for missing order " + std::to_string(posted.i64(0)));
    std::vector<posting> out;
    for (; posted_more && posted.i64(0) == order_id; posted_more = posted.step()) {
      const auto account = parse_ledger_account(posted.text(1));
      if (!account) {
        bad.add("order " + std::to_string(order_id) + " has postings on unknown account " + posted.str(1));
        continue;
      }
      out.push_back({*account, posted.i64(2), posted.i64(3)});
    }
    return net_postings(std::move(out));
  }
};

void check_order(order_walk& w, const order& o, bool was_paid, mismatches& bad) {
  const auto id_text = "order " + std::to_string(o.id);
  if (o.money.total_fen != o.money.subtotal_fen + o.money.delivery_fee_fen)
    bad.add(id_text + ": total != subtotal + delivery fee");
  if (o.money.shop_proceeds_fen != o.money.subtotal_fen - o.money.platform_commission_fen)
    bad.add(id_text + ": shop proceeds != subtotal - commission");
  while (w.lines_more && w.lines.i64(0) < o.id) w.lines_more = w.lines.step();
  if (w.lines_more && w.lines.i64(0) == o.id) {
    if (w.lines.i64(1) != o.money.subtotal_fen) bad.add(id_text + ": lines do not add up to the subtotal");
    if (w.lines.i64(2) != o.money.platform_commission_fen)
      bad.add(id_text + ": line commissions do not add up to the commission");
  } else {
    bad.add(id_text + ": has no lines");
  }
  if (o.status == order_status::placed && was_paid) bad.add(id_text + ": placed but has a payment");
  if (expected_order_postings(o) != w.postings_of(o.id, bad))
    bad.add(id_text + " (" + std::string(to_string(o.status)) + "): postings do not match");
}

}  // namespace

ledger_report check_ledger(connection& c, std::size_t max_mismatches) {
  read_transaction snapshot(c);  // every statement below reads the same books
  ledger_report r;
  mismatches bad(r, max_mismatches);
  check_books(c, r, bad);
  check_station_cash(c, bad);
  order_walk w(c);
  while (w.orders.step()) {
    ++r.orders_checked;
    auto o = w.current();
    w.add_fees(o);
    check_order(w, o, w.orders.i64(8) > 0, bad);
  }
  for (auto& m : check_rollups(c, max_mismatches)) bad.add("rollups: " + std::move(m));  // storage/sql/reports.cpp
  return r;
}

}  // namespace cunji::storage
