#pragma once
// Sends the refunds owed to buyers through the payment provider: each pass takes the refunds
// due (storage::payment_store::due_refunds), posts each one's signed request to the provider's
// gateway (server/gateway_client.hpp), checks the answer (payment_provider::read_refund_reply)
// and records it (record_refund): confirmed, or retried later with the same out_request_no.
// It holds no database connection, only store calls, and sends one refund at a time.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "core/time.hpp"
#include "payments/provider.hpp"
#include "server/gateway_client.hpp"
#include "server/metrics.hpp"
#include "storage/payments.hpp"

namespace cunji::server {

// What one pass did.
struct refund_pass {
  int sent = 0;     // confirmed by the provider (or found confirmed already)
  int retried = 0;  // not confirmed: put off (core::refund_retry_delay)
};

class refund_sender {
 public:
  // Refunds due at most this many per store call; a pass takes more while a call comes back full.
  static constexpr std::size_t batch = 50;

  refund_sender(storage::payment_store& store, std::shared_ptr<const payments::payment_provider> provider,
                std::function<unix_seconds()> clock, std::chrono::milliseconds gateway_timeout, bool quiet,
                metrics& stats);

  // One pass over the refunds due now, on the calling coroutine's executor.
  net::awaitable<refund_pass> run_once();

  // Runs a pass every `every` on a strand of `ioc` until stop(); a pass in flight ends within
  // the gateway timeout of the refund it is sending. (A strand of the io_context's own executor,
  // as the sessions use: a strand of an any_io_executor is reference-counted on the heap, and
  // ThreadSanitizer reports the count's release and the delete as a race.)
  void start(net::io_context& ioc, std::chrono::milliseconds every);
  void stop();

 private:
  net::awaitable<void> loop(std::chrono::milliseconds every);
  // Sends one refund and records the answer; true if it is confirmed.
  net::awaitable<bool> send(const storage::due_refund& r);

  storage::payment_store& store_;
  std::shared_ptr<const payments::payment_provider> provider_;
  std::function<unix_seconds()> clock_;
  gateway_client gateway_;
  bool quiet_;
  metrics& stats_;
  std::optional<net::steady_timer> timer_;
  std::atomic<bool> stopping_{false};
};

}  // namespace cunji::server
