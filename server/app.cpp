#include "server/app.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <exception>

#include "photos/renditions.hpp"
#include "server/crypto.hpp"
#include "server/json_input.hpp"
#include "server/problem.hpp"
#include "server/web/page_app.hpp"

namespace cunji::server {

std::optional<std::int64_t> context::path_id(std::string_view name) const {
  const auto s = params.get(name);
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || s.empty() || s.front() == '0' || v <= 0) return std::nullopt;
  return v;
}

storage::store& context::store() const noexcept { return app.store(); }
unix_seconds context::now() const { return app.now(); }

application::application(server_config cfg, storage::store& store, server::metrics& metrics)
    : cfg_(std::move(cfg)),
      store_(store),
      metrics_(metrics),
      cpu_(cfg_.cpu_threads),
      photo_pool_(std::max(1u, cfg_.photo_threads)),
      responses_(cfg_.response_cache_bytes) {
  crypto_init();
  photos::init();
  if (!cfg_.clock) cfg_.clock = [] { return static_cast<unix_seconds>(std::time(nullptr)); };
  // Logins for unknown phones verify against this hash, so they take as long as real ones.
  dummy_hash_ = hash_password("not a real password", cfg_.password);
  add_system_routes(routes_);
  add_account_routes(routes_);
  add_region_routes(routes_);
  add_villager_routes(routes_);
  add_shop_routes(routes_);
  add_listing_routes(routes_);
  add_order_routes(routes_);
  add_return_routes(routes_);
  add_payment_routes(routes_);
  add_money_routes(routes_);
  add_report_routes(routes_);
  add_station_routes(routes_);
  add_photo_routes(routes_);
  // Parses the page templates: a bad one throws, and the server does not start.
  pages_ = std::make_unique<web::page_app>(*this);
  largest_body_limit_ = std::max(cfg_.body_limit, pages_->largest_body_limit());
  routes_.for_each([this](http::verb, std::string_view, const route& r) {
    if (r.body_limit) largest_body_limit_ = std::max(largest_body_limit_, r.body_limit);
  });
}

application::~application() {
  cpu_.join();
  photo_pool_.join();
}

std::size_t application::body_limit_for(http::verb method, std::string_view target) const {
  const auto m = routes_.find(method, target_path(target));
  if (m.route && m.route->body_limit) return m.route->body_limit;
  if (!m.route && m.allow.empty())
    if (const auto page = pages_->body_limit_for(method, target)) return page;  // a page's own
  return cfg_.body_limit;
}

application::photo_job_slot application::take_photo_job_slot() {
  auto n = photo_jobs_.load(std::memory_order_acquire);
  do {
    if (n >= cfg_.photo_jobs_max) return {};
  } while (!photo_jobs_.compare_exchange_weak(n, n + 1, std::memory_order_acq_rel));
  return photo_job_slot(&photo_jobs_);
}

unix_seconds application::now() const { return cfg_.clock(); }

namespace {
bool is_json_media_type(std::string_view ct) {
  const auto semi = ct.find(';');
  auto type = ct.substr(0, semi);
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return beast::iequals(type, "application/json");
}

std::optional<std::string_view> bearer_token(const request& req) {
  const auto it = req.find(http::field::authorization);
  if (it == req.end()) return std::nullopt;
  const auto v = it->value();
  if (v.size() < 7 || !beast::iequals(v.substr(0, 7), "Bearer ")) return std::string_view{};
  auto t = v.substr(7);
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  return std::string_view(t.data(), t.size());
}

void log_error(const request& req, const std::string& route, const char* what) {
  std::fprintf(stderr, "error: %s %s: %s\n", std::string(req.method_string()).c_str(), route.c_str(), what);
}
}  // namespace

net::awaitable<response> application::handle(const request& req, const net::ip::address& remote,
                                             std::string& route_out) {
  std::exception_ptr failure;
  try {
    co_return co_await dispatch(req, remote, route_out);
  } catch (...) {
    failure = std::current_exception();
  }
  try {
    std::rethrow_exception(failure);
  } catch (const storage::failure& e) {
    log_error(req, route_out, e.what());
    // A full disk or a failing one: nothing was acknowledged (the writer rolled the command
    // back, or could not make its commit durable), so the client may retry with the same
    // Idempotency-Key.
    if (e.unavailable()) co_return storage_unavailable(e.disk_full());
  } catch (const std::exception& e) {
    log_error(req, route_out, e.what());
  } catch (...) {
    log_error(req, route_out, "unknown exception");
  }
  co_return problem(http::status::internal_server_error, "internal", "The server failed to answer this request.");
}

bool application::needs_authentication(const request& req, auth_mode mode) {
  return mode == auth_mode::required || mode == auth_mode::admin ||
         (mode != auth_mode::none && req.find(http::field::authorization) != req.end());
}

// The caller of a route that takes a token; an answer when the request must stop here.
net::awaitable<std::optional<response>> application::authenticate(context& ctx, auth_mode mode) {
  if (auto tok = bearer_token(ctx.req); tok && mode != auth_mode::none) {
    std::optional<account> acct;
    if (!tok->empty()) acct = co_await store_.accounts().account_by_session(hash_token(*tok), now());
    if (!acct) co_return problem(error{errc::unauthenticated, "The bearer token is invalid or has expired."});
    ctx.caller = std::move(acct);
    ctx.token = std::string(*tok);
  } else if (mode == auth_mode::required || mode == auth_mode::admin) {
    co_return problem(error{errc::unauthenticated, "This request needs an Authorization: Bearer token."});
  }
  co_return std::nullopt;
}

net::awaitable<response> application::dispatch(const request& req, const net::ip::address& remote,
                                               std::string& route_out) {
  const auto path = target_path(req.target());
  auto m = routes_.find(req.method(), path);
  route_out = m.tmpl.empty() ? "unmatched" : std::string(m.tmpl);
  // Never read as text: `%ZZ`, `%4` and escapes of invalid UTF-8 such as `%C0%AF`.
  if (!is_well_formed_target(req.target()))
    co_return problem(http::status::bad_request, "malformed_request",
                      "The request target has a malformed percent-escape or is not valid UTF-8.");
  if (!m.route && m.allow.empty()) {
    // Not an API path: a web page, if one has it (other paths keep the API's JSON 404).
    if (auto page = co_await pages_->handle(req, route_out)) co_return std::move(*page);
    // A browser's page that is not there gets an HTML 404; /v1 paths and API clients get JSON.
    const bool api_path = path == "/v1" || path.starts_with("/v1/");
    const auto accept = req[http::field::accept];
    if (!api_path && (req.method() == http::verb::get || req.method() == http::verb::head) &&
        web::prefers_html(std::string_view(accept.data(), accept.size())))
      co_return co_await pages_->not_found(req, route_out);
  }
  if (!m.route) {
    if (m.allow.empty()) co_return problem(http::status::not_found, "not_found", "No such resource.");
    auto res = problem(http::status::method_not_allowed, "method_not_allowed",
                       "This resource does not support " + std::string(req.method_string()) + ".");
    res.set(http::field::allow, m.allow);
    co_return res;
  }
  const route& r = *m.route;
  context ctx{*this, req, m.tmpl, std::move(m.params), std::nullopt, {}, {}, remote, r.idempotent};

  // Checks in the API's order: media type, token, JSON, then admin-only routes.
  const bool has_body = !req.body().empty();
  if (r.body == body_mode::image) {
    if (!photos::parse_media_type(req[http::field::content_type]))
      co_return problem(http::status::unsupported_media_type, "unsupported_media_type",
                        "Send the photo as image/jpeg, image/png or image/webp.");
    if (needs_authentication(req, r.auth))
      if (auto stop = co_await authenticate(ctx, r.auth)) co_return std::move(*stop);
    co_return co_await r.fn(ctx);
  }
  if (r.body != body_mode::none && (has_body || r.body == body_mode::required)) {
    if (!is_json_media_type(req[http::field::content_type]))
      co_return problem(http::status::unsupported_media_type, "unsupported_media_type",
                        "Send the body as application/json.");
  }
  if (needs_authentication(req, r.auth))  // no coroutine frame for a route that reads no token
    if (auto stop = co_await authenticate(ctx, r.auth)) co_return std::move(*stop);
  if (r.body != body_mode::none) {
    if (has_body || r.body == body_mode::required) {
      std::string why;
      auto v = parse_json(req.body(), &why);
      if (!v) co_return problem(http::status::bad_request, "malformed_json", "The body is not valid JSON: " + why);
      if (!v->is_object())
        co_return problem(http::status::bad_request, "malformed_json", "The body must be a JSON object.");
      ctx.body = std::move(*v);
    } else {
      ctx.body = json::object{};
    }
  }
  if (r.auth == auth_mode::admin && !ctx.is(role::admin))
    co_return problem(error{errc::forbidden, "Only an admin can do this."});
  co_return co_await r.fn(ctx);
}

}  // namespace cunji::server
