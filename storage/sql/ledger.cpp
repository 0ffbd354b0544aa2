#include "storage/sql/ledger.hpp"

#include <limits>
#include <map>
#include <tuple>

#include "storage/sql/reports.hpp"
#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

namespace {

struct posting {
  const char* account;
  std::int64_t owner_id;
  std::int64_t amount_fen;
};

using posting_key = std::pair<std::string, std::int64_t>;

// The payment's postings for an order (debit positive). They sum to zero:
// total - proceeds - fees - (commission + delivery - fees) = total - subtotal - delivery = 0.
std::vector<posting> payment_postings(const order& o) {
  std::vector<posting> p{{"cash", 0, o.money.total_fen}, {"shop_pending", o.shop_id, -o.money.shop_proceeds_fen}};
  for (const auto& f : o.money.partner_fees) p.push_back({"partner_pending", f.partner_id, -f.amount_fen});
  p.push_back({"platform_revenue", 0, -o.money.platform_net_fen()});
  return p;
}

std::vector<posting> delivery_postings(const order& o) {
  std::vector<posting> p{{"shop_pending", o.shop_id, o.money.shop_proceeds_fen},
                         {"shop_available", o.shop_id, -o.money.shop_proceeds_fen}};
  for (const auto& f : o.money.partner_fees) {
    p.push_back({"partner_pending", f.partner_id, f.amount_fen});
    p.push_back({"partner_available", f.partner_id, -f.amount_fen});
  }
  return p;
}

std::int64_t new_entry(connection& c, const char* kind, std::optional<std::int64_t> order_id,
                       std::optional<std::int64_t> payout_id, unix_seconds now) {
  c.run("INSERT INTO ledger_entries (kind, order_id, payout_id, created_at) VALUES (?, ?, ?, ?)", kind, order_id,
        payout_id, now);
  return c.last_insert_rowid();
}

void post(connection& c, const char* kind, const order& o, const std::vector<posting>& postings, int sign,
          unix_seconds now) {
  const auto entry = new_entry(c, kind, o.id, std::nullopt, now);
  for (const auto& p : postings) {
    if (p.amount_fen == 0) continue;
    c.run("INSERT INTO ledger_postings (entry_id, account, owner_id, amount_fen, created_at) VALUES (?, ?, ?, ?, ?)",
          entry, p.account, p.owner_id, sign * p.amount_fen, now);
  }
}

// What the platform owes on a ledger account: the negated running balance.
std::int64_t owed(connection& c, const char* account, const char* owner_sql, std::int64_t owner) {
  auto q = c.prepare(std::string("SELECT coalesce(-sum(amount_fen), 0) FROM ledger_balances WHERE account = ? AND ") +
                     owner_sql);
  q.bind(1, account).bind(2, owner);
  q.step();
  return q.i64(0);
}

constexpr const char* farmer_shops = "owner_id IN (SELECT id FROM shops WHERE owner_account_id = ?)";

}  // namespace

void post_payment(connection& c, const order& o, unix_seconds now) { post(c, "payment", o, payment_postings(o), 1, now); }
void post_delivery(connection& c, const order& o, unix_seconds now) {
  post(c, "delivery", o, delivery_postings(o), 1, now);
}
void post_refund(connection& c, const order& o, unix_seconds now) { post(c, "refund", o, payment_postings(o), -1, now); }

balance farmer_balance(connection& c, std::int64_t farmer_id) {
  balance b;
  b.pending_fen = owed(c, "shop_pending", farmer_shops, farmer_id);
  b.available_fen = owed(c, "shop_available", farmer_shops, farmer_id);
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
  b.pending_fen = owed(c, "partner_pending", "owner_id = ?", partner_id);
  b.available_fen = owed(c, "partner_available", "owner_id = ?", partner_id);
  auto q = c.prepare("SELECT coalesce(sum(amount_fen), 0) FROM payouts WHERE payee_type = 'partner' AND payee_id = ?");
  q.bind(1, partner_id);
  q.step();
  b.paid_out_fen = q.i64(0);
  return b;
}

std::vector<statement_entry> payee_statement(connection& c, const statement_query& sq) {
  std::string sql =
      "SELECT p.id, e.order_id, e.payout_id, e.kind || '_' || substr(p.account, instr(p.account, '_') + 1), "
      "-p.amount_fen, p.created_at FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id WHERE ";
  if (sq.type == payee_type::shop)
    sql += "p.account IN ('shop_pending', 'shop_available') AND p.owner_id IN "
           "(SELECT id FROM shops WHERE owner_account_id = ?1)";
  else
    sql += "p.account IN ('partner_pending', 'partner_available') AND p.owner_id = ?1";
  if (sq.from) sql += " AND p.created_at >= ?2";
  if (sq.to) sql += " AND p.created_at < ?3";
  sql += " AND p.id < ?4 ORDER BY p.id DESC LIMIT ?5";
  auto q = c.prepare(sql);
  q.bind(1, sq.account_id);
  if (sq.from) q.bind(2, *sq.from);
  if (sq.to) q.bind(3, *sq.to);
  q.bind(4, sq.before_id > 0 ? sq.before_id : std::numeric_limits<std::int64_t>::max());
  q.bind(5, sq.limit);
  std::vector<statement_entry> out;
  while (q.step()) out.push_back({q.i64(0), q.opt_i64(1), q.opt_i64(2), q.str(3), q.i64(4), q.i64(5)});
  return out;
}

std::vector<payout_record> run_payouts(connection& c, unix_seconds now) {
  std::vector<payout_record> due;
  {
    auto q = c.prepare(
        "SELECT account, owner_id, -amount_fen FROM ledger_balances "
        "WHERE account IN ('shop_available', 'partner_available') AND amount_fen < 0 ORDER BY account, owner_id");
    while (q.step())
      due.push_back({0, q.text(0) == "shop_available" ? payee_type::shop : payee_type::partner, q.i64(1), q.i64(2), now});
  }
  for (auto& p : due) {
    const char* type = p.type == payee_type::shop ? "shop" : "partner";
    c.run("INSERT INTO payouts (payee_type, payee_id, amount_fen, created_at) VALUES (?, ?, ?, ?)", type, p.payee_id,
          p.amount_fen, now);
    p.id = c.last_insert_rowid();
    const auto entry = new_entry(c, "payout", std::nullopt, p.id, now);
    const char* account = p.type == payee_type::shop ? "shop_available" : "partner_available";
    c.run("INSERT INTO ledger_postings (entry_id, account, owner_id, amount_fen, created_at) VALUES (?, ?, ?, ?, ?)",
          entry, account, p.payee_id, p.amount_fen, now);
    c.run("INSERT INTO ledger_postings (entry_id, account, owner_id, amount_fen, created_at) VALUES (?, 'cash', 0, ?, ?)",
          entry, -p.amount_fen, now);
  }
  return due;
}

ledger_report check_ledger(connection& c, std::size_t max_mismatches) {
  ledger_report r;
  auto mismatch = [&](std::string m) {
    r.balanced = false;
    if (r.mismatches.size() < max_mismatches) r.mismatches.push_back(std::move(m));
  };
  {
    auto q = c.prepare("SELECT count(*), coalesce(sum(amount_fen), 0) FROM ledger_postings");
    q.step();
    r.postings = q.i64(0);
    r.sum_fen = q.i64(1);
    if (r.sum_fen != 0) mismatch("postings sum to " + std::to_string(r.sum_fen) + " fen, not 0");
  }
  {
    auto q = c.prepare("SELECT entry_id, sum(amount_fen) FROM ledger_postings GROUP BY entry_id HAVING sum(amount_fen) != 0");
    while (q.step()) mismatch("entry " + std::to_string(q.i64(0)) + " sums to " + std::to_string(q.i64(1)));
  }
  {
    auto q = c.prepare(
        "SELECT coalesce(b.account, s.account), coalesce(b.owner_id, s.owner_id), b.amount_fen, s.total FROM "
        "ledger_balances b FULL JOIN (SELECT account, owner_id, sum(amount_fen) AS total FROM ledger_postings "
        "GROUP BY account, owner_id) s ON s.account = b.account AND s.owner_id = b.owner_id "
        "WHERE b.amount_fen IS NOT s.total AND NOT (b.amount_fen = 0 AND s.total IS NULL)");
    while (q.step())
      mismatch("balance of " + q.str(0) + "/" + std::to_string(q.i64(1)) + " is " + std::to_string(q.i64(2)) +
               " but its postings sum to " + std::to_string(q.i64(3)));
  }
  {
    auto q = c.prepare(
        "SELECT p.id, p.amount_fen, (SELECT coalesce(sum(lp.amount_fen), 0) FROM ledger_entries e "
        "JOIN ledger_postings lp ON lp.entry_id = e.id WHERE e.payout_id = p.id AND lp.account != 'cash') FROM payouts p");
    while (q.step())
      if (q.i64(1) != q.i64(2))
        mismatch("payout " + std::to_string(q.i64(0)) + " of " + std::to_string(q.i64(1)) + " is posted as " +
                 std::to_string(q.i64(2)));
  }
  // Orders against their postings: one pass over orders, their fees, lines and postings, all
  // in order id order.
  auto orders = c.prepare(
      "SELECT id, shop_id, status, subtotal_fen, delivery_fee_fen, total_fen, platform_commission_fen, "
      "shop_proceeds_fen, (SELECT count(*) FROM ledger_entries e WHERE e.order_id = o.id AND e.kind = 'payment') "
      "FROM orders o ORDER BY id");
  auto fees = c.prepare("SELECT order_id, partner_id, kind, amount_fen FROM order_partner_fees ORDER BY order_id");
  auto lines = c.prepare(
      "SELECT order_id, sum(line_total_fen), sum(commission_fen) FROM order_items GROUP BY order_id ORDER BY order_id");
  auto posted = c.prepare(
      "SELECT e.order_id, p.account, p.owner_id, sum(p.amount_fen) FROM ledger_postings p "
      "JOIN ledger_entries e ON e.id = p.entry_id WHERE e.order_id IS NOT NULL "
      "GROUP BY e.order_id, p.account, p.owner_id ORDER BY e.order_id");
  bool fees_more = fees.step(), lines_more = lines.step(), posted_more = posted.step();
  while (orders.step()) {
    ++r.orders_checked;
    order o;
    o.id = orders.i64(0);
    o.shop_id = orders.i64(1);
    o.status = parse_order_status(orders.text(2)).value_or(order_status::placed);
    o.money.subtotal_fen = orders.i64(3);
    o.money.delivery_fee_fen = orders.i64(4);
    o.money.total_fen = orders.i64(5);
    o.money.platform_commission_fen = orders.i64(6);
    o.money.shop_proceeds_fen = orders.i64(7);
    const bool was_paid = orders.i64(8) > 0;
    const auto id_text = "order " + std::to_string(o.id);
    while (fees_more && fees.i64(0) < o.id) fees_more = fees.step();
    while (fees_more && fees.i64(0) == o.id) {
      o.money.partner_fees.push_back(
          {fees.i64(1), fees.text(2) == "assisted_selling" ? partner_fee_kind::assisted_selling
                                                            : partner_fee_kind::assisted_buying,
           fees.i64(3)});
      fees_more = fees.step();
    }
    if (o.money.total_fen != o.money.subtotal_fen + o.money.delivery_fee_fen)
      mismatch(id_text + ": total != subtotal + delivery fee");
    if (o.money.shop_proceeds_fen != o.money.subtotal_fen - o.money.platform_commission_fen)
      mismatch(id_text + ": shop proceeds != subtotal - commission");
    while (lines_more && lines.i64(0) < o.id) lines_more = lines.step();
    if (lines_more && lines.i64(0) == o.id) {
      if (lines.i64(1) != o.money.subtotal_fen) mismatch(id_text + ": lines do not add up to the subtotal");
      if (lines.i64(2) != o.money.platform_commission_fen)
        mismatch(id_text + ": line commissions do not add up to the commission");
    } else {
      mismatch(id_text + ": has no lines");
    }
    // What the postings should net to, given the status.
    std::map<posting_key, std::int64_t> expected, actual;
    auto add = [&](const std::vector<posting>& ps) {
      for (const auto& p : ps) expected[{p.account, p.owner_id}] += p.amount_fen;
    };
    if (counts_as_sale(o.status)) add(payment_postings(o));
    if (o.status == order_status::delivered) add(delivery_postings(o));
    if (o.status == order_status::placed && was_paid) mismatch(id_text + ": placed but has a payment");
    while (posted_more && posted.i64(0) < o.id) {
      mismatch("postings for missing order " + std::to_string(posted.i64(0)));
      posted_more = posted.step();
    }
    while (posted_more && posted.i64(0) == o.id) {
      actual[{posted.str(1), posted.i64(2)}] += posted.i64(3);
      posted_more = posted.step();
    }
    std::erase_if(expected, [](const auto& kv) { return kv.second == 0; });
    std::erase_if(actual, [](const auto& kv) { return kv.second == 0; });
    if (expected != actual) mismatch(id_text + " (" + std::string(to_string(o.status)) + "): postings do not match");
  }
  for (auto& m : check_rollups(c, max_mismatches)) mismatch("rollups: " + std::move(m));  // storage/sql/reports.cpp
  return r;
}

}  // namespace cunji::storage
