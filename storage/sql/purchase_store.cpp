// Purchases on SQLite (storage/purchases.hpp): placing one (storage/sql/orders.cpp, one order per
// shop in one write), reading it, and paying all of its placed orders in one write.
#include "core/policy.hpp"
#include "core/purchase.hpp"
#include "storage/sql/order_moves.hpp"
#include "storage/sql/orders.hpp"
#include "storage/sql/payments.hpp"
#include "storage/sql/stores.hpp"
#include "storage/sqlite/engine.hpp"

namespace cunji::storage {

namespace {

error no_purchase() { return error{errc::not_found, "No such purchase."}; }

std::vector<order_parties> parties_of_all(connection& c, const purchase& p) {
  std::vector<order_parties> out;
  for (const auto& o : p.orders) out.push_back(parties_of(c, o));
  return out;
}

// The purchase as `caller` may read it: its orders without the pickup codes not the caller's.
purchase as_seen_by(connection& c, const account& caller, purchase p) {
  for (auto& o : p.orders) o = as_seen_by(c, caller, std::move(o));
  return p;
}

result<purchase_pay_outcome> pay_purchase(connection& c, const pay_purchase_request& r) {
  auto pu = find_purchase(c, r.purchase_id);
  if (!pu) return no_purchase();
  const auto parties = parties_of_all(c, *pu);
  if (!can_see_all(r.caller, parties)) return no_purchase();
  for (const auto& p : parties)
    if (auto denied = check_order_access(r.caller, p, order_action::pay))
      return error{errc::forbidden, "You may not pay every order of this purchase."};
  if (!r.invalid.empty()) return validation(r.invalid);
  if (r.method == payment_method::cash_at_station && !can_take_cash(r.caller))
    return validation({{"method", "cash is taken at a station by its partner; pay with alipay"}});
  if (r.method == payment_method::alipay && r.caller.id != pu->placed_by)
    return error{errc::forbidden, "Only the placer pays with Alipay."};

  payment_record p;
  p.method = r.method;
  p.started_by = r.caller.id;
  p.created_at = r.now;
  for (const auto& o : pu->orders) {
    if (o.status != order_status::placed) continue;
    p.amount_fen += o.money.total_fen;
    p.order_ids.push_back(o.id);
  }
  if (p.order_ids.empty()) return error{errc::invalid_transition, "No order of this purchase is waiting for payment."};
  if (r.method == payment_method::alipay) {
    if (r.signed_amount_fen != p.amount_fen)
      return error{errc::conflict, "The purchase's total changed while the payment was prepared; pay again."};
    p.out_trade_no = r.out_trade_no;
    insert_payment(c, p);
    return purchase_pay_outcome{as_seen_by(c, r.caller, std::move(*pu)), std::move(p)};
  }
  // Cash: the partner attests it is in hand for all of them, and holds it from now on; each
  // order is posted as its own payment would be.
  p.out_trade_no = "cash-purchase-" + std::to_string(pu->id) + "-" + std::to_string(p.order_ids.front());
  p.status = payment_status::succeeded;
  p.collected_by = r.caller.id;
  p.confirmed_at = r.now;
  insert_payment(c, p);
  for (auto& o : pu->orders)
    if (o.status == order_status::placed) pay_order(c, o, p, r.now);
  return purchase_pay_outcome{as_seen_by(c, r.caller, std::move(*pu)), std::move(p)};
}

class sqlite_purchase_store final : public purchase_store {
 public:
  explicit sqlite_purchase_store(database& db) : e_(db) {}

  task<answer> place(place_purchase_request r, std::optional<idempotency_key> key, renderer<purchase> render) override {
    const auto now = r.now;
    auto work = [r = std::move(r)](connection& c) -> result<purchase> {
      auto p = place_purchase(c, r);
      if (!p) return std::move(p).err();
      return as_seen_by(c, r.caller, std::move(p.value()));
    };
    co_return co_await e_.idempotent<purchase>(std::move(key), std::move(work), std::move(render), now);
  }

  task<result<purchase>> get(std::int64_t id, account caller) override {
    co_return e_.read([&](connection& c) -> result<purchase> {
      read_transaction snapshot(c);
      auto p = find_purchase(c, id);
      if (!p || !can_see_all(caller, parties_of_all(c, *p))) return no_purchase();
      return as_seen_by(c, caller, std::move(*p));
    });
  }

  task<answer> pay(pay_purchase_request r, std::optional<idempotency_key> key,
                   renderer<purchase_pay_outcome> render) override {
    const auto now = r.now;
    auto work = [r = std::move(r)](connection& c) { return pay_purchase(c, r); };
    co_return co_await e_.idempotent<purchase_pay_outcome>(std::move(key), std::move(work), std::move(render), now);
  }

 private:
  engine e_;
};

}  // namespace

std::unique_ptr<purchase_store> make_purchase_store(database& db) {
  return std::make_unique<sqlite_purchase_store>(db);
}

}  // namespace cunji::storage
