#include "server/gateway_client.hpp"

#include <openssl/ssl.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace cunji::server {
namespace {

using tcp = net::ip::tcp;
constexpr auto no_throw = net::as_tuple(net::use_awaitable);
constexpr std::size_t max_answer_bytes = 1024 * 1024;

gateway_exchange failed(std::string what, const beast::error_code& ec) { return {0, {}, what + ": " + ec.message()}; }

// Writes the request and reads the answer on a connected (and, for TLS, handshaken) stream.
template <class Stream>
net::awaitable<gateway_exchange> exchange(Stream& stream, const gateway_url& u, const payments::outbound_request& r) {
  http::request<http::string_body> req{http::verb::post, u.target, 11};
  req.set(http::field::host, u.host);
  req.set(http::field::content_type, r.content_type);
  req.set(http::field::user_agent, "cunji");
  req.set(http::field::connection, "close");
  req.body() = r.body;
  req.prepare_payload();
  if (auto [ec, n] = co_await http::async_write(stream, req, no_throw); ec) co_return failed("write", ec);
  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_answer_bytes);
  if (auto [ec, n] = co_await http::async_read(stream, buf, parser, no_throw); ec) co_return failed("read", ec);
  auto res = parser.release();
  co_return gateway_exchange{res.result_int(), std::move(res.body()), {}};
}

}  // namespace

std::optional<gateway_url> parse_gateway_url(std::string_view url) {
  gateway_url u;
  if (url.starts_with("https://")) {
    u.tls = true;
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  const auto slash = url.find_first_of("/?");
  auto authority = url.substr(0, slash);
  u.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (u.target.front() == '?') u.target.insert(0, "/");
  if (authority.empty() || authority.find_first_of("@[] ") != std::string_view::npos) return std::nullopt;
  const auto colon = authority.find(':');
  u.host = std::string(authority.substr(0, colon));
  u.port = colon == std::string_view::npos ? (u.tls ? "443" : "80") : std::string(authority.substr(colon + 1));
  if (u.host.empty() || u.port.empty() || u.port.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return u;
}

gateway_client::gateway_client(std::chrono::milliseconds timeout)
    : timeout_(timeout), tls_(net::ssl::context::tls_client) {
  tls_.set_default_verify_paths();
  tls_.set_verify_mode(net::ssl::verify_peer);
  SSL_CTX_set_min_proto_version(tls_.native_handle(), TLS1_2_VERSION);
}

net::awaitable<gateway_exchange> gateway_client::post(const payments::outbound_request& r) {
  const auto u = parse_gateway_url(r.url);
  if (!u) co_return gateway_exchange{0, {}, "not an http(s) URL"};
  auto ex = co_await net::this_coro::executor;
  tcp::resolver resolver(ex);
  beast::tcp_stream tcp_stream(ex);
  tcp_stream.expires_after(timeout_);  // one deadline for the whole exchange
  auto [rec, endpoints] = co_await resolver.async_resolve(u->host, u->port, no_throw);
  if (rec) co_return failed("resolve", rec);
  if (auto [ec, ep] = co_await tcp_stream.async_connect(endpoints, no_throw); ec) co_return failed("connect", ec);
  if (!u->tls) co_return co_await exchange(tcp_stream, *u, r);
  beast::ssl_stream<beast::tcp_stream> tls_stream(std::move(tcp_stream), tls_);
  // SNI, and the certificate must name the host.
  if (!SSL_set_tlsext_host_name(tls_stream.native_handle(), u->host.c_str()))
    co_return gateway_exchange{0, {}, "TLS: cannot set the server name"};
  tls_stream.set_verify_callback(net::ssl::host_name_verification(u->host));
  if (auto [ec] = co_await tls_stream.async_handshake(net::ssl::stream_base::client, no_throw); ec)
    co_return failed("TLS handshake", ec);
  co_return co_await exchange(tls_stream, *u, r);
}

}  // namespace cunji::server
