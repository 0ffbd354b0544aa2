// GET /healthz, GET /metrics, GET /openapi.json
#include <fmt/format.h>

#include <string_view>
#include <utility>
#include <vector>

#include "server/app.hpp"
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

// Lookups, hits, entries and bytes of one of the read caches.
template <class Stats>
void render_cache(std::string& out, std::string_view name, const Stats& s) {
  out += fmt::format("# TYPE {0}_hits_total counter\n{0}_hits_total {1}\n", name, s.hits);
  out += fmt::format("# TYPE {0}_misses_total counter\n{0}_misses_total {1}\n", name, s.misses);
  out += fmt::format("# TYPE {0}_entries gauge\n{0}_entries {1}\n", name, s.entries);
  out += fmt::format("# TYPE {0}_bytes gauge\n{0}_bytes {1}\n", name, s.bytes);
}

net::awaitable<response> metrics_text(context& ctx) {
  // Operators scrape from the machine itself; to anyone else the resource does not exist.
  auto addr = ctx.remote;
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) addr = net::ip::make_address_v4(net::ip::v4_mapped, addr.to_v6());
  if (!addr.is_loopback()) co_return problem(http::status::not_found, "not_found", "No such resource.");
  response res{http::status::ok, 11};
  res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.body() = ctx.a.stats().render();
  render_cache(res.body(), "cunji_response_cache", ctx.a.responses().counts());
  render_cache(res.body(), "cunji_search_rankings", ctx.a.db().rankings().entries().counts());
  const auto ck = ctx.a.db().checkpoint_counts();
  res.body() += fmt::format(
      "# HELP cunji_wal_checkpoints_total WAL checkpoints: background passes, tails copied by the writer, "
      "and those cut short (by a reader on an old snapshot or another checkpoint).\n"
      "# TYPE cunji_wal_checkpoints_total counter\n"
      "cunji_wal_checkpoints_total{{by=\"background\"}} {}\n"
      "cunji_wal_checkpoints_total{{by=\"writer\"}} {}\n"
      "cunji_wal_checkpoints_total{{by=\"cut_short\"}} {}\n"
      "# HELP cunji_wal_restarts_total Times the WAL was wholly copied and started over from its beginning: "
      "by the writer once it had grown large, or by the checkpointer while the writer was idle.\n"
      "# TYPE cunji_wal_restarts_total counter\n"
      "cunji_wal_restarts_total{{by=\"writer\"}} {}\n"
      "cunji_wal_restarts_total{{by=\"idle\"}} {}\n",
      ck.passes, ck.tails, ck.busy, ck.tails, ck.idle_restarts);
  co_return res;
}

net::awaitable<response> openapi_doc(context&) {
  response res{http::status::ok, 11};
  res.set(http::field::content_type, "application/json");
  res.body() = std::string(embedded::openapi().at(0).second);
  co_return res;
}

}  // namespace

void add_system_routes(route_table& t) {
  t.add(http::verb::get, "/healthz", {auth_mode::none, body_mode::none, healthz});
  t.add(http::verb::get, "/metrics", {auth_mode::none, body_mode::none, metrics_text});
  t.add(http::verb::get, "/openapi.json", {auth_mode::none, body_mode::none, openapi_doc});
}

}  // namespace cunji::server
