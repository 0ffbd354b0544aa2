// Orders on SQLite (storage/orders.hpp).
#include "storage/sql/orders.hpp"
#include "storage/sql/stores.hpp"
#include "storage/sqlite/engine.hpp"

namespace cunji::storage {

namespace {

class sqlite_order_store final : public order_store {
 public:
  explicit sqlite_order_store(database& db) : e_(db) {}

  task<answer> place(place_order_request r, std::optional<idempotency_key> key, renderer<order> render) override {
    const auto now = r.now;
    auto work = [r = std::move(r)](connection& c) { return place_order(c, r); };
    co_return co_await e_.idempotent<order>(std::move(key), std::move(work), std::move(render), now);
  }

  task<answer> transition(transition_request r, std::optional<idempotency_key> key, renderer<order> render) override {
    const auto now = r.now;
    auto work = [r = std::move(r)](connection& c) { return transition_order(c, r); };
    co_return co_await e_.idempotent<order>(std::move(key), std::move(work), std::move(render), now);
  }

  task<result<order>> hand_over(handover_request r) override {
    auto cmd = [r = std::move(r)](connection& c) { return hand_over_order(c, r); };
    auto outcome = co_await e_.write(std::move(cmd));
    if (!outcome) co_return std::move(outcome).err();
    if (outcome->refused) co_return std::move(*outcome->refused);
    co_return std::move(*outcome->delivered);
  }

  task<result<order>> get(std::int64_t id, account caller) override {
    co_return e_.read([&](connection& c) -> result<order> {
      read_transaction snapshot(c);
      auto o = find_order(c, id);
      if (!o || !can_see(caller, parties_of(c, *o))) return error{errc::not_found, "No such order."};
      return as_seen_by(c, caller, std::move(*o));
    });
  }

  task<result<page<order>>> list(order_list_filter f) override {
    if (f.as == order_view::admin && f.caller.role != role::admin)
      co_return error{errc::forbidden, "Only an admin lists every order."};
    co_return e_.read([&](connection& c) {
      read_transaction snapshot(c);
      return page_of(list_orders(c, f), f.page.limit);
    });
  }

  task<result<page<parcel>>> parcels(parcel_filter f) override {
    if (!can_list_parcels(f.caller)) co_return error{errc::forbidden, "Only a station's partner lists its parcels."};
    co_return e_.read([&](connection& c) { return page_of(list_parcels(c, *f.caller.village_id, f), f.page.limit); });
  }

 private:
  engine e_;
};

}  // namespace

std::unique_ptr<order_store> make_order_store(database& db) { return std::make_unique<sqlite_order_store>(db); }

}  // namespace cunji::storage
