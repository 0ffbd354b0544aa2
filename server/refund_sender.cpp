#include "server/refund_sender.hpp"

#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>

namespace cunji::server {

refund_sender::refund_sender(storage::payment_store& store, std::shared_ptr<const payments::payment_provider> provider,
                             std::function<unix_seconds()> clock, std::chrono::milliseconds gateway_timeout, bool quiet,
                             metrics& stats)
    : store_(store),
      provider_(std::move(provider)),
      clock_(std::move(clock)),
      gateway_(gateway_timeout),
      quiet_(quiet),
      stats_(stats) {}

net::awaitable<bool> refund_sender::send(const storage::due_refund& r) {
  const payments::refund_order order{r.out_trade_no, r.amount_fen, r.out_request_no, clock_()};
  payments::refund_reply reply;
  if (auto req = provider_->refund_request(order); !req) {
    reply.detail = "request not made: " + req.err().detail;
  } else {
    const auto answer = co_await gateway_.post(req.value());
    if (answer.status == 0) reply.detail = answer.failure;
    else if (answer.status != 200) reply.detail = fmt::format("HTTP {}", answer.status);
    else reply = provider_->read_refund_reply(answer.body, order);
  }
  // Recorded at the time of the answer: a retry is put off from then.
  const storage::refund_attempt attempt{r.id, reply.refunded, clock_()};
  const auto recorded = co_await store_.record_refund(attempt);
  const bool confirmed = recorded == storage::refund_recorded::sent ||
                         recorded == storage::refund_recorded::already_sent;
  stats_.record_refund_try(confirmed);
  if (!confirmed)  // failures are logged even when quiet: money owed is still owed
    fmt::print(stderr, "refund {} ({} fen) not confirmed after try {}: {}\n", r.out_request_no, r.amount_fen,
               r.attempts + 1, reply.detail);
  else if (!quiet_) fmt::print(stderr, "refund {} ({} fen) sent: {}\n", r.out_request_no, r.amount_fen, reply.detail);
  co_return confirmed;
}

net::awaitable<refund_pass> refund_sender::run_once() {
  refund_pass pass;
  // Each refund tried in a pass leaves the queue (confirmed or put off), so the pass ends.
  for (;;) {
    const auto due = co_await store_.due_refunds(clock_(), batch);
    for (const auto& r : due) {
      if (stopping_) co_return pass;
      if (co_await send(r)) ++pass.sent;
      else ++pass.retried;
    }
    if (due.size() < batch) co_return pass;
  }
}

net::awaitable<void> refund_sender::loop(std::chrono::milliseconds every) {
  constexpr auto no_throw = net::as_tuple(net::use_awaitable);
  while (!stopping_) {
    try {
      co_await run_once();
    } catch (const std::exception& e) {  // the database failing: the next pass tries again
      fmt::print(stderr, "refund sender: {}\n", e.what());
    }
    if (stopping_) break;
    timer_->expires_after(every);
    co_await timer_->async_wait(no_throw);
  }
}

void refund_sender::start(net::io_context& ioc, std::chrono::milliseconds every) {
  auto strand = net::make_strand(ioc);
  timer_.emplace(strand);
  net::co_spawn(strand, loop(every), net::detached);
}

void refund_sender::stop() {
  if (stopping_.exchange(true) || !timer_) return;
  net::post(timer_->get_executor(), [this] { timer_->cancel(); });
}

}  // namespace cunji::server
