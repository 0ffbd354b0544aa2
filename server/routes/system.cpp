// GET /healthz, GET /metrics, GET /openapi.json
#include <fmt/format.h>

#include <string_view>
#include <utility>
#include <vector>

#include "server/app.hpp"
#include "server/compression.hpp"
#include "server/problem.hpp"

namespace cunji::embedded {
const std::vector<std::pair<std::string_view, std::string_view>>& openapi();
}

namespace cunji::server {

namespace {

net::awaitable<response> healthz(context&) {
  response res{http::status::ok, 11};
  res.set(http::field::content_type, "application/json");
  res.body() = R"({"status":"ok"})";
  co_return res;
}

net::awaitable<response> metrics_text(context& ctx) {
  // Operators scrape from the machine itself; to anyone else the resource does not exist.
  auto addr = ctx.remote;
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) addr = net::ip::make_address_v4(net::ip::v4_mapped, addr.to_v6());
  if (!addr.is_loopback()) co_return problem(http::status::not_found, "not_found", "No such resource.");
  response res{http::status::ok, 11};
  res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.body() = ctx.app.stats().render();
  storage::append_cache_metrics(res.body(), "cunji_response_cache", ctx.app.responses().counts());
  ctx.store().render_metrics(res.body());
  co_return res;
}

// The document never changes: its gzip bytes are made once, on first use.
net::awaitable<response> openapi_doc(context& ctx) {
  static const cached_response doc = make_cached_response(std::string(embedded::openapi().at(0).second), {},
                                                          ctx.app.stats());
  co_return cached_answer(ctx.req, http::status::ok, doc);
}

}  // namespace

void add_system_routes(route_table& t) {
  t.add(http::verb::get, "/healthz", {auth_mode::none, body_mode::none, healthz});
  t.add(http::verb::get, "/metrics", {auth_mode::none, body_mode::none, metrics_text});
  t.add(http::verb::get, "/openapi.json", {auth_mode::none, body_mode::none, openapi_doc});
}

}  // namespace cunji::server
