#pragma once
// The HTTP server: an acceptor and keep-alive connections on an io_context run by N threads.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

#include "server/app.hpp"
#include "server/refund_sender.hpp"

namespace cunji::server {

struct connection_state;

class server {
 public:
  server(server_config cfg, storage::store& store, cunji::server::metrics& metrics);
  server(const server&) = delete;
  server& operator=(const server&) = delete;
  ~server();

  // Binds and listens on cfg.host:cfg.port (port 0 picks a free one); returns the bound port.
  unsigned short listen();

  // Runs the I/O threads in the background (tests) ...
  void start();
  // ... or on the calling thread plus N-1 more, returning after a graceful stop. With
  // `handle_signals`, SIGINT and SIGTERM trigger that stop.
  void run(bool handle_signals);

  // Graceful stop, from any thread: stop accepting, close idle connections, let requests in
  // flight finish (their connections then close). Returns at once; join() waits.
  void stop();
  void join();

  application& app() noexcept { return app_; }
  // The sender of refunds owed, when Alipay is configured (else null).
  refund_sender* refunds() noexcept { return refunds_.get(); }
  bool stopping() const noexcept { return stopping_.load(); }

  // Used by connections.
  void add_connection(const std::shared_ptr<connection_state>& c);
  void remove_connection(const std::shared_ptr<connection_state>& c);

 private:
  net::awaitable<void> accept_loop();
  void start_background();

  net::io_context ioc_;
  application app_;
  std::unique_ptr<refund_sender> refunds_;
  net::ip::tcp::acceptor acceptor_;
  std::unique_ptr<net::signal_set> signals_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::mutex conns_m_;
  std::unordered_set<std::shared_ptr<connection_state>> conns_;
};

}  // namespace cunji::server
