#pragma once
// Everything the server can be told, with the defaults that README.md lists.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/time.hpp"
#include "payments/provider.hpp"
#include "server/crypto.hpp"

namespace cunji::server {

struct server_config {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  unsigned cpu_threads = 2;  // argon2id hashing, off the I/O threads

  std::size_t header_limit = 8 * 1024;                 // bytes of request line and headers: 431 beyond
  std::size_t body_limit = 1024 * 1024;                // bytes of body: 413 beyond (photo uploads: 8 MiB)
  unsigned photo_threads = 2;                          // image decoding and encoding, off the I/O threads
  std::size_t photo_jobs_max = 8;                      // uploads being decoded or waiting to be: 503 beyond
  std::chrono::milliseconds request_timeout{30'000};   // a started request must arrive whole in this time
  std::chrono::milliseconds idle_timeout{60'000};      // keep-alive connections idle longer are closed
  std::size_t max_connections = 10'000;                // beyond: an immediate 503 "overloaded"
  bool quiet = false;                                  // no access log
  std::size_t response_cache_bytes = 8 * 1024 * 1024;  // rendered public reads (server/response_cache.hpp)

  // The web pages' cookies (server/web/): without `Secure` and the `__Host-` prefix for
  // plain-HTTP local runs (--insecure-cookies). A page session ends when unused for
  // `page_idle` or at `page_absolute` after sign-in.
  bool insecure_cookies = false;
  std::chrono::seconds page_idle{2 * 3600};
  std::chrono::seconds page_absolute{7 * 24 * 3600};

  password_params password{};
  std::chrono::seconds token_ttl{30 * 24 * 3600};

  // Alipay (payments/alipay.hpp), when configured; without it, paying with Alipay is 503.
  std::shared_ptr<const payments::payment_provider> alipay;
  // The site's origin as browsers reach it ("https://m.example.cn"), taken from
  // --alipay-notify-url: Alipay sends a buyer who paid on a page back to the order there.
  // Empty: the buyer is not sent back (and waits at Alipay's page).
  std::string public_origin;
  // With Alipay, the refunds owed are sent to its gateway (server/refund_sender.hpp) every this
  // often; zero: never by itself (tests run server::refunds()->run_once()).
  std::chrono::milliseconds refunds_every{30'000};
  std::chrono::milliseconds gateway_timeout{15'000};  // one refund request, connect to answer

  // "Now" for every rule that depends on time; tests replace it.
  std::function<unix_seconds()> clock;
};

}  // namespace cunji::server
