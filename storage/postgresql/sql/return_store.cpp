// Returns on PostgreSQL (storage/returns.hpp): opening one, deciding it (an accepted return
// refunds its order in the same write), reading and listing them. Two writes on the same return
// or order conflict (SERIALIZABLE), and the one run again finds the other's outcome.
#include "core/policy.hpp"
#include "storage/paging.hpp"
#include "storage/postgresql/engine.hpp"
#include "storage/postgresql/sql/order_moves.hpp"
#include "storage/postgresql/sql/orders.hpp"
#include "storage/postgresql/sql/returns.hpp"
#include "storage/postgresql/sql/stores.hpp"

namespace cunji::storage::pg {

namespace {

error no_return() { return error{errc::not_found, "No such return."}; }

task<result<order_return>> open_return(connection& c, return_request r) {
  auto o = co_await find_order(c, r.order_id);
  if (!o) co_return error{errc::not_found, "No such order."};
  const auto parties = co_await parties_of(c, *o);
  if (!can_see(r.caller, parties)) co_return error{errc::not_found, "No such order."};
  if (!can_request_return(r.caller, parties))
    co_return error{errc::forbidden, "Only the one who placed the order asks for a return."};
  if (!r.invalid.empty()) co_return validation(r.invalid);
  const bool has_return = co_await order_has_return(c, o->id);
  if (has_return)
    co_return error{errc::conflict, "This order has a return already; after a rejection, ask an admin to accept it."};
  if (auto closed = r.lost ? check_lost_report(*o, r.now) : check_return_window(*o, r.now))
    co_return std::move(*closed);
  order_return ret;
  ret.order_id = o->id;
  ret.shop_id = o->shop_id;
  ret.requested_by = r.caller.id;
  ret.lost = r.lost;
  ret.reason = r.reason;
  ret.refund_fen = o->money.total_fen;
  ret.created_at = r.now;
  co_await insert_return(c, ret);
  co_return ret;
}

task<result<order_return>> decide_return(connection& c, return_decision_request r) {
  auto ret = co_await find_return(c, r.return_id);
  if (!ret) co_return no_return();
  auto o = co_await find_order(c, ret->order_id);
  const auto parties = co_await parties_of(c, *o);
  if (!can_see(r.caller, parties)) co_return no_return();
  if (!can_decide_return(r.caller, parties, r.decision))
    co_return error{errc::forbidden, r.decision == return_decision::accept
                                         ? "Only the shop side or an admin accepts a return."
                                         : "Only the shop side rejects a return."};
  if (!r.invalid.empty()) co_return validation(r.invalid);
  if (auto refused = check_return_decision(ret->status, r.decision, r.caller.role == role::admin))
    co_return std::move(*refused);
  ret->decided_at = r.now;
  if (r.decision == return_decision::reject) {
    ret->status = return_status::rejected;
    ret->decision_reason = r.decision_reason;
  } else {
    // A parcel reported lost may have reached its station meanwhile: it is handed over, not refunded.
    if (!next_status(o->status, order_action::refund, o->delivery)) co_return not_allowed(*o, order_action::refund);
    co_await refund_returned_order(c, *o, r.restock, r.now);
    ret->status = return_status::accepted;
    ret->decision_reason.reset();
    ret->restocked = r.restock;
  }
  co_await store_decision(c, *ret, r.caller.id);
  co_return std::move(*ret);
}

task<result<order_return>> get_visible(connection& c, std::int64_t id, account caller) {
  auto ret = co_await find_return(c, id);
  if (!ret) co_return no_return();
  const auto o = co_await find_order(c, ret->order_id);
  const auto parties = co_await parties_of(c, *o);
  if (!can_see(caller, parties)) co_return no_return();
  co_return std::move(*ret);
}

task<result<page<order_return>>> list_page(connection& c, return_list_filter f) {
  const int limit = f.page.limit;
  co_return page_of(co_await list_returns(c, std::move(f)), limit);
}

class pg_return_store final : public return_store {
 public:
  explicit pg_return_store(engine& e) : e_(e) {}

  task<answer> open(return_request r, std::optional<idempotency_key> key, renderer<order_return> render) override {
    const auto now = r.now;
    work_fn<order_return> work = [r = std::move(r)](connection& c) { return open_return(c, r); };
    co_return co_await e_.idempotent<order_return>(std::move(key), std::move(work), std::move(render), now);
  }

  task<answer> decide(return_decision_request r, std::optional<idempotency_key> key,
                      renderer<order_return> render) override {
    const auto now = r.now;
    work_fn<order_return> work = [r = std::move(r)](connection& c) { return decide_return(c, r); };
    co_return co_await e_.idempotent<order_return>(std::move(key), std::move(work), std::move(render), now);
  }

  task<result<order_return>> get(std::int64_t id, account caller) override {
    co_return co_await e_.snapshot<result<order_return>>([&](connection& c) { return get_visible(c, id, caller); });
  }

  task<result<page<order_return>>> list(return_list_filter f) override {
    co_return co_await e_.snapshot<result<page<order_return>>>([&](connection& c) { return list_page(c, f); });
  }

 private:
  engine& e_;
};

}  // namespace

std::unique_ptr<return_store> make_return_store(engine& e) { return std::make_unique<pg_return_store>(e); }

}  // namespace cunji::storage::pg
