#include "storage/postgresql/sql/payments.hpp"

#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/sql/ledger.hpp"

namespace cunji::storage::pg {

namespace {
constexpr const char* payment_cols =
    "id, method, status, amount_fen, out_trade_no, trade_no, started_by, collected_by, by_notice, created_at, "
    "confirmed_at";

std::optional<std::string> opt_text(const row_set& r, int i, int col) {
  if (r.is_null(i, col)) return std::nullopt;
  return std::string(r.text(i, col));
}

payment_record read_payment(const row_set& r, int i) {
  payment_record p;
  p.id = r.i64(i, 0);
  p.method = parse_payment_method(r.text(i, 1)).value_or(payment_method::alipay);
  p.status = parse_payment_status(r.text(i, 2)).value_or(payment_status::pending);
  p.amount_fen = r.i64(i, 3);
  p.out_trade_no = std::string(r.text(i, 4));
  p.trade_no = opt_text(r, i, 5);
  p.started_by = r.i64(i, 6);
  p.collected_by = r.opt_i64(i, 7);
  p.settled_by_notice = r.i64(i, 8) != 0;
  p.created_at = r.i64(i, 9);
  p.confirmed_at = r.opt_i64(i, 10);
  return p;
}

// The payment whose `where` ($1: `value`) matches, with its orders.
task<std::optional<payment_record>> find_where(connection& c, std::string where, param value) {
  std::vector<param> values{std::move(value)};
  const auto r = co_await c.query(std::string("SELECT ") + payment_cols + " FROM payments WHERE " + where,
                                  std::move(values));
  if (r.rows() == 0) co_return std::nullopt;
  auto p = read_payment(r, 0);
  const auto orders = co_await c.query("SELECT order_id FROM payment_orders WHERE payment_id = $1 ORDER BY order_id",
                                       params(p.id));
  for (int i = 0; i < orders.rows(); ++i) p.order_ids.push_back(orders.i64(i, 0));
  co_return p;
}
}  // namespace

task<void> insert_payment(connection& c, payment_record& p) {
  const auto r = co_await c.query(
      "INSERT INTO payments (method, status, amount_fen, out_trade_no, trade_no, started_by, collected_by, by_notice, "
      "created_at, confirmed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
      params(to_string(p.method), to_string(p.status), p.amount_fen, p.out_trade_no, p.trade_no, p.started_by,
             p.collected_by, p.settled_by_notice ? 1 : 0, p.created_at, p.confirmed_at));
  p.id = r.i64(0, 0);
  for (const auto order_id : p.order_ids)
    co_await c.query("INSERT INTO payment_orders (payment_id, order_id) VALUES ($1, $2)", params(p.id, order_id));
}

task<std::optional<payment_record>> find_payment(connection& c, std::int64_t id) {
  co_return co_await find_where(c, "id = $1", to_param(id));
}

task<std::optional<payment_record>> find_payment_by_out_trade_no(connection& c, std::string out_trade_no) {
  co_return co_await find_where(c, "out_trade_no = $1", std::move(out_trade_no));
}

task<bool> trade_no_taken(connection& c, std::string trade_no, std::int64_t payment_id) {
  const auto r = co_await c.query("SELECT 1 FROM payments WHERE trade_no = $1 AND id <> $2",
                                  params(trade_no, payment_id));
  co_return r.rows() > 0;
}

task<void> settle_payment(connection& c, payment_record& p, payment_status s, std::optional<std::string> trade_no,
                          bool by_notice, unix_seconds now) {
  p.status = s;
  if (trade_no) p.trade_no = std::move(trade_no);
  p.settled_by_notice = p.settled_by_notice || by_notice;
  p.confirmed_at = now;
  co_await c.query("UPDATE payments SET status = $1, trade_no = $2, by_notice = $3, confirmed_at = $4 WHERE id = $5",
                   params(to_string(s), p.trade_no, p.settled_by_notice ? 1 : 0, now, p.id));
}

task<void> close_pending_payments(connection& c, std::int64_t order_id, unix_seconds now) {
  co_await c.query(
      "UPDATE payments SET status = 'closed', confirmed_at = $1 WHERE status = 'pending' AND id IN "
      "(SELECT payment_id FROM payment_orders WHERE order_id = $2)",
      params(now, order_id));
}

task<std::int64_t> insert_refund(connection& c, std::int64_t payment_id, std::optional<std::int64_t> order_id,
                                 std::int64_t amount_fen, unix_seconds now) {
  // The provider's request number: unique per refund, stable across retries of sending it. The
  // payment's row is locked first, so that two transactions numbering its refunds at once (the
  // moves of an order run READ COMMITTED) take turns; under SERIALIZABLE one of them would be
  // failed (40001) and run again. The UNIQUE out_request_no is the backstop.
  co_await c.query("SELECT 1 FROM payments WHERE id = $1 FOR UPDATE", params(payment_id));
  const auto r = co_await c.query(
      "INSERT INTO refunds (payment_id, order_id, amount_fen, status, out_request_no, created_at) "
      "VALUES ($1::bigint, $2, $3, 'pending', 'R' || $1::bigint || '-' || "
      "(SELECT count(*) + 1 FROM refunds WHERE payment_id = $1::bigint), $4) RETURNING id",
      params(payment_id, order_id, amount_fen, now));
  co_return r.i64(0, 0);
}

task<std::vector<due_refund>> list_due_refunds(connection& c, unix_seconds now, std::size_t limit) {
  const auto r = co_await c.query(
      "SELECT r.id, p.out_trade_no, r.out_request_no, r.amount_fen, r.attempts, r.created_at FROM refunds r "
      "JOIN payments p ON p.id = r.payment_id "
      "WHERE r.status = 'pending' AND r.next_attempt_at <= $1 AND p.method = 'alipay' "
      "ORDER BY r.next_attempt_at, r.id LIMIT $2",
      params(now, static_cast<std::int64_t>(limit)));
  std::vector<due_refund> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.i64(i, 0), std::string(r.text(i, 1)), std::string(r.text(i, 2)), r.i64(i, 3),
                   static_cast<int>(r.i64(i, 4)), r.i64(i, 5)});
  co_return out;
}

task<refund_recorded> record_refund_attempt(connection& c, refund_attempt a) {
  const auto r = co_await c.query("SELECT status, attempts, amount_fen, payment_id FROM refunds WHERE id = $1",
                                  params(a.refund_id));
  if (r.rows() == 0) co_return refund_recorded::unknown;
  if (r.text(0, 0) != "pending") co_return refund_recorded::already_sent;  // a confirmation is final
  const int failures = static_cast<int>(r.i64(0, 1)) + 1;
  const auto amount = r.i64(0, 2);
  const auto payment_id = r.i64(0, 3);
  if (!a.confirmed) {
    co_await c.query("UPDATE refunds SET attempts = $1, next_attempt_at = $2 WHERE id = $3",
                     params(failures, a.now + refund_retry_delay(failures), a.refund_id));
    co_return refund_recorded::retry_later;
  }
  co_await c.query("UPDATE refunds SET status = 'succeeded', confirmed_at = $1 WHERE id = $2",
                   params(a.now, a.refund_id));
  entry_links about;
  about.payment_id = payment_id;
  about.refund_id = a.refund_id;
  co_await post(c, entry_kind::refund_sent, about, refund_sent_postings(amount), a.now);
  co_return refund_recorded::sent;
}

}  // namespace cunji::storage::pg
