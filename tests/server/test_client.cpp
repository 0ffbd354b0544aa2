#include "test_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include <zlib.h>
#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <ctime>

#include "openapi_contract.hpp"
#include "payments/alipay.hpp"
#include "server/crypto.hpp"
#include "storage/postgresql/pg_store.hpp"
#include "support/pg_migrated.hpp"
#include "support/run_task.hpp"

namespace cunji::test {

namespace net = boost::asio;
using tcp = net::ip::tcp;

boost::json::value reply::json() const { return boost::json::parse(body); }

std::string reply::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::string reply::type() const {
  if (header("content-type") != "application/problem+json") return "";
  auto v = json();
  return std::string(v.at("type").as_string());
}

std::vector<std::string> reply::error_fields() const {
  std::vector<std::string> out;
  const auto doc = json();
  if (!doc.is_object() || !doc.as_object().contains("errors")) return out;
  for (const auto& e : doc.at("errors").as_array()) out.emplace_back(e.at("field").as_string());
  return out;
}

http_client::http_client(unsigned short port) : sock_(ioc_) {
  sock_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
}

bool http_client::connected() const { return sock_.is_open(); }

reply http_client::read_reply(bool head) {
  http::response_parser<http::string_body> p;
  p.body_limit(64 * 1024 * 1024);
  p.skip(head);
  http::read(sock_, buf_, p);
  const auto& res = p.get();
  reply r;
  r.status = res.result_int();
  r.wire = res.body();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    r.headers[name] = std::string(f.value());
    if (name == "set-cookie") r.set_cookies.emplace_back(f.value());
  }
  if (r.header("content-encoding") == "gzip" && !head) {
    auto inflated = gunzip(r.wire);
    if (inflated) r.body = std::move(*inflated);
    else r.decode_error = "the gzip body does not inflate";
  } else {
    r.body = r.wire;
  }
  return r;
}

std::optional<std::string> gunzip(std::string_view data) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return std::nullopt;  // 15 + 16: gzip only
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  std::array<char, 16 * 1024> chunk;
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk.data());
    zs.avail_out = static_cast<uInt>(chunk.size());
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(chunk.data(), chunk.size() - zs.avail_out);
  }
  const bool whole = rc == Z_STREAM_END && zs.avail_in == 0;
  inflateEnd(&zs);
  if (!whole) return std::nullopt;
  return out;
}

reply http_client::request(http::verb method, const std::string& target, const std::string& body,
                           const header_list& headers) {
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == http::verb::post || method == http::verb::put || method == http::verb::patch) {
    req.body() = body;
    req.prepare_payload();
  }
  http::write(sock_, req);
  auto r = read_reply(method == http::verb::head);
  contract::observe(std::string(http::to_string(method)), target, r);
  return r;
}

reply http_client::raw(const std::string& raw) {
  net::write(sock_, net::buffer(raw));
  const auto [method, target] = contract::request_line_of(raw);
  auto r = read_reply(method == "HEAD");
  contract::observe(method, target, r);
  return r;
}

namespace {
// A PostgreSQL store whose order timers run only when a test calls run_timers(), at its clock.
storage::pg::pg_store_options pg_options(const std::string& conninfo, const std::atomic<unix_seconds>& now) {
  storage::pg::pg_store_options o{.conninfo = conninfo};
  o.clock = [&now] { return now.load(); };
  o.timers_every = {};
  return o;
}
}  // namespace

test_server::test_server(std::function<void(server::server_config&)> tweak, const std::string& vfs) {
  // As `cunji serve` does: the writer reports its batches to the metrics, which outlive it.
  const auto file = dir_.file("cunji.db");
  storage::database_options dbo{.path = vfs.empty() ? file : "file:" + file + "?vfs=" + vfs};
  dbo.on_batch = [this](const storage::writer_stats& st) {
    metrics_.record_batch(st.batch_size, st.commit_time, st.committed);
  };
  dbo.on_sync = [this](const storage::sync_stats& st) { metrics_.record_sync(st.sync_time, st.ok); };
  storage::store_options so;
  so.clock = [this] { return now_.load(); };
  so.timers_every = std::chrono::hours(24 * 365);  // tests run them with run_timers()
  const char* engine = std::getenv("CUNJI_TEST_ENGINE");
  if (engine && std::string_view(engine) == "postgresql") {
    // A database of its own in the run's throwaway cluster, migrated (tests/support/pg_migrated.hpp).
    pg_conninfo_ = fresh_migrated_pg_database();
    store_ = std::make_unique<storage::pg::pg_store>(pg_options(pg_conninfo_, now_));
  } else {
    auto sqlite = std::make_unique<storage::sqlite_store>(std::move(dbo), std::move(so));
    sqlite_ = sqlite.get();
    store_ = std::move(sqlite);
  }
  server::server_config cfg;
  cfg.port = 0;
  cfg.threads = 2;
  cfg.quiet = true;
  cfg.password = {1, 8192};  // libsodium's minimum: fast tests; production uses OWASP's
  cfg.clock = [this] { return now_.load(); };
  payments::alipay_options alipay{std::string(alipay_fake::app_id), std::string(alipay_fake::seller_id),
                                  alipay_.alipay_public_key_file(), alipay_.merchant_private_key_file(),
                                  "https://market.example/v1/payments/alipay/notify"};
  auto provider = payments::make_alipay_provider(alipay);
  REQUIRE(provider.ok());
  cfg.alipay = std::move(provider.value());
  cfg.refunds_every = std::chrono::milliseconds(0);  // tests run them with send_refunds()
  cfg.gateway_timeout = std::chrono::milliseconds(2'000);
  if (tweak) tweak(cfg);
  cfg_ = cfg;
  srv_ = std::make_unique<server::server>(cfg, *store_, metrics_);
  port_ = srv_->listen();
  srv_->start();
}

struct test_server::twin {
  server::metrics metrics;
  std::unique_ptr<storage::store> store;
  std::unique_ptr<server::server> srv;
  unsigned short port = 0;
};

unsigned short test_server::twin_port() {
  if (pg_conninfo_.empty()) throw std::logic_error("a second server on one database needs PostgreSQL");
  if (!twin_) {
    auto t = std::make_unique<twin>();
    t->store = std::make_unique<storage::pg::pg_store>(pg_options(pg_conninfo_, now_));
    t->srv = std::make_unique<server::server>(cfg_, *t->store, t->metrics);
    t->port = t->srv->listen();
    t->srv->start();
    twin_ = std::move(t);
  }
  return twin_->port;
}

storage::database& test_server::db() {
  if (!sqlite_) throw std::logic_error("this test reads the SQLite database itself: run it on SQLite");
  return sqlite_->db();
}

db_snapshot test_server::snapshot() {
  return sqlite_ ? snapshot_of(sqlite_->db().path()) : pg_snapshot_of(pg_conninfo_);
}

namespace {
storage::task<storage::pg::row_set> pg_rows(std::string conninfo, std::string sql) {
  auto c = co_await storage::pg::connection::open(co_await boost::asio::this_coro::executor, std::move(conninfo),
                                                  std::chrono::seconds(10));
  co_return co_await c->query(std::move(sql));
}
}  // namespace

std::vector<std::vector<std::optional<std::string>>> test_server::rows(const std::string& sql, int columns) {
  std::vector<std::vector<std::optional<std::string>>> out;
  if (sqlite_) {
    storage::connection c(sqlite_->db().path(), storage::open_mode::read_only);
    auto q = c.prepare(sql);
    while (q.step()) {
      auto& row = out.emplace_back();
      for (int i = 0; i < columns; ++i) row.push_back(q.is_null(i) ? std::nullopt : std::optional(q.str(i)));
    }
    return out;
  }
  boost::asio::io_context ioc;
  const auto r = run_task(ioc, pg_rows(pg_conninfo_, sql));
  if (r.columns() != columns)
    throw std::logic_error("rows(): the query has " + std::to_string(r.columns()) + " columns");
  for (int i = 0; i < r.rows(); ++i) {
    auto& row = out.emplace_back();
    for (int j = 0; j < columns; ++j) row.push_back(r.is_null(i, j) ? std::nullopt : std::optional(r.str(i, j)));
  }
  return out;
}

std::int64_t test_server::number(const std::string& sql) {
  const auto r = rows(sql, 1);
  return r.empty() || !r.front().front() ? 0 : std::stoll(*r.front().front());
}

test_server::~test_server() {
  if (twin_) {
    twin_->srv->stop();
    twin_->srv->join();
    twin_->store->close();
  }
  srv_->stop();
  srv_->join();     // no request is left in flight ...
  store_->close();  // ... nor any write
  srv_.reset();
  store_.reset();
  contract::report_pending();
}

reply test_server::send(http::verb m, const std::string& target, const std::string& body, const header_list& headers) {
  http_client c(port_);
  return c.request(m, target, body, headers);
}

namespace {
header_list auth_headers(const std::string& token, bool json_body) {
  header_list h;
  if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
  if (json_body) h.emplace_back("Content-Type", "application/json");
  return h;
}
}  // namespace

reply test_server::get(const std::string& target, const std::string& token) {
  return send(http::verb::get, target, "", auth_headers(token, false));
}
reply test_server::post(const std::string& target, const std::string& json, const std::string& token) {
  return send(http::verb::post, target, json, auth_headers(token, true));
}
reply test_server::del(const std::string& target, const std::string& token) {
  return send(http::verb::delete_, target, "", auth_headers(token, false));
}

std::string test_server::login(const std::string& phone, const std::string& password) {
  auto r = post("/v1/sessions", R"({"phone":")" + phone + R"(","password":")" + password + R"("})");
  REQUIRE(r.status == 201);
  return std::string(r.json().at("token").as_string());
}

std::string test_server::admin_token() {
  const std::string phone = "+86100000" + std::to_string(10 + next_phone_++);
  // Stored as registration stores it, so that signing in finds it.
  boost::asio::io_context ioc;
  auto res = run_task(ioc, store_->accounts().register_account(
                               {role::admin, "Admin", normalize_phone(phone), "adminpass", std::nullopt},
                               server::hash_password("adminpass", {1, 8192}), now_.load()));
  REQUIRE(res.ok());
  return login(phone, "adminpass");
}

std::int64_t test_server::make_village(bool poverty_stricken) {
  boost::asio::io_context ioc;
  const auto county = run_task(ioc, store_->regions().create_county("城口县", "重庆市", poverty_stricken, now_.load()));
  auto res = run_task(ioc, store_->regions().create_village(county.id, "岚天村", now_.load()));
  REQUIRE(res.ok());
  return res->id;
}

std::pair<std::int64_t, std::string> test_server::direct_user(role r, std::optional<std::int64_t> village_id) {
  const std::string phone = "+86137" + std::to_string(10000000 + next_phone_++);
  const auto token = server::new_token();
  const auto now = now_.load();
  boost::asio::io_context ioc;
  auto a = run_task(
      ioc, store_->accounts().register_account({r, "直建用户", phone, "unused-password", village_id}, "no-login", now));
  REQUIRE(a.ok());
  auto session = run_task(
      ioc, store_->accounts().start_session(server::hash_token(token), a->id, now, now + 30 * 24 * 3600));
  REQUIRE(session.ok());
  return {a->id, token};
}

std::string test_server::new_user(const std::string& role, std::optional<std::int64_t> village_id) {
  const std::string phone = "+86139" + std::to_string(10000000 + next_phone_++);
  std::string body = R"({"role":")" + role + R"(","name":"测试用户","phone":")" + phone + R"(","password":"password1")";
  if (village_id) body += R"(,"village_id":)" + std::to_string(*village_id);
  body += "}";
  auto r = post("/v1/accounts", body);
  REQUIRE(r.status == 201);
  return login(phone, "password1");
}

std::string test_server::alipay_notification(const boost::json::object& payment, const std::string& trade_no,
                                             const std::string& trade_status) {
  const auto fen = payment.at("amount_fen").as_int64();
  const auto cents = fen % 100;
  auto p = alipay_fake::trade_success(std::string(payment.at("out_trade_no").as_string()),
                                      std::to_string(fen / 100) + (cents < 10 ? ".0" : ".") + std::to_string(cents));
  p["trade_no"] = trade_no;
  p["trade_status"] = trade_status;
  return alipay_.notification(std::move(p));
}

reply test_server::notify(const std::string& body) {
  return send(http::verb::post, "/v1/payments/alipay/notify", body,
              {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}});
}

boost::json::object test_server::pay(std::int64_t order_id, const std::string& token) {
  auto r = post("/v1/orders/" + std::to_string(order_id) + "/pay", R"({"method":"alipay"})", token);
  REQUIRE(r.status == 202);
  auto payment = r.json().at("payment").as_object();
  const auto answer = notify(alipay_notification(payment, "2026" + std::to_string(1'000'000'000 + next_trade_++)));
  REQUIRE(answer.status == 200);
  REQUIRE(answer.body == "success");
  return payment;
}

storage::timer_report test_server::run_timers() {
  boost::asio::io_context ioc;
  return run_task(ioc, store_->payments().run_timers(now_.load()));
}

server::refund_pass test_server::send_refunds() {
  REQUIRE(srv_->refunds());
  boost::asio::io_context ioc;
  auto done = boost::asio::co_spawn(ioc, srv_->refunds()->run_once(), boost::asio::use_future);
  ioc.run();
  return done.get();
}

std::function<void(server::server_config&)> test_server::alipay_gateway_at(std::string gateway_url) {
  return [gateway_url = std::move(gateway_url)](server::server_config& cfg) {
    const alipay_fake keys;  // the same key pairs as every alipay_fake's
    payments::alipay_options o{std::string(alipay_fake::app_id),
                               std::string(alipay_fake::seller_id),
                               keys.alipay_public_key_file(),
                               keys.merchant_private_key_file(),
                               "https://market.example/v1/payments/alipay/notify",
                               gateway_url};
    auto provider = payments::make_alipay_provider(o);
    REQUIRE(provider.ok());
    cfg.alipay = std::move(provider.value());
  };
}

}  // namespace cunji::test
