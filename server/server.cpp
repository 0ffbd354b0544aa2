#include "server/server.hpp"

#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <csignal>

#include "server/finish.hpp"
#include "server/problem.hpp"

namespace cunji::server {

using tcp = net::ip::tcp;
constexpr auto as_tuple_awaitable = net::as_tuple(net::use_awaitable);

struct connection_state {
  explicit connection_state(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  bool idle = false;            // waiting for a next request; touched only on the strand
  bool stop_requested = false;  // likewise
};

namespace {

// The canned answer for connections over the limit: built once, written without parsing.
const std::string& overloaded_response() {
  static const std::string text = [] {
    const std::string body = R"({"type":"overloaded","title":"Service overloaded","status":503,)"
                             R"("detail":"Too many open connections; retry later."})";
    return "HTTP/1.1 503 Service Unavailable\r\n"
           "Content-Type: application/problem+json\r\n"
           "Retry-After: 1\r\n"
           "Connection: close\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  return text;
}

bool is_disconnect(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
         ec == beast::error::timeout || ec == net::error::operation_aborted || ec == net::error::broken_pipe;
}

// Half-closes and reads what the peer still sends (briefly), so it sees our last response
// rather than a reset caused by unread data.
net::awaitable<void> linger_close(beast::tcp_stream& stream, std::chrono::milliseconds limit, std::size_t max_bytes) {
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) co_return;
  stream.expires_after(limit);
  std::array<char, 16 * 1024> sink;
  std::size_t total = 0;
  while (total < max_bytes) {
    auto [rec, n] = co_await stream.async_read_some(net::buffer(sink), as_tuple_awaitable);
    if (rec) break;
    total += n;
  }
  stream.socket().close(ec);
}

net::awaitable<void> reject_connection(tcp::socket sock) {
  beast::tcp_stream stream(std::move(sock));
  stream.expires_after(std::chrono::seconds(2));
  auto [ec, n] = co_await net::async_write(stream, net::buffer(overloaded_response()), as_tuple_awaitable);
  (void)n;
  if (!ec) co_await linger_close(stream, std::chrono::milliseconds(500), 64 * 1024);
}

void log_request(const server_config& cfg, metrics& m, std::string_view method, std::string_view route, unsigned status,
                 std::chrono::steady_clock::time_point start) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  m.record_request(method, route, status, us);
  if (!cfg.quiet) fmt::print(stderr, "{} {} {} {}us\n", method, route, status, us.count());
}

net::ip::address remote_address(const beast::tcp_stream& stream) {
  beast::error_code ec;
  const auto ep = stream.socket().remote_endpoint(ec);
  return ec ? net::ip::address{} : ep.address();
}

// The answer to a request that could not be read whole (the connection closes after it).
response unreadable_request(const beast::error_code& ec, std::size_t body_limit, std::size_t header_limit) {
  response res;
  if (ec == http::error::body_limit)
    res = problem(http::status::payload_too_large, "payload_too_large",
                  fmt::format("The body is larger than {} bytes.", body_limit));
  else if (ec == http::error::header_limit)
    res = problem(http::status::request_header_fields_too_large, "request_header_too_large",
                  fmt::format("The request line and headers are larger than {} bytes.", header_limit));
  else res = problem(http::status::bad_request, "malformed_request", "The request is not valid HTTP/1.1.");
  res.keep_alive(false);
  return res;
}

net::awaitable<void> serve_connection(server& srv, std::shared_ptr<connection_state> st) {
  const auto& cfg = srv.app().config();
  auto& stream = st->stream;
  const auto remote = remote_address(stream);
  beast::flat_buffer buf;
  bool linger = false;
  for (;;) {
    // Idle: wait for the first byte of the next request.
    if (buf.size() == 0) {
      st->idle = true;
      if (st->stop_requested || srv.stopping()) break;
      stream.expires_after(cfg.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buf.prepare(4096), as_tuple_awaitable);
      st->idle = false;
      if (ec) break;
      buf.commit(n);
    }
    // A request has started: all of it must arrive within request_timeout.
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(cfg.header_limit));
    // The largest limit of any route until the header names the route; then the route's own.
    parser.body_limit(srv.app().largest_body_limit());
    std::size_t body_limit = cfg.body_limit;
    stream.expires_after(cfg.request_timeout);
    auto [ec, n1] = co_await http::async_read_header(stream, buf, parser, as_tuple_awaitable);
    const auto start = std::chrono::steady_clock::now();
    if (!ec && !parser.is_done()) {  // a body follows: the route's limit applies
      body_limit = srv.app().body_limit_for(parser.get().method(), parser.get().target());
      const auto declared = parser.content_length();
      if (declared && *declared > body_limit) ec = http::error::body_limit;
      else parser.body_limit(body_limit);
    } else if (ec == http::error::body_limit) {  // a Content-Length over every route's limit
      body_limit = srv.app().body_limit_for(parser.get().method(), parser.get().target());
    }
    if (!ec && !parser.is_done()) {
      if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        static constexpr std::string_view cont = "HTTP/1.1 100 Continue\r\n\r\n";
        auto [wec, wn] = co_await net::async_write(stream, net::buffer(cont), as_tuple_awaitable);
        if (wec) break;
      }
      auto [rec, n2] = co_await http::async_read(stream, buf, parser, as_tuple_awaitable);
      ec = rec;
    }
    if (ec) {
      if (ec != http::error::body_limit && ec != http::error::header_limit && is_disconnect(ec)) break;
      auto res = unreadable_request(ec, body_limit, cfg.header_limit);
      stream.expires_after(cfg.request_timeout);
      auto [wec, wn] = co_await http::async_write(stream, res, as_tuple_awaitable);
      log_request(cfg, srv.app().stats(), "-", "unparsed", res.result_int(), start);
      linger = !wec;
      break;
    }
    const auto& req = parser.get();
    std::string route;
    response res = co_await srv.app().handle(req, remote, route);
    const bool keep = req.keep_alive() && !srv.stopping() && !st->stop_requested;
    res.version(req.version());
    res.keep_alive(keep);
    if (finish_response(srv.app(), req, res) == finish_step::compress_off_thread)
      co_await finish_compressing(srv.app(), req, res);
    stream.expires_after(cfg.request_timeout);
    auto [wec, wn] = co_await http::async_write(stream, res, as_tuple_awaitable);
    log_request(cfg, srv.app().stats(), req.method_string(), route, res.result_int(), start);
    if (wec) break;
    if (!keep) {
      linger = true;
      break;
    }
  }
  if (linger) co_await linger_close(stream, std::chrono::milliseconds(1000), 4 * srv.app().largest_body_limit());
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream.socket().close(ec);
}

}  // namespace

server::server(server_config cfg, storage::store& store, cunji::server::metrics& metrics)
    : app_(std::move(cfg), store, metrics), acceptor_(net::make_strand(ioc_)) {
  const auto& c = app_.config();
  if (c.alipay)
    refunds_ = std::make_unique<refund_sender>(
        store.payments(), c.alipay, [this] { return app_.now(); }, c.gateway_timeout, c.quiet, app_.stats());
}

server::~server() {
  stop();
  join();
}

unsigned short server::listen() {
  const auto& cfg = app_.config();
  tcp::endpoint ep(net::ip::make_address(cfg.host), cfg.port);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen(net::socket_base::max_listen_connections);
  return acceptor_.local_endpoint().port();
}

net::awaitable<void> server::accept_loop() {
  auto& m = app_.stats();
  const auto max_conns = static_cast<std::int64_t>(app_.config().max_connections);
  for (;;) {
    auto [ec, sock] = co_await acceptor_.async_accept(net::make_strand(ioc_), as_tuple_awaitable);
    if (ec) {
      if (stopping_ || ec == net::error::operation_aborted || ec == net::error::bad_descriptor) break;
      // Out of file descriptors or a transient failure: back off briefly.
      net::steady_timer t(acceptor_.get_executor(), std::chrono::milliseconds(10));
      co_await t.async_wait(as_tuple_awaitable);
      continue;
    }
    if (m.open_connections.load() >= max_conns) {
      m.rejected_connections.fetch_add(1);
      auto ex = sock.get_executor();
      net::co_spawn(ex, reject_connection(std::move(sock)), net::detached);
      continue;
    }
    sock.set_option(tcp::no_delay(true), ec);
    auto st = std::make_shared<connection_state>(std::move(sock));
    m.open_connections.fetch_add(1);
    add_connection(st);
    net::co_spawn(st->stream.get_executor(), serve_connection(*this, st), [this, st](std::exception_ptr) {
      app_.stats().open_connections.fetch_sub(1);
      remove_connection(st);
    });
  }
}

void server::add_connection(const std::shared_ptr<connection_state>& c) {
  std::lock_guard lk(conns_m_);
  conns_.insert(c);
}

void server::remove_connection(const std::shared_ptr<connection_state>& c) {
  std::lock_guard lk(conns_m_);
  conns_.erase(c);
}

void server::start_background() {
  const auto every = app_.config().refunds_every;
  if (refunds_ && every.count() > 0) refunds_->start(ioc_, every);
}

void server::start() {
  net::co_spawn(acceptor_.get_executor(), accept_loop(), net::detached);
  start_background();
  const auto n = std::max(1u, app_.config().threads);
  for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this] { ioc_.run(); });
}

void server::run(bool handle_signals) {
  if (handle_signals) {
    signals_ = std::make_unique<net::signal_set>(ioc_, SIGINT, SIGTERM);
    signals_->async_wait([this](const beast::error_code& ec, int) {
      if (!ec) stop();
    });
  }
  net::co_spawn(acceptor_.get_executor(), accept_loop(), net::detached);
  start_background();
  const auto n = std::max(1u, app_.config().threads);
  for (unsigned i = 1; i < n; ++i) threads_.emplace_back([this] { ioc_.run(); });
  ioc_.run();
  join();
}

void server::stop() {
  if (stopping_.exchange(true)) return;
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
  if (signals_) net::post(ioc_, [this] { signals_->cancel(); });
  if (refunds_) refunds_->stop();
  std::lock_guard lk(conns_m_);
  for (const auto& c : conns_) {
    net::post(c->stream.get_executor(), [c] {
      c->stop_requested = true;
      if (c->idle) c->stream.cancel();
    });
  }
}

void server::join() {
  for (auto& t : threads_)
    if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
  threads_.clear();
}

}  // namespace cunji::server
