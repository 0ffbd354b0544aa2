// Counties and villages: admins create them, anyone reads them.
#include "core/sales.hpp"
#include "server/app.hpp"
#include "server/json_input.hpp"
#include "server/json_output.hpp"
#include "server/problem.hpp"
#include "server/query_params.hpp"
#include "storage/sql/regions.hpp"

namespace cunji::server {

namespace {

response not_found(std::string_view what) { return problem(error{errc::not_found, "No such " + std::string(what) + "."}); }
response admins_only() { return problem(error{errc::forbidden, "Only an admin can do this."}); }

net::awaitable<response> create_county(context& ctx) {
  if (!ctx.is(role::admin)) co_return admins_only();
  fields f(ctx.body_object(), {"name", "province", "poverty_stricken"});
  auto name = f.str("name", true);
  auto province = f.str("province", true);
  auto poverty = f.boolean("poverty_stricken", true);
  if (name) f.check("name", check_name(*name));
  if (province) f.check("province", check_name(*province));
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));
  auto cmd = [n = *name, p = *province, pov = *poverty, now = ctx.a.now()](storage::connection& c) -> result<county> {
    return storage::insert_county(c, n, p, pov, now);
  };
  auto res = co_await ctx.a.write(std::move(cmd));
  if (!res) co_return problem(res.err());
  co_return json_response(http::status::created, to_json(res.value()));
}

net::awaitable<response> patch_county(context& ctx) {
  if (!ctx.is(role::admin)) co_return admins_only();
  const auto id = ctx.path_id();
  if (!id) co_return not_found("county");
  fields f(ctx.body_object(), {"name", "province", "poverty_stricken"});
  storage::county_patch p;
  p.name = f.str("name", false);
  p.province = f.str("province", false);
  p.poverty_stricken = f.boolean("poverty_stricken", false);
  if (p.name) f.check("name", check_name(*p.name));
  if (p.province) f.check("province", check_name(*p.province));
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));
  auto cmd = [id = *id, p](storage::connection& c) -> result<county> {
    auto updated = storage::update_county(c, id, p);
    if (!updated) return error{errc::not_found, "No such county."};
    return *updated;
  };
  auto res = co_await ctx.a.write(std::move(cmd));
  if (!res) co_return problem(res.err());
  co_return json_response(http::status::ok, to_json(res.value()));
}

net::awaitable<response> list_counties(context& ctx) {
  query_params qp(ctx.req.target());
  const auto poverty = qp.boolean("poverty_stricken");
  const int limit = qp.limit();
  const auto after = qp.cursor_for("c", 1);
  if (!qp.ok()) co_return problem(validation(std::move(qp.errors())));
  auto rows = storage::list_counties(ctx.a.db().reader(), poverty, after ? after->keys[0] : 0, limit + 1);
  const auto next = trim_page(rows, limit);
  json::array items;
  for (const auto& c : rows) items.push_back(to_json(c));
  co_return json_response(http::status::ok, list_body(std::move(items), next_cursor("c", next)));
}

net::awaitable<response> get_county(context& ctx) {
  const auto id = ctx.path_id();
  auto c = id ? storage::find_county(ctx.a.db().reader(), *id) : std::nullopt;
  if (!c) co_return not_found("county");
  co_return json_response(http::status::ok, to_json(*c));
}

net::awaitable<response> create_village(context& ctx) {
  if (!ctx.is(role::admin)) co_return admins_only();
  fields f(ctx.body_object(), {"county_id", "name"});
  auto county_id = f.integer("county_id", true);
  auto name = f.str("name", true);
  if (name) f.check("name", check_name(*name));
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));
  auto cmd = [cid = *county_id, n = *name, now = ctx.a.now()](storage::connection& c) {
    return storage::insert_village(c, cid, n, now);
  };
  auto res = co_await ctx.a.write(std::move(cmd));
  if (!res) co_return problem(res.err());
  co_return json_response(http::status::created, to_json(res.value(), ctx.a.village_thresholds()));
}

net::awaitable<response> list_villages(context& ctx) {
  query_params qp(ctx.req.target());
  storage::village_filter f;
  f.county_id = qp.id("county_id");
  f.taobao_village = qp.boolean("taobao_village");
  const int limit = qp.limit();
  const auto after = qp.cursor_for("v", 1);
  if (!qp.ok()) co_return problem(validation(std::move(qp.errors())));
  f.after_id = after ? after->keys[0] : 0;
  f.limit = limit + 1;
  f.thresholds = ctx.a.village_thresholds();
  f.today = day_of(ctx.a.now());
  // Keyset by id: the filter is applied while reading in id order, so walking the cursors
  // visits every matching village once.
  auto rows = storage::list_villages(ctx.a.db().reader(), f);
  const auto next = trim_page(rows, limit);
  json::array items;
  for (const auto& v : rows) items.push_back(to_json(v, f.thresholds));
  co_return json_response(http::status::ok, list_body(std::move(items), next_cursor("v", next)));
}

net::awaitable<response> get_village(context& ctx) {
  const auto id = ctx.path_id();
  auto v = id ? storage::find_village(ctx.a.db().reader(), *id, day_of(ctx.a.now())) : std::nullopt;
  if (!v) co_return not_found("village");
  co_return json_response(http::status::ok, to_json(*v, ctx.a.village_thresholds()));
}

}  // namespace

void add_region_routes(route_table& t) {
  t.add(http::verb::post, "/v1/counties", {auth_mode::required, body_mode::required, create_county});
  t.add(http::verb::get, "/v1/counties", {auth_mode::none, body_mode::none, list_counties});
  t.add(http::verb::get, "/v1/counties/{id}", {auth_mode::none, body_mode::none, get_county});
  t.add(http::verb::patch, "/v1/counties/{id}", {auth_mode::required, body_mode::required, patch_county});
  t.add(http::verb::post, "/v1/villages", {auth_mode::required, body_mode::required, create_village});
  t.add(http::verb::get, "/v1/villages", {auth_mode::none, body_mode::none, list_villages});
  t.add(http::verb::get, "/v1/villages/{id}", {auth_mode::none, body_mode::none, get_village});
}

}  // namespace cunji::server
