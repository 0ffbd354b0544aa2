#include "storage/sql/payments.hpp"

#include "storage/sql/ledger.hpp"
#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

namespace {
constexpr const char* payment_cols =
    "id, method, status, amount_fen, out_trade_no, trade_no, started_by, collected_by, by_notice, created_at, "
    "confirmed_at";

payment_record read_payment(connection& c, const query& q) {
  payment_record p;
  p.id = q.i64(0);
  p.method = parse_payment_method(q.text(1)).value_or(payment_method::alipay);
  p.status = parse_payment_status(q.text(2)).value_or(payment_status::pending);
  p.amount_fen = q.i64(3);
  p.out_trade_no = q.str(4);
  p.trade_no = q.opt_str(5);
  p.started_by = q.i64(6);
  p.collected_by = q.opt_i64(7);
  p.settled_by_notice = q.i64(8) != 0;
  p.created_at = q.i64(9);
  p.confirmed_at = q.opt_i64(10);
  auto orders = c.prepare("SELECT order_id FROM payment_orders WHERE payment_id = ? ORDER BY order_id");
  orders.bind(1, p.id);
  while (orders.step()) p.order_ids.push_back(orders.i64(0));
  return p;
}

std::optional<payment_record> find_where(connection& c, const char* where, auto value) {
  auto q = c.prepare(std::string("SELECT ") + payment_cols + " FROM payments WHERE " + where);
  q.bind(1, value);
  if (!q.step()) return std::nullopt;
  return read_payment(c, q);
}
}  // namespace

void insert_payment(connection& c, payment_record& p) {
  c.run(
      "INSERT INTO payments (method, status, amount_fen, out_trade_no, trade_no, started_by, collected_by, by_notice, "
      "created_at, confirmed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      to_string(p.method), to_string(p.status), p.amount_fen, p.out_trade_no, p.trade_no, p.started_by, p.collected_by,
      p.settled_by_notice, p.created_at, p.confirmed_at);
  p.id = c.last_insert_rowid();
  for (const auto order_id : p.order_ids)
    c.run("INSERT INTO payment_orders (payment_id, order_id) VALUES (?, ?)", p.id, order_id);
}

std::optional<payment_record> find_payment(connection& c, std::int64_t id) { return find_where(c, "id = ?", id); }

std::optional<payment_record> find_payment_by_out_trade_no(connection& c, std::string_view out_trade_no) {
  return find_where(c, "out_trade_no = ?", out_trade_no);
}

bool trade_no_taken(connection& c, std::string_view trade_no, std::int64_t payment_id) {
  auto q = c.prepare("SELECT 1 FROM payments WHERE trade_no = ? AND id != ?");
  q.bind(1, trade_no).bind(2, payment_id);
  return q.step();
}

void settle_payment(connection& c, payment_record& p, payment_status s, const std::optional<std::string>& trade_no,
                    bool by_notice, unix_seconds now) {
  p.status = s;
  if (trade_no) p.trade_no = trade_no;
  p.settled_by_notice = p.settled_by_notice || by_notice;
  p.confirmed_at = now;
  c.run("UPDATE payments SET status = ?, trade_no = ?, by_notice = ?, confirmed_at = ? WHERE id = ?", to_string(s),
        p.trade_no, p.settled_by_notice, now, p.id);
}

void close_pending_payments(connection& c, std::int64_t order_id, unix_seconds now) {
  c.run(
      "UPDATE payments SET status = 'closed', confirmed_at = ? WHERE status = 'pending' AND id IN "
      "(SELECT payment_id FROM payment_orders WHERE order_id = ?)",
      now, order_id);
}

std::int64_t insert_refund(connection& c, std::int64_t payment_id, std::optional<std::int64_t> order_id,
                           std::int64_t amount_fen, unix_seconds now) {
  // The provider's request number: unique per refund, stable across retries of sending it.
  auto q = c.prepare(
      "INSERT INTO refunds (payment_id, order_id, amount_fen, status, out_request_no, created_at) "
      "VALUES (?1, ?2, ?3, 'pending', 'R' || ?1 || '-' || (SELECT count(*) + 1 FROM refunds WHERE payment_id = ?1), ?4) "
      "RETURNING id");
  q.bind_all(payment_id, order_id, amount_fen, now);
  q.step();
  return q.i64(0);
}

std::vector<due_refund> list_due_refunds(connection& c, unix_seconds now, std::size_t limit) {
  auto q = c.prepare(
      "SELECT r.id, p.out_trade_no, r.out_request_no, r.amount_fen, r.attempts, r.created_at FROM refunds r "
      "JOIN payments p ON p.id = r.payment_id "
      "WHERE r.status = 'pending' AND r.next_attempt_at <= ? AND p.method = 'alipay' "
      "ORDER BY r.next_attempt_at, r.id LIMIT ?");
  q.bind_all(now, static_cast<std::int64_t>(limit));
  std::vector<due_refund> out;
  while (q.step()) out.push_back({q.i64(0), q.str(1), q.str(2), q.i64(3), static_cast<int>(q.i64(4)), q.i64(5)});
  return out;
}

refund_recorded record_refund_attempt(connection& c, const refund_attempt& a) {
  int failures = 0;
  std::int64_t amount = 0, payment_id = 0;
  {
    auto q = c.prepare("SELECT status, attempts, amount_fen, payment_id FROM refunds WHERE id = ?");
    q.bind(1, a.refund_id);
    if (!q.step()) return refund_recorded::unknown;
    if (q.text(0) != "pending") return refund_recorded::already_sent;  // a confirmation is final
    failures = static_cast<int>(q.i64(1)) + 1;
    amount = q.i64(2);
    payment_id = q.i64(3);
  }
  if (!a.confirmed) {
    c.run("UPDATE refunds SET attempts = ?, next_attempt_at = ? WHERE id = ?", failures,
          a.now + refund_retry_delay(failures), a.refund_id);
    return refund_recorded::retry_later;
  }
  c.run("UPDATE refunds SET status = 'succeeded', confirmed_at = ? WHERE id = ?", a.now, a.refund_id);
  post(c, entry_kind::refund_sent, {.payment_id = payment_id, .refund_id = a.refund_id}, refund_sent_postings(amount),
       a.now);
  return refund_recorded::sent;
}

}  // namespace cunji::storage
