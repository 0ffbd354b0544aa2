#include "test_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <ctime>

#include "openapi_contract.hpp"
#include "server/crypto.hpp"
#include "storage/sql/accounts.hpp"
#include "storage/sql/regions.hpp"

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

http_client::http_client(unsigned short port) : sock_(ioc_), port_(port) {
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
  r.body = res.body();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    r.headers[name] = std::string(f.value());
  }
  return r;
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

test_server::test_server(std::function<void(server::server_config&)> tweak, const std::string& vfs) {
  // As `cunji serve` does: the writer reports its batches to the metrics, which outlive it.
  const auto file = dir_.file("cunji.db");
  storage::database_options dbo{.path = vfs.empty() ? file : "file:" + file + "?vfs=" + vfs};
  dbo.on_batch = [this](const storage::writer_stats& st) {
    metrics_.record_batch(st.batch_size, st.commit_time, st.committed);
  };
  store_ = std::make_unique<storage::sqlite_store>(std::move(dbo));
  server::server_config cfg;
  cfg.port = 0;
  cfg.threads = 2;
  cfg.quiet = true;
  cfg.password = {1, 8192};  // libsodium's minimum: fast tests; production uses OWASP's
  cfg.clock = [this] { return now_.load(); };
  if (tweak) tweak(cfg);
  srv_ = std::make_unique<server::server>(cfg, *store_, metrics_);
  port_ = srv_->listen();
  srv_->start();
}

test_server::~test_server() {
  srv_->stop();
  srv_->join();       // no request is left in flight ...
  store_->close();     // ... nor any write
  srv_.reset();
  store_.reset();
  contract::report_pending();
}

reply test_server::send(http::verb m, const std::string& target, const std::string& body,
                        const header_list& headers) {
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
  auto res = db().writer().submit_sync([&](storage::connection& c) {
    // Stored as registration stores it, so that signing in finds it.
    return storage::insert_account(c, {role::admin, "Admin", normalize_phone(phone), "adminpass", std::nullopt},
                                   server::hash_password("adminpass", {1, 8192}), now_.load());
  });
  REQUIRE(res.ok());
  return login(phone, "adminpass");
}

std::int64_t test_server::make_village(bool poverty_stricken) {
  auto res = db().writer().submit_sync([&](storage::connection& c) -> result<village> {
    auto county = storage::insert_county(c, "城口县", "重庆市", poverty_stricken, now_.load());
    return storage::insert_village(c, county.id, "岚天村", now_.load());
  });
  REQUIRE(res.ok());
  return res->id;
}

std::pair<std::int64_t, std::string> test_server::direct_user(role r, std::optional<std::int64_t> village_id) {
  const std::string phone = "+86137" + std::to_string(10000000 + next_phone_++);
  const auto token = server::new_token();
  const auto now = now_.load();
  auto res = db().writer().submit_sync([&](storage::connection& c) -> result<account> {
    auto a = storage::insert_account(c, {r, "直建用户", phone, "unused-password", village_id}, "no-login", now);
    if (a) storage::insert_session(c, server::hash_token(token), a->id, now, now + 30 * 24 * 3600);
    return a;
  });
  REQUIRE(res.ok());
  return {res->id, token};
}

std::string test_server::new_user(const std::string& role, std::optional<std::int64_t> village_id) {
  const std::string phone = "+86139" + std::to_string(10000000 + next_phone_++);
  std::string body = R"({"role":")" + role + R"(","name":"测试用户","phone":")" + phone +
                     R"(","password":"password1")";
  if (village_id) body += R"(,"village_id":)" + std::to_string(*village_id);
  body += "}";
  auto r = post("/v1/accounts", body);
  REQUIRE(r.status == 201);
  return login(phone, "password1");
}

}  // namespace cunji::test
