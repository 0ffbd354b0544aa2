// Orders on PostgreSQL (storage/orders.hpp). Placing and moving orders run READ COMMITTED: many
// clients order from the same listings at once, and SERIALIZABLE would fail a cancellation that
// gives stock back to a listing others are buying from, over and over. The stock is taken by
// conditional UPDATEs (order_placement.cpp) and given back by adding; a move locks its order's
// row first (orders.cpp).
#include "core/policy.hpp"
#include "storage/paging.hpp"
#include "storage/postgresql/engine.hpp"
#include "storage/postgresql/sql/orders.hpp"
#include "storage/postgresql/sql/stores.hpp"

namespace cunji::storage::pg {

namespace {

task<result<order>> visible_order(connection& c, std::int64_t id, account caller) {
  auto o = co_await find_order(c, id);
  if (!o) co_return error{errc::not_found, "No such order."};
  const auto parties = co_await parties_of(c, *o);
  if (!can_see(caller, parties)) co_return error{errc::not_found, "No such order."};
  co_return co_await as_seen_by(c, caller, std::move(*o));
}

task<page<order>> order_page(connection& c, order_list_filter f) {
  const int limit = f.page.limit;
  co_return page_of(co_await list_orders(c, std::move(f)), limit);
}

task<page<parcel>> parcel_page(connection& c, std::int64_t station, parcel_filter f) {
  const int limit = f.page.limit;
  co_return page_of(co_await list_parcels(c, station, std::move(f)), limit);
}

class pg_order_store final : public order_store {
 public:
  explicit pg_order_store(engine& e) : e_(e) {}

  task<answer> place(place_order_request r, std::optional<idempotency_key> key, renderer<order> render) override {
    const auto now = r.now;
    work_fn<order> work = [r = std::move(r)](connection& c) { return place_order(c, r); };
    co_return co_await e_.idempotent<order>(std::move(key), std::move(work), std::move(render), now,
                                            isolation::read_committed);
  }

  task<answer> transition(transition_request r, std::optional<idempotency_key> key, renderer<order> render) override {
    const auto now = r.now;
    work_fn<order> work = [r = std::move(r)](connection& c) { return transition_order(c, r); };
    co_return co_await e_.idempotent<order>(std::move(key), std::move(work), std::move(render), now,
                                            isolation::read_committed);
  }

  task<result<order>> hand_over(handover_request r) override {
    auto outcome = co_await e_.write<result<handover_outcome>>([&](connection& c) { return hand_over_order(c, r); },
                                                               isolation::read_committed);
    if (!outcome) co_return std::move(outcome).err();
    if (outcome->refused) co_return std::move(*outcome->refused);
    co_return std::move(*outcome->delivered);
  }

  task<result<order>> get(std::int64_t id, account caller) override {
    co_return co_await e_.snapshot<result<order>>([&](connection& c) { return visible_order(c, id, caller); });
  }

  task<result<page<order>>> list(order_list_filter f) override {
    if (f.as == order_view::admin && f.caller.role != role::admin)
      co_return error{errc::forbidden, "Only an admin lists every order."};
    co_return co_await e_.snapshot<page<order>>([&](connection& c) { return order_page(c, f); });
  }

  task<result<page<parcel>>> parcels(parcel_filter f) override {
    if (!can_list_parcels(f.caller)) co_return error{errc::forbidden, "Only a station's partner lists its parcels."};
    const auto station = *f.caller.village_id;
    co_return co_await e_.read<page<parcel>>([&](connection& c) { return parcel_page(c, station, f); });
  }

 private:
  engine& e_;
};

}  // namespace

std::unique_ptr<order_store> make_order_store(engine& e) { return std::make_unique<pg_order_store>(e); }

}  // namespace cunji::storage::pg
