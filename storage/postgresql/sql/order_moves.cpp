#include "storage/postgresql/sql/order_moves.hpp"

#include <algorithm>

#include "core/catalog.hpp"
#include "core/ledger.hpp"
#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/sql/fee_schedule.hpp"
#include "storage/postgresql/sql/ledger.hpp"
#include "storage/postgresql/sql/orders.hpp"
#include "storage/postgresql/sql/payments.hpp"

namespace cunji::storage::pg {

error not_allowed(const order& o, order_action a) {
  return error{errc::invalid_transition, "An order that is " + std::string(to_string(o.status)) + " cannot be " +
                                             std::string(past_tense(a)) + "."};
}

task<void> pay_order(connection& c, order& o, payment_record p, unix_seconds now) {
  o.status = order_status::paid;
  o.updated_at = now;
  o.paid_with = payment{p.method, p.trade_no, p.id, p.collected_by};
  co_await c.query(
      "UPDATE orders SET status = 'paid', payment_method = $1, payment_reference = $2, payment_id = $3, "
      "payment_collected_by = $4, updated_at = $5 WHERE id = $6",
      params(to_string(p.method), p.trade_no, p.id, p.collected_by, now, o.id));
  entry_links about;
  about.order_id = o.id;
  about.payment_id = p.id;
  co_await post(c, entry_kind::payment, about, payment_postings(o), now);
}

task<payment_record> pay_in_full(connection& c, order& o, payment_method method, std::optional<std::string> trade_no,
                                 std::optional<std::int64_t> collected_by, unix_seconds now) {
  payment_record p;
  p.method = method;
  p.status = payment_status::succeeded;
  p.amount_fen = o.money.total_fen;
  p.out_trade_no = "paid-" + std::to_string(o.id);
  p.trade_no = std::move(trade_no);
  p.started_by = o.placed_by;
  p.collected_by = collected_by;
  p.order_ids = {o.id};
  p.created_at = now;
  p.confirmed_at = now;
  co_await insert_payment(c, p);
  co_await pay_order(c, o, p, now);
  co_return p;
}

task<void> ship_order(connection& c, order& o, std::optional<std::string> tracking, unix_seconds now) {
  o.status = order_status::shipped;
  o.tracking = tracking;
  o.updated_at = now;
  o.shipped_at = now;
  co_await c.query(
      "UPDATE orders SET status = 'shipped', tracking = $1, shipped_at = $2, updated_at = $2 WHERE id = $3",
      params(tracking, now, o.id));
}

task<void> arrive_order(connection& c, order& o, unix_seconds now) {
  o.status = order_status::at_station;
  o.updated_at = now;
  o.arrived_at = now;
  co_await c.query("UPDATE orders SET status = 'at_station', arrived_at = $1, updated_at = $1 WHERE id = $2",
                   params(now, o.id));
}

task<void> deliver_order(connection& c, order& o, unix_seconds now) {
  o.status = order_status::delivered;
  o.updated_at = now;
  o.delivered_at = now;
  co_await c.query("UPDATE orders SET status = 'delivered', delivered_at = $1, updated_at = $1 WHERE id = $2",
                   params(now, o.id));
  entry_links about;
  about.order_id = o.id;
  co_await post(c, entry_kind::delivery, about, delivery_postings(o), now);
}

namespace {
// The refund of a paid order that ends unsold: owed back to the buyer (Alipay) or handed back
// out of the station's cash.
task<void> refund_order(connection& c, const order& o, std::vector<posting> postings, unix_seconds now) {
  entry_links about;
  about.order_id = o.id;
  about.payment_id = o.paid_with->payment_id;
  if (o.paid_with->method == payment_method::alipay && o.paid_with->payment_id)
    about.refund_id = co_await insert_refund(c, *o.paid_with->payment_id, o.id, o.money.total_fen, now);
  co_await post(c, entry_kind::refund, about, std::move(postings), now);
}

// Stock comes back up to the listing maximum: if the owner has meanwhile set the stock to
// stock_max, units beyond it are not restored (the CHECK on stock would otherwise fail the
// move, and with it the refund, every time). Listings are updated in id order, as stock is
// taken (storage/postgresql/stock.hpp), so that two moves never lock them crosswise.
task<void> restore_stock(connection& c, const order& o, unix_seconds now) {
  auto items = o.items;
  std::stable_sort(items.begin(), items.end(),
                   [](const order_item& a, const order_item& b) { return a.listing_id < b.listing_id; });
  for (const auto& item : items)
    co_await c.query(
        "UPDATE listings SET stock = LEAST(stock + $1, $2), version = version + 1, updated_at = $3 WHERE id = $4",
        params(item.quantity, stock_max, now, item.listing_id));
}
}  // namespace

task<void> return_to_shop(connection& c, order& o, unix_seconds now) {
  o.status = order_status::returned_to_shop;
  o.updated_at = now;
  co_await c.query("UPDATE orders SET status = 'returned_to_shop', updated_at = $1 WHERE id = $2", params(now, o.id));
  co_await refund_order(c, o, refund_postings(o), now);
}

task<void> record_handover_failure(connection& c, std::int64_t order_id, unix_seconds at) {
  co_await c.query("INSERT INTO handover_failures (order_id, at) VALUES ($1, $2)", params(order_id, at));
}

task<std::vector<unix_seconds>> handover_failures(connection& c, std::int64_t order_id, unix_seconds since, int limit) {
  const auto r = co_await c.query(
      "SELECT at FROM handover_failures WHERE order_id = $1 AND at > $2 ORDER BY at DESC LIMIT $3",
      params(order_id, since, limit));
  std::vector<unix_seconds> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.i64(i, 0));
  co_return out;
}

task<void> cancel_order(connection& c, order& o, std::optional<std::string> reason, unix_seconds now) {
  const bool was_paid = o.status == order_status::paid;
  o.status = order_status::cancelled;
  o.cancel_reason = reason;
  o.updated_at = now;
  co_await c.query("UPDATE orders SET status = 'cancelled', cancel_reason = $1, updated_at = $2 WHERE id = $3",
                   params(reason, now, o.id));
  co_await restore_stock(c, o, now);
  co_await close_pending_payments(c, o.id, now);
  if (was_paid) co_await refund_order(c, o, refund_postings(o), now);
}

task<void> refund_returned_order(connection& c, order& o, bool restock, unix_seconds now) {
  o.status = order_status::refunded;
  o.updated_at = now;
  co_await c.query("UPDATE orders SET status = 'refunded', updated_at = $1 WHERE id = $2", params(now, o.id));
  if (restock) co_await restore_stock(c, o, now);
  co_await refund_order(c, o, return_postings(o), now);
}

task<void> refund_late_payment(connection& c, order o, payment_record p, unix_seconds now) {
  entry_links about;
  about.payment_id = p.id;
  about.refund_id = co_await insert_refund(c, p.id, o.id, o.money.total_fen, now);
  co_await post(c, entry_kind::late_payment, about, late_payment_postings(o.money.total_fen), now);
}

namespace {
// At most this many orders a run per timer, so that a run stays one short transaction.
constexpr int timer_batch = 500;

// The ids the timer's query `sql` ($1: the cutoff, $2: the batch) finds; a full batch tells
// that there are more.
task<std::vector<std::int64_t>> due(connection& c, std::string sql, std::int64_t before, timer_report& report) {
  const auto r = co_await c.query(sql, params(before, timer_batch));
  std::vector<std::int64_t> ids;
  for (int i = 0; i < r.rows(); ++i) ids.push_back(r.i64(i, 0));
  if (static_cast<int>(ids.size()) == timer_batch) report.more = true;
  co_return ids;
}
}  // namespace

task<timer_report> run_order_timers_alone(connection& c, unix_seconds now) {
  // Several servers run the timers on their own schedules; one at a time does the work. The
  // lock is the transaction's (released at its end); a run that cannot take it does nothing.
  const auto got = co_await c.query("SELECT pg_try_advisory_xact_lock($1)", params(order_timers_lock));
  if (got.text(0, 0) != "t") co_return timer_report{};
  co_return co_await run_order_timers(c, now);
}

// Ties in each timer's time are taken in id order, as SQLite's index on that time gives them.
task<timer_report> run_order_timers(connection& c, unix_seconds now) {
  const auto schedule = co_await load_fee_schedule(c);
  timer_report report;
  const auto unpaid = co_await due(c,
                                   "SELECT id FROM orders WHERE status = 'placed' AND created_at <= $1 "
                                   "ORDER BY created_at, id LIMIT $2",
                                   now - schedule.unpaid_timeout_minutes * 60, report);
  for (const auto id : unpaid) {
    auto o = co_await find_order(c, id);
    co_await cancel_order(c, *o, std::string("unpaid_timeout"), now);
    ++report.unpaid_cancelled;
  }
  // A parcel reported lost is not delivered by the clock while its return waits for a decision.
  const auto in_transit = co_await due(c,
                                       "SELECT id FROM orders WHERE status = 'shipped' AND delivery_method = 'address' "
                                       "AND shipped_at <= $1 AND NOT EXISTS (SELECT 1 FROM returns r "
                                       "WHERE r.order_id = orders.id AND r.status = 'requested') "
                                       "ORDER BY shipped_at, id LIMIT $2",
                                       now - schedule.auto_deliver_days * 86'400, report);
  for (const auto id : in_transit) {
    auto o = co_await find_order(c, id);
    co_await deliver_order(c, *o, now);
    ++report.auto_delivered;
  }
  const auto on_shelf = co_await due(c,
                                     "SELECT id FROM orders WHERE status = 'at_station' AND arrived_at <= $1 "
                                     "ORDER BY arrived_at, id LIMIT $2",
                                     now - schedule.station_hold_days * 86'400, report);
  for (const auto id : on_shelf) {
    auto o = co_await find_order(c, id);
    co_await return_to_shop(c, *o, now);
    ++report.returned_to_shop;
  }
  co_return report;
}

}  // namespace cunji::storage::pg
