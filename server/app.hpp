#pragma once
// The application: routes a parsed request through the checks every request gets (route,
// media type, token, JSON, admin-only routes) to its handler, and turns anything unexpected
// into a 500 problem. Handlers read the request, call one storage use case (storage/store.hpp)
// and render its outcome; they never see a database connection.
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "core/account.hpp"
#include "server/config.hpp"
#include "server/http.hpp"
#include "server/metrics.hpp"
#include "server/response_cache.hpp"
#include "server/router.hpp"
#include "storage/store.hpp"

namespace cunji::server {

namespace web {
class page_app;
}
class application;

// Who may call a route; checked before its handler runs. `admin`: a signed-in admin (anyone
// else signed in gets 403 after the body is parsed, as API errors are ordered).
enum class auth_mode { none, optional, required, admin };
// `image`: the body is an image itself (photos/renditions.hpp's media types, else 415), passed
// to the handler as is.
enum class body_mode { none, optional, required, image };

// What a handler gets.
struct context {
  application& app;
  const request& req;
  std::string_view route;  // the matched template, e.g. /v1/orders/{id}/pay
  route_params params;
  std::optional<account> caller;
  std::string token;  // the caller's bearer token, when authenticated
  json::value body;   // a JSON object when the route takes a body
  net::ip::address remote;
  bool idempotent = false;  // the route's `idempotent` mark

  const json::object& body_object() const { return body.as_object(); }
  // The positive integer in path parameter `name`, or nullopt (the caller answers 404).
  std::optional<std::int64_t> path_id(std::string_view name = "id") const;
  bool is(role r) const noexcept { return caller && caller->role == r; }
  storage::store& store() const noexcept;
  unix_seconds now() const;
};

using handler_fn = net::awaitable<response> (*)(context&);

struct route {
  auth_mode auth = auth_mode::none;
  body_mode body = body_mode::none;
  handler_fn fn = nullptr;
  // The handler honours an Idempotency-Key (server/idempotency.hpp). Only marked routes may
  // read one, so every idempotent write is known from the route table (and its tests walk it).
  bool idempotent = false;
  // The route's body limit in bytes when not the server's (server_config::body_limit).
  std::size_t body_limit = 0;
};

using route_table = router<route>;

class application {
 public:
  application(server_config cfg, storage::store& store, server::metrics& metrics);
  application(const application&) = delete;
  application& operator=(const application&) = delete;
  ~application();

  // Answers one request. Never throws; also sets `route_out` to the matched template (for
  // the access log and metrics).
  net::awaitable<response> handle(const request& req, const net::ip::address& remote, std::string& route_out);

  unix_seconds now() const;
  const server_config& config() const noexcept { return cfg_; }
  const route_table& routes() const noexcept { return routes_; }
  storage::store& store() noexcept { return store_; }
  server::metrics& stats() noexcept { return metrics_; }
  response_cache& responses() noexcept { return responses_; }
  const std::string& dummy_password_hash() const noexcept { return dummy_hash_; }
  web::page_app& pages() noexcept { return *pages_; }

  // The body limit of the route of `method` and `target` (the server's unless the route has its
  // own), and the largest of any route (what a request may declare before its route is known).
  std::size_t body_limit_for(http::verb method, std::string_view target) const;
  std::size_t largest_body_limit() const noexcept { return largest_body_limit_; }

  // A place among the image jobs (at most photo_jobs_max running or waiting); empty when they
  // are all taken (the caller answers 503). Released with the returned holder.
  class photo_job_slot {
   public:
    photo_job_slot() = default;
    explicit photo_job_slot(std::atomic<std::size_t>* counter) : counter_(counter) {}
    photo_job_slot(photo_job_slot&& o) noexcept : counter_(std::exchange(o.counter_, nullptr)) {}
    photo_job_slot& operator=(photo_job_slot&&) = delete;
    ~photo_job_slot() {
      if (counter_) counter_->fetch_sub(1, std::memory_order_acq_rel);
    }
    explicit operator bool() const noexcept { return counter_ != nullptr; }

   private:
    std::atomic<std::size_t>* counter_ = nullptr;
  };
  photo_job_slot take_photo_job_slot();

  // Runs `f()` on the image pool (photo_threads threads); as on_cpu.
  template <class F>
  auto on_photo_pool(F f) {
    using R = decltype(f());
    return net::co_spawn(
        photo_pool_.get_executor(), [f = std::move(f)]() mutable -> net::awaitable<R> { co_return f(); },
        net::use_awaitable);
  }

  // Runs `f()` on the CPU pool; co_await the result to resume on the caller's executor.
  // (Not a coroutine itself: GCC 12 mishandles lambda temporaries inside co_await
  // expressions, so callers name their lambdas and this only builds the awaitable.)
  template <class F>
  auto on_cpu(F f) {
    using R = decltype(f());
    return net::co_spawn(
        cpu_.get_executor(), [f = std::move(f)]() mutable -> net::awaitable<R> { co_return f(); }, net::use_awaitable);
  }

 private:
  net::awaitable<response> dispatch(const request& req, const net::ip::address& remote, std::string& route_out);
  // Whether authenticate has anything to do: a route that needs a token, or a token sent to one
  // that takes it.
  static bool needs_authentication(const request& req, auth_mode mode);
  net::awaitable<std::optional<response>> authenticate(context& ctx, auth_mode mode);

  server_config cfg_;
  storage::store& store_;
  server::metrics& metrics_;
  net::thread_pool cpu_;
  net::thread_pool photo_pool_;
  std::atomic<std::size_t> photo_jobs_{0};
  std::size_t largest_body_limit_ = 0;
  response_cache responses_;
  route_table routes_;
  std::string dummy_hash_;
  std::unique_ptr<web::page_app> pages_;  // the web pages, beside /v1
};

// Route registration, one function per area (server/routes/*.cpp).
void add_system_routes(route_table& t);
void add_account_routes(route_table& t);
void add_region_routes(route_table& t);
void add_villager_routes(route_table& t);
void add_shop_routes(route_table& t);
void add_listing_routes(route_table& t);
void add_order_routes(route_table& t);
void add_payment_routes(route_table& t);
void add_money_routes(route_table& t);
void add_report_routes(route_table& t);
void add_station_routes(route_table& t);
void add_photo_routes(route_table& t);
void add_return_routes(route_table& t);

}  // namespace cunji::server
