// Returns on SQLite (storage/returns.hpp): opening one, deciding it (an accepted return refunds
// its order in the same write), reading and listing them.
#include "core/policy.hpp"
#include "storage/sql/order_moves.hpp"
#include "storage/sql/orders.hpp"
#include "storage/sql/returns.hpp"
#include "storage/sql/stores.hpp"
#include "storage/sqlite/engine.hpp"

namespace cunji::storage {

namespace {

error no_return() { return error{errc::not_found, "No such return."}; }

result<order_return> open_return(connection& c, const return_request& r) {
  auto o = find_order(c, r.order_id);
  if (!o) return error{errc::not_found, "No such order."};
  const auto parties = parties_of(c, *o);
  if (!can_see(r.caller, parties)) return error{errc::not_found, "No such order."};
  if (!can_request_return(r.caller, parties))
    return error{errc::forbidden, "Only the one who placed the order asks for a return."};
  if (!r.invalid.empty()) return validation(r.invalid);
  if (order_has_return(c, o->id))
    return error{errc::conflict, "This order has a return already; after a rejection, ask an admin to accept it."};
  if (auto closed = r.lost ? check_lost_report(*o, r.now) : check_return_window(*o, r.now)) return std::move(*closed);
  order_return ret;
  ret.order_id = o->id;
  ret.shop_id = o->shop_id;
  ret.requested_by = r.caller.id;
  ret.lost = r.lost;
  ret.reason = r.reason;
  ret.refund_fen = o->money.total_fen;
  ret.created_at = r.now;
  insert_return(c, ret);
  return ret;
}

result<order_return> decide_return(connection& c, const return_decision_request& r) {
  auto ret = find_return(c, r.return_id);
  if (!ret) return no_return();
  auto o = find_order(c, ret->order_id);
  const auto parties = parties_of(c, *o);
  if (!can_see(r.caller, parties)) return no_return();
  if (!can_decide_return(r.caller, parties, r.decision))
    return error{errc::forbidden, r.decision == return_decision::accept
                                      ? "Only the shop side or an admin accepts a return."
                                      : "Only the shop side rejects a return."};
  if (!r.invalid.empty()) return validation(r.invalid);
  if (auto refused = check_return_decision(ret->status, r.decision, r.caller.role == role::admin))
    return std::move(*refused);
  ret->decided_at = r.now;
  if (r.decision == return_decision::reject) {
    ret->status = return_status::rejected;
    ret->decision_reason = r.decision_reason;
  } else {
    // A parcel reported lost may have reached its station meanwhile: it is handed over, not refunded.
    if (!next_status(o->status, order_action::refund, o->delivery)) return not_allowed(*o, order_action::refund);
    refund_returned_order(c, *o, r.restock, r.now);
    ret->status = return_status::accepted;
    ret->decision_reason.reset();
    ret->restocked = r.restock;
  }
  store_decision(c, *ret, r.caller.id);
  return std::move(*ret);
}

class sqlite_return_store final : public return_store {
 public:
  explicit sqlite_return_store(database& db) : e_(db) {}

  task<answer> open(return_request r, std::optional<idempotency_key> key, renderer<order_return> render) override {
    const auto now = r.now;
    auto work = [r = std::move(r)](connection& c) { return open_return(c, r); };
    co_return co_await e_.idempotent<order_return>(std::move(key), std::move(work), std::move(render), now);
  }

  task<answer> decide(return_decision_request r, std::optional<idempotency_key> key,
                      renderer<order_return> render) override {
    const auto now = r.now;
    auto work = [r = std::move(r)](connection& c) { return decide_return(c, r); };
    co_return co_await e_.idempotent<order_return>(std::move(key), std::move(work), std::move(render), now);
  }

  task<result<order_return>> get(std::int64_t id, account caller) override {
    co_return e_.read([&](connection& c) -> result<order_return> {
      read_transaction snapshot(c);
      auto ret = find_return(c, id);
      if (!ret) return no_return();
      const auto o = find_order(c, ret->order_id);
      if (!can_see(caller, parties_of(c, *o))) return no_return();
      return std::move(*ret);
    });
  }

  task<result<page<order_return>>> list(return_list_filter f) override {
    co_return e_.read([&](connection& c) {
      read_transaction snapshot(c);
      return page_of(list_returns(c, f), f.page.limit);
    });
  }

 private:
  engine e_;
};

}  // namespace

std::unique_ptr<return_store> make_return_store(database& db) { return std::make_unique<sqlite_return_store>(db); }

}  // namespace cunji::storage
