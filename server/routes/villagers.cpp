// Villagers: people who are not online, registered by their village's partner.
#include "server/app.hpp"
#include "server/json_input.hpp"
#include "server/json_output.hpp"
#include "server/problem.hpp"
#include "server/query_params.hpp"
#include "storage/sql/catalog.hpp"

namespace cunji::server {

namespace {

response partners_only() { return problem(error{errc::forbidden, "Only a partner can manage villagers."}); }

net::awaitable<response> create_villager(context& ctx) {
  if (!ctx.is(role::partner) || !ctx.caller->village_id) co_return partners_only();
  fields f(ctx.body_object(), {"name", "phone"});
  auto name = f.str("name", true);
  auto phone = f.str("phone", false);
  if (name) f.check("name", check_name(*name));
  if (phone) f.check("phone", check_phone(*phone));
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));
  auto cmd = [v = *ctx.caller->village_id, n = *name, phone, by = ctx.caller->id,
              now = ctx.a.now()](storage::connection& c) -> result<villager> {
    return storage::insert_villager(c, v, n, phone, by, now);
  };
  auto res = co_await ctx.a.write(std::move(cmd));
  if (!res) co_return problem(res.err());
  co_return json_response(http::status::created, to_json(res.value()));
}

net::awaitable<response> list_villagers(context& ctx) {
  if (!ctx.is(role::partner) || !ctx.caller->village_id) co_return partners_only();
  query_params qp(ctx.req.target());
  const int limit = qp.limit();
  const auto after = qp.cursor_for("vg", 1);
  if (!qp.ok()) co_return problem(validation(std::move(qp.errors())));
  auto rows = storage::list_villagers(ctx.a.db().reader(), *ctx.caller->village_id, after ? after->keys[0] : 0,
                                      limit + 1);
  const auto next = trim_page(rows, limit);
  json::array items;
  for (const auto& v : rows) items.push_back(to_json(v));
  co_return json_response(http::status::ok, list_body(std::move(items), next_cursor("vg", next)));
}

}  // namespace

void add_villager_routes(route_table& t) {
  t.add(http::verb::post, "/v1/villagers", {auth_mode::required, body_mode::required, create_villager});
  t.add(http::verb::get, "/v1/villagers", {auth_mode::required, body_mode::none, list_villagers});
}

}  // namespace cunji::server
