#include "storage/sql/order_moves.hpp"

#include "core/catalog.hpp"
#include "core/ledger.hpp"
#include "storage/sql/fee_schedule.hpp"
#include "storage/sql/ledger.hpp"
#include "storage/sql/orders.hpp"
#include "storage/sql/payments.hpp"
#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

error not_allowed(const order& o, order_action a) {
  return error{errc::invalid_transition, "An order that is " + std::string(to_string(o.status)) + " cannot be " +
                                             std::string(past_tense(a)) + "."};
}

void pay_order(connection& c, order& o, const payment_record& p, unix_seconds now) {
  o.status = order_status::paid;
  o.updated_at = now;
  o.paid_with = payment{p.method, p.trade_no, p.id, p.collected_by};
  c.run(
      "UPDATE orders SET status = 'paid', payment_method = ?, payment_reference = ?, payment_id = ?, "
      "payment_collected_by = ?, updated_at = ? WHERE id = ?",
      to_string(p.method), p.trade_no, p.id, p.collected_by, now, o.id);
  post(c, entry_kind::payment, {.order_id = o.id, .payment_id = p.id}, payment_postings(o), now);
}

payment_record pay_in_full(connection& c, order& o, payment_method method, const std::optional<std::string>& trade_no,
                           std::optional<std::int64_t> collected_by, unix_seconds now) {
  payment_record p;
  p.method = method;
  p.status = payment_status::succeeded;
  p.amount_fen = o.money.total_fen;
  p.out_trade_no = "paid-" + std::to_string(o.id);
  p.trade_no = trade_no;
  p.started_by = o.placed_by;
  p.collected_by = collected_by;
  p.order_ids = {o.id};
  p.created_at = now;
  p.confirmed_at = now;
  insert_payment(c, p);
  pay_order(c, o, p, now);
  return p;
}

void ship_order(connection& c, order& o, const std::optional<std::string>& tracking, unix_seconds now) {
  o.status = order_status::shipped;
  o.tracking = tracking;
  o.updated_at = now;
  o.shipped_at = now;
  c.run("UPDATE orders SET status = 'shipped', tracking = ?, shipped_at = ?, updated_at = ? WHERE id = ?", tracking,
        now, now, o.id);
}

void arrive_order(connection& c, order& o, unix_seconds now) {
  o.status = order_status::at_station;
  o.updated_at = now;
  o.arrived_at = now;
  c.run("UPDATE orders SET status = 'at_station', arrived_at = ?, updated_at = ? WHERE id = ?", now, now, o.id);
}

void deliver_order(connection& c, order& o, unix_seconds now) {
  o.status = order_status::delivered;
  o.updated_at = now;
  o.delivered_at = now;
  c.run("UPDATE orders SET status = 'delivered', delivered_at = ?, updated_at = ? WHERE id = ?", now, now, o.id);
  post(c, entry_kind::delivery, {.order_id = o.id}, delivery_postings(o), now);
}

namespace {
// The refund of a paid order that ends unsold: owed back to the buyer (Alipay) or handed back
// out of the station's cash.
void refund_order(connection& c, const order& o, const std::vector<posting>& postings, unix_seconds now) {
  entry_links about{.order_id = o.id, .payment_id = o.paid_with->payment_id};
  if (o.paid_with->method == payment_method::alipay && o.paid_with->payment_id)
    about.refund_id = insert_refund(c, *o.paid_with->payment_id, o.id, o.money.total_fen, now);
  post(c, entry_kind::refund, about, postings, now);
}

// Stock comes back up to the listing maximum: if the owner has meanwhile set the stock to
// stock_max, units beyond it are not restored (the CHECK on stock would otherwise fail the
// move, and with it the refund, every time).
void restore_stock(connection& c, const order& o, unix_seconds now) {
  for (const auto& item : o.items)
    c.run("UPDATE listings SET stock = MIN(stock + ?, ?), version = version + 1, updated_at = ? WHERE id = ?",
          item.quantity, stock_max, now, item.listing_id);
}
}  // namespace

void return_to_shop(connection& c, order& o, unix_seconds now) {
  o.status = order_status::returned_to_shop;
  o.updated_at = now;
  c.run("UPDATE orders SET status = 'returned_to_shop', updated_at = ? WHERE id = ?", now, o.id);
  refund_order(c, o, refund_postings(o), now);
}

void record_handover_failure(connection& c, std::int64_t order_id, unix_seconds at) {
  c.run("INSERT INTO handover_failures (order_id, at) VALUES (?, ?)", order_id, at);
}

std::vector<unix_seconds> handover_failures(connection& c, std::int64_t order_id, unix_seconds since, int limit) {
  auto q = c.prepare("SELECT at FROM handover_failures WHERE order_id = ? AND at > ? ORDER BY at DESC LIMIT ?");
  q.bind_all(order_id, since, limit);
  std::vector<unix_seconds> out;
  while (q.step()) out.push_back(q.i64(0));
  return out;
}

void cancel_order(connection& c, order& o, const std::optional<std::string>& reason, unix_seconds now) {
  const bool was_paid = o.status == order_status::paid;
  o.status = order_status::cancelled;
  o.cancel_reason = reason;
  o.updated_at = now;
  c.run("UPDATE orders SET status = 'cancelled', cancel_reason = ?, updated_at = ? WHERE id = ?", reason, now, o.id);
  restore_stock(c, o, now);
  close_pending_payments(c, o.id, now);
  if (was_paid) refund_order(c, o, refund_postings(o), now);
}

void refund_returned_order(connection& c, order& o, bool restock, unix_seconds now) {
  o.status = order_status::refunded;
  o.updated_at = now;
  c.run("UPDATE orders SET status = 'refunded', updated_at = ? WHERE id = ?", now, o.id);
  if (restock) restore_stock(c, o, now);
  refund_order(c, o, return_postings(o), now);
}

void refund_late_payment(connection& c, const order& o, const payment_record& p, unix_seconds now) {
  const auto refund = insert_refund(c, p.id, o.id, o.money.total_fen, now);
  post(c, entry_kind::late_payment, {.payment_id = p.id, .refund_id = refund}, late_payment_postings(o.money.total_fen),
       now);
}

namespace {
// At most this many orders a run per timer, so that the writer answers requests between runs.
constexpr int timer_batch = 500;
}  // namespace

timer_report run_order_timers(connection& c, unix_seconds now) {
  const auto schedule = load_fee_schedule(c);
  timer_report report;
  auto due = [&](const char* sql, std::int64_t before) {
    std::vector<std::int64_t> ids;
    auto q = c.prepare(sql);
    q.bind(1, before).bind(2, timer_batch);
    while (q.step()) ids.push_back(q.i64(0));
    if (static_cast<int>(ids.size()) == timer_batch) report.more = true;
    return ids;
  };
  for (const auto id :
       due("SELECT id FROM orders WHERE status = 'placed' AND created_at <= ? ORDER BY created_at LIMIT ?",
           now - schedule.unpaid_timeout_minutes * 60)) {
    auto o = find_order(c, id);
    cancel_order(c, *o, std::string("unpaid_timeout"), now);
    ++report.unpaid_cancelled;
  }
  // A parcel reported lost is not delivered by the clock while its return waits for a decision.
  for (const auto id : due("SELECT id FROM orders WHERE status = 'shipped' AND delivery_method = 'address' "
                           "AND shipped_at <= ? AND NOT EXISTS (SELECT 1 FROM returns r "
                           "WHERE r.order_id = orders.id AND r.status = 'requested') ORDER BY shipped_at LIMIT ?",
                           now - schedule.auto_deliver_days * 86'400)) {
    auto o = find_order(c, id);
    deliver_order(c, *o, now);
    ++report.auto_delivered;
  }
  for (const auto id : due("SELECT id FROM orders WHERE status = 'at_station' AND arrived_at <= ? "
                           "ORDER BY arrived_at LIMIT ?",
                           now - schedule.station_hold_days * 86'400)) {
    auto o = find_order(c, id);
    return_to_shop(c, *o, now);
    ++report.returned_to_shop;
  }
  return report;
}

}  // namespace cunji::storage
