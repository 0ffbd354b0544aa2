// Payments on PostgreSQL (storage/payments.hpp): paying orders, the provider's notices, the
// timers. Every write is SERIALIZABLE: two writes that settle the same payment or move the same
// order conflict, and the one that fails (40001) is run again and finds the other's outcome.
#include "core/policy.hpp"
#include "storage/postgresql/engine.hpp"
#include "storage/postgresql/sql/order_moves.hpp"
#include "storage/postgresql/sql/orders.hpp"
#include "storage/postgresql/sql/payments.hpp"
#include "storage/postgresql/sql/stores.hpp"

namespace cunji::storage::pg {

namespace {

error no_order() { return error{errc::not_found, "No such order."}; }

// Locks the order row for the rest of the transaction, so that two payments of one order are
// made one after the other: the second fails with 40001 once the first has paid it, and its
// run again finds the order paid. (Without it, two cash payments would both insert the
// payment "cash-<order>" and the second would break its UNIQUE instead.)
task<void> lock_order(connection& c, std::int64_t order_id) {
  co_await c.query("SELECT 1 FROM orders WHERE id = $1 FOR NO KEY UPDATE", params(order_id));
}

// Locks the orders of a payment, in id order, before the payment row: the order timers lock an
// order before its payments too, so a notice and the timers wait for each other instead of
// deadlocking.
task<void> lock_orders_of(connection& c, std::int64_t payment_id) {
  co_await c.query(
      "SELECT 1 FROM orders WHERE id IN (SELECT order_id FROM payment_orders WHERE payment_id = $1) "
      "ORDER BY id FOR NO KEY UPDATE",
      params(payment_id));
}

task<result<pay_outcome>> pay_checked(connection& c, pay_request r) {
  co_await lock_order(c, r.order_id);
  auto o = co_await find_order(c, r.order_id);
  if (!o) co_return no_order();
  const auto parties = co_await parties_of(c, *o);
  if (auto denied = check_order_access(r.caller, parties, order_action::pay)) co_return *denied;
  if (!r.invalid.empty()) co_return validation(r.invalid);
  if (r.method == payment_method::cash_at_station && !can_take_cash(r.caller))
    co_return validation({{"method", "cash is taken at a station by its partner; pay with alipay"}});
  if (r.method == payment_method::alipay && r.caller.id != o->placed_by)
    co_return error{errc::forbidden, "Only the placer pays with Alipay."};
  if (o->status != order_status::placed) co_return not_allowed(*o, order_action::pay);
  payment_record p;
  p.method = r.method;
  p.amount_fen = o->money.total_fen;
  p.started_by = r.caller.id;
  p.order_ids = {o->id};
  p.created_at = r.now;
  if (r.method == payment_method::alipay) {
    if (r.signed_amount_fen != p.amount_fen)
      co_return error{errc::conflict, "The order's total changed while the payment was prepared; pay again."};
    p.out_trade_no = r.out_trade_no;
    co_await insert_payment(c, p);
    auto seen = co_await as_seen_by(c, r.caller, std::move(*o));
    co_return pay_outcome{std::move(seen), std::move(p)};
  }
  // Cash: the partner attests it is in hand, and holds it from now on.
  p.out_trade_no = "cash-" + std::to_string(o->id);
  p.status = payment_status::succeeded;
  p.collected_by = r.caller.id;
  p.confirmed_at = r.now;
  co_await insert_payment(c, p);
  co_await pay_order(c, *o, p, r.now);
  auto seen = co_await as_seen_by(c, r.caller, std::move(*o));
  co_return pay_outcome{std::move(seen), std::move(p)};
}

// Runs READ COMMITTED: the payment's orders and then the payment are locked before anything is
// decided, so that notices of one payment, and the timers, take turns and each sees what the one
// before it did. (SERIALIZABLE failed notices over and over under load: they touch the same
// balances and rollups as every order.)
task<notice_result> apply_notice_to(connection& c, payment_notice n) {
  const auto found = co_await find_payment_by_out_trade_no(c, n.out_trade_no);
  if (!found || found->method != payment_method::alipay) co_return notice_result::unknown_payment;
  co_await lock_orders_of(c, found->id);
  co_await c.query("SELECT 1 FROM payments WHERE id = $1 FOR UPDATE", params(found->id));
  auto p = co_await find_payment(c, found->id);  // as it is now that it is locked
  if (!p) co_return notice_result::unknown_payment;
  if (n.amount_fen != p->amount_fen) co_return notice_result::amount_mismatch;
  if (n.status == notice_status::succeeded) {
    const bool taken = co_await trade_no_taken(c, n.trade_no, p->id);
    if (taken) co_return notice_result::trade_no_reused;
  }
  switch (effect_of(*p, n.status)) {
    case notice_effect::acknowledge: co_return notice_result::acknowledged;
    case notice_effect::close:
      co_await settle_payment(c, *p, payment_status::closed, n.trade_no, true, n.now);
      co_return notice_result::recorded;
    case notice_effect::succeed: break;
  }
  co_await settle_payment(c, *p, payment_status::succeeded, n.trade_no, true, n.now);
  for (const auto order_id : p->order_ids) {
    auto o = co_await find_order(c, order_id);
    if (!o) continue;
    if (o->status == order_status::placed) co_await pay_order(c, *o, *p, n.now);
    else co_await refund_late_payment(c, *o, *p, n.now);  // cancelled meanwhile, or paid by another payment
  }
  co_return notice_result::recorded;
}

task<result<payment_record>> find_visible(connection& c, std::int64_t id, account caller) {
  const error none{errc::not_found, "No such payment."};
  auto p = co_await find_payment(c, id);
  if (!p) co_return none;
  for (const auto order_id : p->order_ids) {
    const auto o = co_await find_order(c, order_id);
    if (!o) co_return none;
    const auto parties = co_await parties_of(c, *o);
    if (!can_see(caller, parties)) co_return none;
  }
  co_return std::move(*p);
}

class pg_payment_store final : public payment_store {
 public:
  explicit pg_payment_store(engine& e) : e_(e) {}

  task<answer> pay(pay_request r, std::optional<idempotency_key> key, renderer<pay_outcome> render) override {
    const auto now = r.now;
    work_fn<pay_outcome> work = [r = std::move(r)](connection& c) { return pay_checked(c, r); };
    // READ COMMITTED, as apply_notice: pay_checked locks the order before it reads it, so pays
    // of one order take turns. (SERIALIZABLE failed pays of different orders after 8 attempts
    // under the benchmark's 64 connections: they touch the same balances and rollups.)
    co_return co_await e_.idempotent<pay_outcome>(std::move(key), std::move(work), std::move(render), now,
                                                  isolation::read_committed);
  }

  task<notice_result> apply_notice(payment_notice n) override {
    co_return co_await e_.write<notice_result>([&](connection& c) { return apply_notice_to(c, n); },
                                               isolation::read_committed);
  }

  task<result<payment_record>> find(std::int64_t id, account caller) override {
    co_return co_await e_.snapshot<result<payment_record>>([&](connection& c) { return find_visible(c, id, caller); });
  }

  task<timer_report> run_timers(unix_seconds now) override {
    co_return co_await e_.write<timer_report>([&](connection& c) { return run_order_timers_alone(c, now); });
  }

  task<std::vector<due_refund>> due_refunds(unix_seconds now, std::size_t limit) override {
    co_return co_await e_.read<std::vector<due_refund>>([&](connection& c) { return list_due_refunds(c, now, limit); });
  }

  task<refund_recorded> record_refund(refund_attempt a) override {
    co_return co_await e_.write<refund_recorded>([&](connection& c) { return record_refund_attempt(c, a); });
  }

 private:
  engine& e_;
};

}  // namespace

std::unique_ptr<payment_store> make_payment_store(engine& e) { return std::make_unique<pg_payment_store>(e); }

}  // namespace cunji::storage::pg
