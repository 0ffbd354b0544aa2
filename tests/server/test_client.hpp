#pragma once
// An in-process server on an ephemeral port, and a small blocking HTTP client for tests.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "db_snapshot.hpp"
#include "server/server.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/alipay_fake.hpp"
#include "support/temp_dir.hpp"

namespace cunji::test {

namespace http = boost::beast::http;

struct reply {
  unsigned status = 0;
  std::string body;          // decoded: a gzip-encoded answer's body inflated, as HTTP clients do
  std::string wire;          // the body as it was sent (the same as `body` unless Content-Encoding: gzip)
  std::string decode_error;  // why a gzip body could not be inflated; empty when it could
  std::map<std::string, std::string> headers;  // names lowercased
  std::vector<std::string> set_cookies;        // every Set-Cookie, in order
  boost::json::value json() const;
  std::string header(const std::string& lower_name) const;
  // The problem `type` of an error reply ("" if none).
  std::string type() const;
  // The `field` of each entry of a problem's `errors`, in order.
  std::vector<std::string> error_fields() const;
};

using header_list = std::vector<std::pair<std::string, std::string>>;

// `data` inflated from one gzip member with zlib; nullopt if it is not a whole, valid one.
std::optional<std::string> gunzip(std::string_view data);

// Every response it reads is checked against server/openapi.json (openapi_contract.hpp), its
// body inflated first when it came gzip-encoded. It sends no Accept-Encoding unless told to, so
// answers come in identity coding by default.
class http_client {
 public:
  explicit http_client(unsigned short port);
  reply request(http::verb method, const std::string& target, const std::string& body = "",
                const header_list& headers = {});
  // Sends `raw` bytes as they are and reads one response.
  reply raw(const std::string& raw);
  bool connected() const;

 private:
  // `head`: the answer to a HEAD request, whose Content-Length announces no body.
  reply read_reply(bool head);
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket sock_;
  boost::beast::flat_buffer buf_;
};

class test_server {
 public:
  // `vfs`: open the database through this registered SQLite VFS (e.g. the fault-injecting one).
  explicit test_server(std::function<void(server::server_config&)> tweak = {}, const std::string& vfs = {});
  ~test_server();

  unsigned short port() const noexcept { return port_; }
  // The SQLite engine's database, for the tests that read it directly (they run on SQLite only).
  storage::database& db();
  // Every row of the database, on either engine (db_snapshot.hpp): to prove that requests
  // changed nothing, compare one taken before with one taken after.
  db_snapshot snapshot();
  // The rows of a read-only query of `columns` columns, as text (NULL: nullopt), on either
  // engine: for checks that read the database with SQL both engines take alike.
  std::vector<std::vector<std::optional<std::string>>> rows(const std::string& sql, int columns);
  // The query's first column of its first row as a number; 0 if there is no row or it is NULL.
  std::int64_t number(const std::string& sql);
  storage::store& store() noexcept { return *store_; }
  server::server& srv() noexcept { return *srv_; }
  void advance_clock(std::int64_t seconds) { now_ += seconds; }
  unix_seconds now() const { return now_; }

  // One request on a new connection; `token` becomes a bearer header.
  reply get(const std::string& target, const std::string& token = "");
  reply post(const std::string& target, const std::string& json, const std::string& token = "");
  reply del(const std::string& target, const std::string& token = "");
  reply send(http::verb m, const std::string& target, const std::string& body, const header_list& headers);

  // Helpers that go through the API (and REQUIRE success).
  std::string login(const std::string& phone, const std::string& password);
  // Makes an admin account directly in storage and logs it in.
  std::string admin_token();
  // A county and a village made directly in storage; returns the village id.
  std::int64_t make_village(bool poverty_stricken = false);
  // Registers a buyer (or a farmer with a village) over the API and returns its token.
  std::string new_user(const std::string& role, std::optional<std::int64_t> village_id = std::nullopt);
  // An account and a live session made directly in storage (no password hashing): fast, for
  // tests that need hundreds of users. Returns {account id, token}.
  std::pair<std::int64_t, std::string> direct_user(role r, std::optional<std::int64_t> village_id = std::nullopt);

  // Pays an order as a buyer does with Alipay: POST .../pay {"method":"alipay"} (202, a pending
  // payment), then the notification Alipay would send, signed with "Alipay's" key (200
  // `success`). REQUIREs each step. Returns the payment's JSON from the 202.
  boost::json::object pay(std::int64_t order_id, const std::string& token);
  // The notification body for a pending payment's JSON (as /pay answered it), signed as Alipay.
  std::string alipay_notification(const boost::json::object& payment, const std::string& trade_no,
                                  const std::string& trade_status = "TRADE_SUCCESS");
  reply notify(const std::string& body);
  const alipay_fake& alipay() const noexcept { return alipay_; }

  // PostgreSQL only: a second server on this server's database, with a store (pool, change
  // feed) and metrics of its own, as a second `cunji serve` on another machine would be; the
  // same clock and Alipay keys. Started on the first call; returns its port. Throws on SQLite,
  // whose file is served by one process.
  unsigned short twin_port();

  // Runs the order timers now, at the test clock's time (the server's own runs are off in tests,
  // so that a test decides when they happen).
  storage::timer_report run_timers();

  // Runs one pass of the refund sender now (the server's own passes are off in tests).
  server::refund_pass send_refunds();
  // A tweak that points the Alipay provider at `gateway_url` (a fake gateway's).
  static std::function<void(server::server_config&)> alipay_gateway_at(std::string gateway_url);

 private:
  temp_dir dir_;
  alipay_fake alipay_;
  int next_trade_ = 0;
  std::atomic<unix_seconds> now_{1'795'442'400};  // 2026-11-23T14:00:00Z
  server::metrics metrics_;                       // made first: the writer reports its batches to them
  std::unique_ptr<storage::store> store_;         // SQLite, or PostgreSQL with CUNJI_TEST_ENGINE=postgresql
  storage::sqlite_store* sqlite_ = nullptr;
  std::unique_ptr<server::server> srv_;
  unsigned short port_ = 0;
  std::string pg_conninfo_;  // the PostgreSQL database's, empty on SQLite
  server::server_config cfg_;
  struct twin;
  std::unique_ptr<twin> twin_;
  int next_phone_ = 0;
};

}  // namespace cunji::test
