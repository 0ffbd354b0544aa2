#pragma once
// The application: routes a parsed request through the checks every request gets (route,
// media type, token, JSON) to its handler, and turns anything unexpected into a 500 problem.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <string>

#include "core/account.hpp"
#include "core/region.hpp"
#include "server/config.hpp"
#include "server/http.hpp"
#include "server/metrics.hpp"
#include "server/response_cache.hpp"
#include "server/router.hpp"
#include "storage/sqlite/database.hpp"

namespace cunji::server {

class app;

enum class auth_mode { none, optional, required };
enum class body_mode { none, optional, required };

// What a handler gets.
struct context {
  app& a;
  const request& req;
  route_params params;
  std::optional<account> caller;
  std::string token;  // the caller's bearer token, when authenticated
  json::value body;   // a JSON object when the route takes a body
  net::ip::address remote;

  const json::object& body_object() const { return body.as_object(); }
  // The positive integer in path parameter `name`, or nullopt (the caller answers 404).
  std::optional<std::int64_t> path_id(std::string_view name = "id") const;
  bool is(role r) const noexcept { return caller && caller->role == r; }
};

using handler_fn = net::awaitable<response> (*)(context&);

struct route {
  auth_mode auth = auth_mode::none;
  body_mode body = body_mode::none;
  handler_fn fn = nullptr;
};

using route_table = router<route>;

class app {
 public:
  app(server_config cfg, storage::database& db);
  app(const app&) = delete;
  app& operator=(const app&) = delete;
  ~app();

  // Answers one request. Never throws; also sets `route_out` to the matched template (for
  // the access log and metrics).
  net::awaitable<response> handle(const request& req, const net::ip::address& remote, std::string& route_out);

  unix_seconds now() const;
  const server_config& config() const noexcept { return cfg_; }
  const route_table& routes() const noexcept { return routes_; }
  storage::database& db() noexcept { return db_; }
  server::metrics& stats() noexcept { return metrics_; }
  response_cache& responses() noexcept { return responses_; }
  const std::string& dummy_password_hash() const noexcept { return dummy_hash_; }
  // The Taobao-village thresholds in force (fee schedule).
  taobao_village_thresholds village_thresholds();

  // Runs `f()` on the CPU pool; co_await the result to resume on the caller's executor.
  // (Not a coroutine itself: GCC 12 mishandles lambda temporaries inside co_await
  // expressions, so callers name their lambdas and this only builds the awaitable.)
  template <class F>
  auto on_cpu(F f) {
    using R = decltype(f());
    return net::co_spawn(
        cpu_.get_executor(), [f = std::move(f)]() mutable -> net::awaitable<R> { co_return f(); },
        net::use_awaitable);
  }

  // Submits a write command (see storage::writer::async_submit) and awaits its result.
  template <class Fn>
  auto write(Fn fn) {
    return db_.writer().async_submit(std::move(fn), net::use_awaitable);
  }

 private:
  net::awaitable<response> dispatch(const request& req, const net::ip::address& remote, std::string& route_out);

  server_config cfg_;
  storage::database& db_;
  net::thread_pool cpu_;
  server::metrics metrics_;
  response_cache responses_;
  route_table routes_;
  std::string dummy_hash_;
};

// Route registration, one function per area (server/routes/*.cpp).
void add_system_routes(route_table& t);
void add_account_routes(route_table& t);
void add_region_routes(route_table& t);
void add_villager_routes(route_table& t);
void add_shop_routes(route_table& t);
void add_listing_routes(route_table& t);
void add_order_routes(route_table& t);
void add_money_routes(route_table& t);
void add_report_routes(route_table& t);

}  // namespace cunji::server
