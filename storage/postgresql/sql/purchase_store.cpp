// Purchases on PostgreSQL (storage/purchases.hpp): placing one (order_placement.cpp, one order
// per shop in one transaction), reading it, and paying all of its placed orders in one write.
#include "core/policy.hpp"
#include "core/purchase.hpp"
#include "storage/postgresql/engine.hpp"
#include "storage/postgresql/sql/order_moves.hpp"
#include "storage/postgresql/sql/orders.hpp"
#include "storage/postgresql/sql/payments.hpp"
#include "storage/postgresql/sql/stores.hpp"

namespace cunji::storage::pg {

namespace {

error no_purchase() { return error{errc::not_found, "No such purchase."}; }

task<std::vector<order_parties>> parties_of_all(connection& c, const purchase& p) {
  std::vector<order_parties> out;
  for (const auto& o : p.orders) out.push_back(co_await parties_of(c, o));
  co_return out;
}

// The purchase as `caller` may read it: its orders without the pickup codes not the caller's.
task<purchase> purchase_as_seen_by(connection& c, account caller, purchase p) {
  for (auto& o : p.orders) o = co_await as_seen_by(c, caller, std::move(o));
  co_return p;
}

task<result<purchase>> place_and_show(connection& c, place_purchase_request r) {
  auto p = co_await place_purchase(c, r);
  if (!p) co_return std::move(p).err();
  co_return co_await purchase_as_seen_by(c, r.caller, std::move(p.value()));
}

task<result<purchase>> visible_purchase(connection& c, std::int64_t id, account caller) {
  auto p = co_await find_purchase(c, id);
  if (!p) co_return no_purchase();
  const auto parties = co_await parties_of_all(c, *p);
  if (!can_see_all(caller, parties)) co_return no_purchase();
  co_return co_await purchase_as_seen_by(c, caller, std::move(*p));
}

// Who may pay and how (before any row is written): the error, if any.
std::optional<error> pay_refusal(const pay_purchase_request& r, const purchase& pu,
                                 const std::vector<order_parties>& parties) {
  for (const auto& p : parties)
    if (check_order_access(r.caller, p, order_action::pay))
      return error{errc::forbidden, "You may not pay every order of this purchase."};
  if (!r.invalid.empty()) return validation(r.invalid);
  if (r.method == payment_method::cash_at_station && !can_take_cash(r.caller))
    return validation({{"method", "cash is taken at a station by its partner; pay with alipay"}});
  if (r.method == payment_method::alipay && r.caller.id != pu.placed_by)
    return error{errc::forbidden, "Only the placer pays with Alipay."};
  return std::nullopt;
}

// Runs READ COMMITTED: the purchase's orders are locked (in id order, as the timers and the
// notices lock orders) before they are read, so that two pays of one purchase, or a pay and the
// unpaid timer, take turns and each sees what the one before it did.
task<result<purchase_pay_outcome>> pay_purchase(connection& c, pay_purchase_request r) {
  co_await c.query("SELECT 1 FROM orders WHERE purchase_id = $1 ORDER BY id FOR NO KEY UPDATE", params(r.purchase_id));
  auto pu = co_await find_purchase(c, r.purchase_id);
  if (!pu) co_return no_purchase();
  const auto parties = co_await parties_of_all(c, *pu);
  if (!can_see_all(r.caller, parties)) co_return no_purchase();
  if (auto refused = pay_refusal(r, *pu, parties)) co_return std::move(*refused);

  payment_record p;
  p.method = r.method;
  p.started_by = r.caller.id;
  p.created_at = r.now;
  for (const auto& o : pu->orders) {
    if (o.status != order_status::placed) continue;
    p.amount_fen += o.money.total_fen;
    p.order_ids.push_back(o.id);
  }
  if (p.order_ids.empty())
    co_return error{errc::invalid_transition, "No order of this purchase is waiting for payment."};
  if (r.method == payment_method::alipay) {
    if (r.signed_amount_fen != p.amount_fen)
      co_return error{errc::conflict, "The purchase's total changed while the payment was prepared; pay again."};
    p.out_trade_no = r.out_trade_no;
    co_await insert_payment(c, p);
    auto shown = co_await purchase_as_seen_by(c, r.caller, std::move(*pu));
    co_return purchase_pay_outcome{std::move(shown), std::move(p)};
  }
  // Cash: the partner attests it is in hand for all of them, and holds it from now on; each
  // order is posted as its own payment would be.
  p.out_trade_no = "cash-purchase-" + std::to_string(pu->id) + "-" + std::to_string(p.order_ids.front());
  p.status = payment_status::succeeded;
  p.collected_by = r.caller.id;
  p.confirmed_at = r.now;
  co_await insert_payment(c, p);
  for (auto& o : pu->orders)
    if (o.status == order_status::placed) co_await pay_order(c, o, p, r.now);
  auto shown = co_await purchase_as_seen_by(c, r.caller, std::move(*pu));
  co_return purchase_pay_outcome{std::move(shown), std::move(p)};
}

class pg_purchase_store final : public purchase_store {
 public:
  explicit pg_purchase_store(engine& e) : e_(e) {}

  task<answer> place(place_purchase_request r, std::optional<idempotency_key> key, renderer<purchase> render) override {
    const auto now = r.now;
    work_fn<purchase> work = [r = std::move(r)](connection& c) { return place_and_show(c, r); };
    co_return co_await e_.idempotent<purchase>(std::move(key), std::move(work), std::move(render), now,
                                               isolation::read_committed);
  }

  task<result<purchase>> get(std::int64_t id, account caller) override {
    co_return co_await e_.snapshot<result<purchase>>([&](connection& c) { return visible_purchase(c, id, caller); });
  }

  task<answer> pay(pay_purchase_request r, std::optional<idempotency_key> key,
                   renderer<purchase_pay_outcome> render) override {
    const auto now = r.now;
    work_fn<purchase_pay_outcome> work = [r = std::move(r)](connection& c) { return pay_purchase(c, r); };
    co_return co_await e_.idempotent<purchase_pay_outcome>(std::move(key), std::move(work), std::move(render), now,
                                                           isolation::read_committed);
  }

 private:
  engine& e_;
};

}  // namespace

std::unique_ptr<purchase_store> make_purchase_store(engine& e) { return std::make_unique<pg_purchase_store>(e); }

}  // namespace cunji::storage::pg
