#pragma once
// An HTTP/1.1 client for a payment provider's gateway (payments/provider.hpp outbound_request):
// one POST on a new connection, http:// (tests) or https:// (TLS, the peer verified against the
// system's certificate authorities and the URL's host name), the whole exchange within a timeout.
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "payments/provider.hpp"
#include "server/http.hpp"

namespace cunji::server {

struct gateway_url {
  bool tls = false;
  std::string host;
  std::string port;    // "443" or "80" when the URL names none
  std::string target;  // path and query, "/" when empty
};
// http(s)://host[:port][/path][?query]; nullopt for anything else (user info, IPv6 literals).
std::optional<gateway_url> parse_gateway_url(std::string_view url);

// What a POST came to: an answer with its status, or why there was none.
struct gateway_exchange {
  unsigned status = 0;  // 0: no answer
  std::string body;
  std::string failure;  // when there is no answer: what went wrong, for the log
};

class gateway_client {
 public:
  explicit gateway_client(std::chrono::milliseconds timeout);

  // Runs on the calling coroutine's executor; never throws for network failures.
  net::awaitable<gateway_exchange> post(const payments::outbound_request& r);

 private:
  std::chrono::milliseconds timeout_;
  net::ssl::context tls_;
};

}  // namespace cunji::server
