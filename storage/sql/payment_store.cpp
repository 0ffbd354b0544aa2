// Payments on SQLite (storage/payments.hpp): paying orders, the provider's notices, the timers.
#include "core/policy.hpp"
#include "storage/sql/order_moves.hpp"
#include "storage/sql/orders.hpp"
#include "storage/sql/payments.hpp"
#include "storage/sql/stores.hpp"
#include "storage/sqlite/engine.hpp"

namespace cunji::storage {

namespace {

error no_order() { return error{errc::not_found, "No such order."}; }

result<pay_outcome> pay_checked(connection& c, const pay_request& r) {
  auto o = find_order(c, r.order_id);
  if (!o) return no_order();
  if (auto denied = check_order_access(r.caller, parties_of(c, *o), order_action::pay)) return *denied;
  if (!r.invalid.empty()) return validation(r.invalid);
  if (r.method == payment_method::cash_at_station && !can_take_cash(r.caller))
    return validation({{"method", "cash is taken at a station by its partner; pay with alipay"}});
  if (r.method == payment_method::alipay && r.caller.id != o->placed_by)
    return error{errc::forbidden, "Only the placer pays with Alipay."};
  if (o->status != order_status::placed) return not_allowed(*o, order_action::pay);
  payment_record p;
  p.method = r.method;
  p.amount_fen = o->money.total_fen;
  p.started_by = r.caller.id;
  p.order_ids = {o->id};
  p.created_at = r.now;
  if (r.method == payment_method::alipay) {
    if (r.signed_amount_fen != p.amount_fen)
      return error{errc::conflict, "The order's total changed while the payment was prepared; pay again."};
    p.out_trade_no = r.out_trade_no;
    insert_payment(c, p);
    return pay_outcome{as_seen_by(c, r.caller, std::move(*o)), std::move(p)};
  }
  // Cash: the partner attests it is in hand, and holds it from now on.
  p.out_trade_no = "cash-" + std::to_string(o->id);
  p.status = payment_status::succeeded;
  p.collected_by = r.caller.id;
  p.confirmed_at = r.now;
  insert_payment(c, p);
  pay_order(c, *o, p, r.now);
  return pay_outcome{as_seen_by(c, r.caller, std::move(*o)), std::move(p)};
}

notice_result apply_notice_to(connection& c, const payment_notice& n) {
  auto p = find_payment_by_out_trade_no(c, n.out_trade_no);
  if (!p || p->method != payment_method::alipay) return notice_result::unknown_payment;
  if (n.amount_fen != p->amount_fen) return notice_result::amount_mismatch;
  if (n.status == notice_status::succeeded && trade_no_taken(c, n.trade_no, p->id))
    return notice_result::trade_no_reused;
  switch (effect_of(*p, n.status)) {
    case notice_effect::acknowledge: return notice_result::acknowledged;
    case notice_effect::close:
      settle_payment(c, *p, payment_status::closed, n.trade_no, true, n.now);
      return notice_result::recorded;
    case notice_effect::succeed: break;
  }
  settle_payment(c, *p, payment_status::succeeded, n.trade_no, true, n.now);
  for (const auto order_id : p->order_ids) {
    auto o = find_order(c, order_id);
    if (!o) continue;
    if (o->status == order_status::placed) pay_order(c, *o, *p, n.now);
    else refund_late_payment(c, *o, *p, n.now);  // cancelled meanwhile, or paid by another payment
  }
  return notice_result::recorded;
}

class sqlite_payment_store final : public payment_store {
 public:
  explicit sqlite_payment_store(database& db) : e_(db) {}

  task<answer> pay(pay_request r, std::optional<idempotency_key> key, renderer<pay_outcome> render) override {
    const auto now = r.now;
    auto work = [r = std::move(r)](connection& c) { return pay_checked(c, r); };
    co_return co_await e_.idempotent<pay_outcome>(std::move(key), std::move(work), std::move(render), now);
  }

  task<notice_result> apply_notice(payment_notice n) override {
    auto cmd = [n = std::move(n)](connection& c) -> result<notice_result> { return apply_notice_to(c, n); };
    co_return (co_await e_.write(std::move(cmd))).value();
  }

  task<result<payment_record>> find(std::int64_t id, account caller) override {
    co_return e_.read([&](connection& c) -> result<payment_record> {
      read_transaction snapshot(c);
      const error none{errc::not_found, "No such payment."};
      auto p = find_payment(c, id);
      if (!p) return none;
      for (const auto order_id : p->order_ids) {
        const auto o = find_order(c, order_id);
        if (!o || !can_see(caller, parties_of(c, *o))) return none;
      }
      return std::move(*p);
    });
  }

  task<timer_report> run_timers(unix_seconds now) override {
    auto cmd = [now](connection& c) -> result<timer_report> { return run_order_timers(c, now); };
    co_return (co_await e_.write(std::move(cmd))).value();
  }

  // Read by the writer, not a reader: the refunds are then sent to the provider, and a reader
  // may see a refund committed a sync before it is durable (writer::all_durable); the writer's
  // answer comes after that sync.
  task<std::vector<due_refund>> due_refunds(unix_seconds now, std::size_t limit) override {
    auto cmd = [now, limit](connection& c) -> result<std::vector<due_refund>> {
      return list_due_refunds(c, now, limit);
    };
    co_return (co_await e_.write(std::move(cmd))).value();
  }

  task<refund_recorded> record_refund(refund_attempt a) override {
    auto cmd = [a](connection& c) -> result<refund_recorded> { return record_refund_attempt(c, a); };
    co_return (co_await e_.write(std::move(cmd))).value();
  }

 private:
  engine e_;
};

}  // namespace

std::unique_ptr<payment_store> make_payment_store(database& db) { return std::make_unique<sqlite_payment_store>(db); }

}  // namespace cunji::storage
