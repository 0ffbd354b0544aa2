// The order history of cunji_benchgen's marketplace (bench/gen_market.hpp): orders placed with
// place_order and moved along their lifecycle with transition_order, at their own times.
#include "gen_market.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <queue>
#include <random>
#include <stdexcept>
#include <vector>

#include "core/order.hpp"
#include "gen_steps.hpp"
#include "market_names.hpp"
#include "storage/sql/order_moves.hpp"
#include "storage/sql/orders.hpp"
#include "storage/sqlite/database.hpp"
#include "tools/bench_fixtures.hpp"

namespace cunji::benchgen {

namespace {

// A lifecycle move of a historical order, applied when the history reaches its time.
struct planned_move {
  unix_seconds at;
  std::uint64_t seq;  // tie-break: the order the moves were planned in
  std::int64_t order_id;
  std::uint32_t buyer;
  std::uint32_t shop;
  order_action action;
};
struct later {
  bool operator()(const planned_move& a, const planned_move& b) const {
    return a.at != b.at ? a.at > b.at : a.seq > b.seq;
  }
};

}  // namespace

// The order history: one writer command per order, which first applies the moves of earlier
// orders that fall due before it; every move is applied in time order across all orders.
class market_generator::order_history {
 public:
  explicit order_history(market_generator& g) : g_(g), span_(g.o_.days * day) {
    // Popularity: a random permutation of the orderable listings, rank r weighted 1/r.
    by_rank_.resize(g.can_order_.size());
    for (std::size_t i = 0; i < by_rank_.size(); ++i) by_rank_[i] = i;
    std::shuffle(by_rank_.begin(), by_rank_.end(), g.rng_);
    std::vector<double> zipf(g.can_order_.size());
    for (std::size_t r = 0; r < zipf.size(); ++r) zipf[r] = 1.0 / static_cast<double>(r + 1);
    rank_dist_ = std::discrete_distribution<std::size_t>(zipf.begin(), zipf.end());
    buyer_dist_ = std::uniform_int_distribution<std::uint32_t>(0, static_cast<std::uint32_t>(g.buyers_.size() - 1));
    final_status_.reserve(static_cast<std::size_t>(g.o_.orders));
  }

  // Places order i (spread evenly over the history, with jitter; never before the previous
  // order) after the moves due before it, and plans its own moves.
  result<int> place_one(storage::connection& c, std::int64_t i) {
    const auto& o = g_.o_;
    const std::int64_t slot = span_ / o.orders;
    const unix_seconds at = g_.time_.history_start + i * span_ / o.orders +
                            (slot > 1 ? std::uniform_int_distribution<std::int64_t>(0, slot - 1)(g_.rng_) : 0);
    if (auto e = apply_due(c, at)) return *e;

    const auto& item = g_.can_order_[by_rank_[rank_dist_(g_.rng_)]];
    const auto buyer = buyer_dist_(g_.rng_);
    storage::place_order_request req;
    req.shop_id = g_.shops_[item.shop].id;
    const double q = std::uniform_real_distribution<double>(0, 1)(g_.rng_);
    const std::int64_t quantity = q < 0.75   ? 1
                                  : q < 0.92 ? 2
                                             : std::uniform_int_distribution<std::int64_t>(3, 5)(g_.rng_);
    req.items.push_back({item.listing_id, quantity});
    // Delivered to an address: the generated buyers live in no village, so they have no
    // station, and the direct moves below (deliver by the placer) are those of address orders.
    req.delivery = delivery_method::address;
    req.address = fmt::format("{}{}{}{}号", pick(g_.rng_, provinces), place_name(g_.rng_, "县"),
                              place_name(g_.rng_, "村"), std::uniform_int_distribution<int>(1, 300)(g_.rng_));
    req.caller = g_.buyers_[buyer];
    req.now = at;
    auto placed = storage::place_order(c, req);
    if (!placed) return placed.err();
    final_status_.push_back(plan_moves(placed->id, buyer, static_cast<std::uint32_t>(item.shop), at));
    return 1;
  }

  // Applies every planned move due at or before `until`, in time order.
  std::optional<error> apply_due(storage::connection& c, unix_seconds until) {
    while (!moves_.empty() && moves_.top().at <= until) {
      const auto m = moves_.top();
      moves_.pop();
      if (auto e = apply(c, m)) return e;
    }
    return std::nullopt;
  }

  const std::vector<order_status>& final_status() const { return final_status_; }

 private:
  // The plan: mostly delivered; some still placed, paid or shipped; some cancelled before or
  // after payment. Moves that would fall after `now` do not happen (yet). Returns the status
  // the order ends in.
  order_status plan_moves(std::int64_t order_id, std::uint32_t buyer, std::uint32_t shop, unix_seconds at) {
    auto& rng = g_.rng_;
    const double p = std::uniform_real_distribution<double>(0, 1)(rng);
    const bool cancel_unpaid = p < 0.03, cancel_paid = p >= 0.03 && p < 0.06;
    const order_status target = p < 0.06   ? order_status::cancelled
                                : p < 0.08 ? order_status::placed
                                : p < 0.11 ? order_status::paid
                                : p < 0.15 ? order_status::shipped
                                           : order_status::delivered;
    auto u = [&](std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng); };
    const unix_seconds pay_at = at + u(60, 2 * 3600);
    const unix_seconds ship_at = pay_at + u(2 * 3600, 2 * day);
    const unix_seconds deliver_at = ship_at + u(day, 6 * day);
    const unix_seconds cancel_at = (cancel_paid ? pay_at : at) + u(600, day);
    order_status status = order_status::placed;
    auto plan = [&](unix_seconds when, order_action a, order_status after) {
      if (when > g_.time_.now) return false;
      moves_.push(planned_move{when, seq_++, order_id, buyer, shop, a});
      status = after;
      return true;
    };
    if (cancel_unpaid) {
      plan(cancel_at, order_action::cancel, order_status::cancelled);
    } else if (target != order_status::placed && plan(pay_at, order_action::pay, order_status::paid)) {
      if (cancel_paid) plan(cancel_at, order_action::cancel, order_status::cancelled);
      else if ((target == order_status::shipped || target == order_status::delivered) &&
               plan(ship_at, order_action::ship, order_status::shipped) && target == order_status::delivered)
        plan(deliver_at, order_action::deliver, order_status::delivered);
    }
    return status;
  }

  std::optional<error> apply(storage::connection& c, const planned_move& m) {
    static const std::vector<const char*> cancel_reasons{"买家不想要了", "拍错了", "地址填错", "卖家缺货",
                                                         "changed my mind"};
    auto& rng = g_.rng_;
    storage::transition_request tr;
    tr.order_id = m.order_id;
    tr.action = m.action;
    tr.caller = m.action == order_action::ship ? g_.farmers_[m.shop] : g_.buyers_[m.buyer];
    tr.now = m.at;
    if (m.action == order_action::pay) {
      // Paid through Alipay (the notification is what pays it; here it succeeded at once).
      auto o = storage::find_order(c, m.order_id);
      if (!o) return error{errc::not_found, "no such order"};
      storage::pay_in_full(c, *o, payment_method::alipay, fmt::format("2026{:024d}", rng() % 10'000'000'000'000'000ULL),
                           std::nullopt, m.at);
      return std::nullopt;
    }
    if (m.action == order_action::ship) {
      if (chance(rng, 0.8)) tr.tracking = fmt::format("YT{:012d}", rng() % 1'000'000'000'000ULL);
    } else if (m.action == order_action::cancel) {
      tr.reason = pick(rng, cancel_reasons);
    }
    auto r = storage::transition_order(c, tr);
    if (!r) return r.err();
    return std::nullopt;
  }

  market_generator& g_;
  const std::int64_t span_;
  std::vector<std::size_t> by_rank_;
  std::discrete_distribution<std::size_t> rank_dist_;
  std::uniform_int_distribution<std::uint32_t> buyer_dist_;
  std::priority_queue<planned_move, std::vector<planned_move>, later> moves_;
  std::uint64_t seq_ = 0;
  std::vector<order_status> final_status_;  // by order index, for the summary
};

void market_generator::make_order_history() {
  if (can_order_.empty()) throw std::runtime_error("no orderable listing for the order history");
  const auto t_orders = std::chrono::steady_clock::now();
  order_history h(*this);
  auto place_one = [&h](storage::connection& c, std::int64_t i) { return h.place_one(c, i); };
  for (std::int64_t from = 0; from < o_.orders; from += o_.batch) {
    const std::int64_t to = std::min(o_.orders, from + o_.batch);
    run_each(db_, from, to, place_one);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_orders).count();
    fmt::print(stderr, "benchgen: {} orders ({:.1f}s, {:.0f} orders/s)\n", to, elapsed(), static_cast<double>(to) / s);
  }
  // The moves still due up to now.
  auto last = db_.writer().submit_sync([&](storage::connection& c) -> result<int> {
    if (auto e = h.apply_due(c, time_.now)) return *e;
    return 0;
  });
  if (!last) throw std::runtime_error("orders: " + last.err().detail);
  orders_s_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_orders).count();
  for (const auto st : h.final_status()) ++per_status_[st];
}

// The history brought to rest at `now`, as a server running all along would have left it
// (tools::settle_history), one writer command a step.
void market_generator::settle() {
  tools::settled total;
  for (bool done = false; !done;) {
    auto step = db_.writer().submit_sync(
        [&](storage::connection& c) -> result<tools::settled> { return tools::settle_history(c, time_.now); });
    if (!step) throw std::runtime_error("settling: " + step.err().detail);
    total.unpaid_cancelled += step->unpaid_cancelled;
    total.auto_delivered += step->auto_delivered;
    total.returned_to_shop += step->returned_to_shop;
    total.refunds_confirmed += step->refunds_confirmed;
    done = step->done;
  }
  per_status_[order_status::placed] -= total.unpaid_cancelled;
  per_status_[order_status::cancelled] += total.unpaid_cancelled;
  per_status_[order_status::shipped] -= total.auto_delivered;
  per_status_[order_status::delivered] += total.auto_delivered;
  fmt::print(stderr, "benchgen: settled: {} unpaid orders cancelled, {} delivered, {} refunds confirmed ({:.1f}s)\n",
             total.unpaid_cancelled, total.auto_delivered, total.refunds_confirmed, elapsed());
}

}  // namespace cunji::benchgen
