// fuzz_http: raw bytes as they would arrive on a connection -> Beast's request parser with the
// server's limits -> application::handle, the same path server.cpp's sessions take, minus the socket.
//
// Up to four pipelined requests are taken from one input, so a sequence (place an order, then
// pay it) can be found. The application runs against a real storage::database on a temp file
// made once per process and seeded through the API itself with an admin, a farmer, a partner,
// a buyer, regions, shops, listings and an order, so routes do real work. The accounts have
// fixed bearer tokens (see fuzz/http.dict and the corpus) so inputs can authenticate:
//   fuzz-admin-token, fuzz-farmer-token, fuzz-partner-token, fuzz-buyer-token
//
// FUZZ_HTTP_VERBOSE=1 prints each request's answer (to see what a corpus file does).
//
// Findings: sanitizer reports, a 5xx answer (an unexpected exception in a handler: the server
// logs "error: ..." on stderr just before), a JSON answer whose body is not JSON, or a request
// the parser accepted that application::handle did not answer.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "fuzz/fuzz_check.hpp"
#include "server/app.hpp"
#include "server/crypto.hpp"
#include "server/json_input.hpp"
#include "server/metrics.hpp"
#include "storage/sql/accounts.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace {

using namespace cunji;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using server::request;
using server::response;

constexpr unix_seconds fixed_now = 1'795'442'400;  // 2026-11-23T14:00:00Z
constexpr std::size_t max_requests_per_input = 4;

struct world {
  std::filesystem::path dir;
  server::metrics metrics;
  std::unique_ptr<storage::sqlite_store> store;
  std::unique_ptr<server::application> app;
  net::io_context ioc;
  server::server_config cfg;
  net::ip::address remote = net::ip::make_address("127.0.0.1");  // loopback: /metrics answers
  std::map<std::string, std::int64_t> fixed_ids;                 // token -> account id
};

world* w = nullptr;

response run(const request& req) {
  std::optional<response> out;
  std::exception_ptr failure;
  std::string route;
  net::co_spawn(w->ioc, w->app->handle(req, w->remote, route), [&](std::exception_ptr e, response r) {
    failure = e;
    out = std::move(r);
  });
  w->ioc.restart();
  w->ioc.run();
  FUZZ_CHECK(!failure, "application::handle threw (it must never throw)");
  FUZZ_CHECK(out.has_value(), "application::handle did not complete");
  return std::move(*out);
}

// One request through the API during seeding; it must answer `want` (0: anything).
boost::json::value call(http::verb m, const std::string& target, const std::string& body, const std::string& token,
                        unsigned want) {
  request req{m, target, 11};
  req.set(http::field::host, "x");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  auto res = run(req);
  if (want == 0) return {};
  if (res.result_int() != want) {
    std::fprintf(stderr, "fuzz_http seed: %s %s answered %u, not %u: %s\n", std::string(http::to_string(m)).c_str(),
                 target.c_str(), res.result_int(), want, res.body().c_str());
    std::abort();
  }
  return res.body().empty() ? boost::json::value{} : *server::parse_json(res.body());
}

std::int64_t id_of(const boost::json::value& v) { return v.at("id").as_int64(); }

// An account with a fixed token, straight into storage (no password hashing on the hot path;
// its password "fuzz-password" works for POST /v1/sessions too).
std::int64_t direct_account(role r, const std::string& phone, std::optional<std::int64_t> village,
                            const std::string& token, const std::string& hash) {
  auto res = w->store->db().writer().submit_sync([&](storage::connection& c) -> result<account> {
    auto a = storage::insert_account(c, {r, "Fuzz " + std::string(to_string(r)), phone, "fuzz-password", village}, hash,
                                     fixed_now);
    if (a) storage::insert_session(c, server::hash_token(token), a->id, fixed_now, fixed_now + 20LL * 365 * 86400);
    return a;
  });
  FUZZ_CHECK(res.ok(), "seeding account %s failed: %s", phone.c_str(), res.ok() ? "" : res.err().detail.c_str());
  w->fixed_ids[token] = res->id;
  return res->id;
}

void seed() {
  const server::password_params cheap{1, 8192};
  const auto hash = server::hash_password("fuzz-password", cheap);
  direct_account(role::admin, "+8610000000001", std::nullopt, "fuzz-admin-token", hash);
  const std::string admin = "fuzz-admin-token";

  const auto poor = id_of(call(http::verb::post, "/v1/counties",
                               R"({"name":"城口县","province":"重庆市","poverty_stricken":true})", admin, 201));
  const auto rich = id_of(call(http::verb::post, "/v1/counties",
                               R"({"name":"吉木乃县","province":"新疆维吾尔自治区","poverty_stricken":false})", admin,
                               201));
  const auto v1 = id_of(call(http::verb::post, "/v1/villages",
                             R"({"county_id":)" + std::to_string(poor) + R"(,"name":"岚天村"})", admin, 201));
  const auto v2 = id_of(call(http::verb::post, "/v1/villages",
                             R"({"county_id":)" + std::to_string(rich) + R"(,"name":"托斯特村"})", admin, 201));

  direct_account(role::farmer, "17000000101", v1, "fuzz-farmer-token", hash);
  direct_account(role::partner, "17000000102", v2, "fuzz-partner-token", hash);
  direct_account(role::buyer, "17000000103", std::nullopt, "fuzz-buyer-token", hash);

  const auto shop1 = id_of(
      call(http::verb::post, "/v1/shops", R"({"name":"幸福农场","description":"自家果园"})", "fuzz-farmer-token", 201));
  const auto villager = id_of(call(http::verb::post, "/v1/villagers", R"({"name":"李大爷","phone":"+8617100000001"})",
                                   "fuzz-partner-token", 201));
  const auto shop2 = id_of(call(http::verb::post, "/v1/shops",
                                R"({"name":"服务站代售","villager_id":)" + std::to_string(villager) + "}",
                                "fuzz-partner-token", 201));
  const auto listing = [&](std::int64_t shop, const std::string& token, const std::string& body) {
    return id_of(call(http::verb::post, "/v1/shops/" + std::to_string(shop) + "/listings", body, token, 201));
  };
  const auto l1 = listing(shop1, "fuzz-farmer-token",
                          R"({"title":"新鲜红富士苹果 5斤装","description":"Crisp Fuji apples","category":"fruit",)"
                          R"("unit":"box","price_fen":3990,"stock":10000000})");
  listing(
      shop1, "fuzz-farmer-token",
      R"({"title":"土鸡蛋 30枚","category":"poultry_eggs","unit":"box","price_fen":4500,"stock":5,"status":"draft"})");
  listing(shop2, "fuzz-partner-token",
          R"({"title":"Jeminay Wheat Flour 25kg","description":"All-purpose flour","category":"grain",)"
          R"("unit":"bag","price_fen":12800,"stock":10000000})");
  call(http::verb::post, "/v1/orders",
       R"({"shop_id":)" + std::to_string(shop1) + R"(,"items":[{"listing_id":)" + std::to_string(l1) +
           R"(,"quantity":2}],"delivery":{"method":"station_pickup","station_village_id":)" + std::to_string(v2) + "}}",
       "fuzz-buyer-token", 201);
}

void init() {
  w = new world;  // never destroyed: its threads run until the process exits
  char tmpl[] = "/tmp/cunji-fuzz-http-XXXXXX";
  const char* d = mkdtemp(tmpl);
  FUZZ_CHECK(d != nullptr, "mkdtemp failed");
  w->dir = d;
  std::atexit([] {
    std::error_code ec;
    std::filesystem::remove_all(w->dir, ec);
  });
  storage::database_options o;
  o.path = (w->dir / "fuzz.db").string();
  o.synchronous = "OFF";  // durability is not under test here; speed is
  w->store = std::make_unique<storage::sqlite_store>(o);
  w->cfg.quiet = true;
  w->cfg.cpu_threads = 1;
  w->cfg.password = {1, 8192};  // argon2id at its minimum cost: logins stay fast
  w->cfg.clock = [] { return fixed_now; };
  w->app = std::make_unique<server::application>(w->cfg, *w->store, w->metrics);
  seed();
}

// DELETE /v1/sessions/current with a fixed token would lock every later input out of that
// account; after an input that sent a DELETE, the fixed sessions are put back.
void restore_sessions() {
  for (const char* token : {"fuzz-admin-token", "fuzz-farmer-token", "fuzz-partner-token", "fuzz-buyer-token"}) {
    const auto h = server::hash_token(token);
    if (storage::account_by_session(w->store->db().reader(), h, fixed_now)) continue;
    const auto id = w->fixed_ids.at(token);
    w->store->db().writer().submit_sync([&](storage::connection& c) -> result<unit> {
      storage::insert_session(c, h, id, fixed_now, fixed_now + 20LL * 365 * 86400);
      return unit{};
    });
  }
}

// Inputs close shops, archive listings and sell out stock; every few thousand inputs the seeded
// shops and listings are opened and restocked again, so placement keeps doing real work.
void repair() {
  call(http::verb::patch, "/v1/shops/1", R"({"status":"active"})", "fuzz-farmer-token", 0);
  call(http::verb::patch, "/v1/shops/2", R"({"status":"active"})", "fuzz-partner-token", 0);
  call(http::verb::patch, "/v1/listings/1", R"({"status":"active","stock":10000000})", "fuzz-farmer-token", 0);
  call(http::verb::patch, "/v1/listings/3", R"({"status":"active","stock":10000000})", "fuzz-partner-token", 0);
}

bool is_json_type(std::string_view ct) {
  return ct.starts_with("application/json") || ct.starts_with("application/problem+json");
}

void answer(const request& req) {
  response res = run(req);
  const unsigned status = res.result_int();
  // Like server.cpp's session does before writing.
  res.version(req.version());
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  std::ostringstream wire;
  wire << res;

  static const bool verbose = std::getenv("FUZZ_HTTP_VERBOSE") != nullptr;
  if (verbose)
    std::fprintf(stderr, "%s %s -> %u %.200s\n", std::string(req.method_string()).c_str(),
                 std::string(req.target()).c_str(), status, res.body().c_str());
  if (status >= 500 && !std::getenv("FUZZ_HTTP_ALLOW_5XX"))
    FUZZ_CHECK(false, "%s %s answered %u: %s", std::string(req.method_string()).c_str(),
               std::string(req.target()).c_str(), status, res.body().c_str());
  FUZZ_CHECK(status >= 200, "status %u", status);
  if (status != 204 && is_json_type(res[http::field::content_type])) {
    std::string why;
    FUZZ_CHECK(server::parse_json(res.body(), &why).has_value(), "answer %u is not JSON (%s): %s", status, why.c_str(),
               res.body().c_str());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (!w) init();
  net::const_buffer in(data, size);
  bool deleted = false;
  for (std::size_t n = 0; n < max_requests_per_input && in.size() > 0; ++n) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(w->cfg.header_limit));
    parser.body_limit(w->cfg.body_limit);
    parser.eager(true);
    beast::error_code ec;
    while (in.size() > 0 && !parser.is_done()) {
      const auto used = parser.put(in, ec);
      in += used;
      if (ec == http::error::need_more) {
        ec = {};
        if (used == 0) break;  // the rest of the input is an unfinished request
        continue;
      }
      if (ec) break;
    }
    // An unfinished request waits for more bytes (then times out); a malformed or oversized
    // one gets 400/413/431 from the session without reaching application::handle.
    if (ec || !parser.is_done()) break;
    const request req = parser.release();
    deleted = deleted || req.method() == http::verb::delete_;
    answer(req);
    if (!req.keep_alive()) break;  // the session closes the connection after answering
  }
  static std::uint64_t inputs = 0;
  const bool periodic = ++inputs % 4096 == 0;
  if (deleted || periodic) restore_sessions();
  if (periodic) repair();
  return 0;
}
