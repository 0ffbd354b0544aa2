// The gateway client: URLs it takes, and HTTPS that refuses a peer the system's certificate
// authorities do not vouch for (a self-signed certificate on loopback here).
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <thread>

#include "server/gateway_client.hpp"

using namespace cunji;
using namespace cunji::server;

TEST_CASE("gateway URLs: http or https, host, port and target", "[server][payments][refunds]") {
  const auto u = parse_gateway_url("https://openapi.alipay.com/gateway.do");
  REQUIRE(u);
  CHECK(u->tls);
  CHECK(u->host == "openapi.alipay.com");
  CHECK(u->port == "443");
  CHECK(u->target == "/gateway.do");
  const auto local = parse_gateway_url("http://127.0.0.1:8081?x=1");
  REQUIRE(local);
  CHECK_FALSE(local->tls);
  CHECK(local->port == "8081");
  CHECK(local->target == "/?x=1");
  for (const char* bad :
       {"ftp://a/b", "https://", "https://user@host/", "http://[::1]/", "http://h:80x/", "http://h:/"})
    CHECK_FALSE(parse_gateway_url(bad));
}

namespace {
// A self-signed certificate for 127.0.0.1 and its key, in an OpenSSL server context.
void self_signed(boost::asio::ssl::context& ctx) {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_set_pubkey(cert, key);
  X509_sign(cert, key, EVP_sha256());
  REQUIRE(SSL_CTX_use_certificate(ctx.native_handle(), cert) == 1);
  REQUIRE(SSL_CTX_use_PrivateKey(ctx.native_handle(), key) == 1);
  X509_free(cert);
  EVP_PKEY_free(key);
}
}  // namespace

TEST_CASE("https to a gateway whose certificate no authority vouches for is refused before sending",
          "[server][payments][refunds]") {
  namespace net = boost::asio;
  using tcp = net::ip::tcp;
  net::io_context server_ioc;
  net::ssl::context tls(net::ssl::context::tls_server);
  self_signed(tls);
  tcp::acceptor acceptor(server_ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  std::atomic<bool> got_request{false};
  std::thread peer([&] {
    net::ssl::stream<tcp::socket> s(server_ioc, tls);
    boost::system::error_code ec;
    acceptor.accept(s.next_layer(), ec);
    if (!ec) s.handshake(net::ssl::stream_base::server, ec);
    char byte;
    if (!ec && s.read_some(net::buffer(&byte, 1), ec) > 0) got_request = true;
  });
  gateway_client client(std::chrono::milliseconds(5'000));
  const payments::outbound_request r{
      "https://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/gateway.do",
      "application/x-www-form-urlencoded;charset=utf-8", "a=1"};
  net::io_context ioc;
  auto done = net::co_spawn(ioc, client.post(r), net::use_future);
  ioc.run();
  const auto answer = done.get();
  peer.join();
  CHECK(answer.status == 0);
  CHECK(answer.failure.find("TLS handshake") != std::string::npos);
  CHECK(answer.failure.find("certificate verify failed") != std::string::npos);
  CHECK_FALSE(got_request);
}
