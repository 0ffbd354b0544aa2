// Counties and villages: admins create them, anyone reads them.
#include "core/sales.hpp"
#include "server/app.hpp"
#include "server/json_input.hpp"
#include "server/json_output.hpp"
#include "server/problem.hpp"
#include "server/query_params.hpp"

namespace cunji::server {

namespace {

response not_found(std::string_view what) {
  return problem(error{errc::not_found, "No such " + std::string(what) + "."});
}

net::awaitable<response> create_county(context& ctx) {
  fields f(ctx.body_object(), {"name", "province", "poverty_stricken"});
  auto name = f.trimmed("name", true);
  auto province = f.trimmed("province", true);
  auto poverty_stricken = f.boolean("poverty_stricken", true);
  if (name) f.check("name", check_name(*name));
  if (province) f.check("province", check_name(*province));
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));
  const auto c = co_await ctx.store().regions().create_county(*name, *province, *poverty_stricken, ctx.now());
  co_return json_response(http::status::created, to_json(c));
}

net::awaitable<response> patch_county(context& ctx) {
  const auto id = ctx.path_id();
  if (!id) co_return not_found("county");
  fields f(ctx.body_object(), {"name", "province", "poverty_stricken"});
  storage::county_patch p;
  p.name = f.trimmed("name", false);
  p.province = f.trimmed("province", false);
  p.poverty_stricken = f.boolean("poverty_stricken", false);
  if (p.name) f.check("name", check_name(*p.name));
  if (p.province) f.check("province", check_name(*p.province));
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));
  const auto c = co_await ctx.store().regions().update_county(*id, std::move(p));
  if (!c) co_return problem(c.err());
  co_return json_response(http::status::ok, to_json(c.value()));
}

net::awaitable<response> list_counties(context& ctx) {
  query_params qp(ctx.req.target());
  const auto poverty_stricken = qp.boolean("poverty_stricken");
  const auto page = qp.page("c");
  if (!qp.ok()) co_return problem(validation(std::move(qp.errors())));
  co_return page_response(co_await ctx.store().regions().list_counties(poverty_stricken, page), "c",
                          [](const county& c) { return to_json(c); });
}

net::awaitable<response> get_county(context& ctx) {
  const auto id = ctx.path_id();
  std::optional<county> c;
  if (id) c = co_await ctx.store().regions().find_county(*id);
  if (!c) co_return not_found("county");
  co_return json_response(http::status::ok, to_json(*c));
}

net::awaitable<response> create_village(context& ctx) {
  fields f(ctx.body_object(), {"county_id", "name"});
  auto county_id = f.id("county_id", true);
  auto name = f.trimmed("name", true);
  if (name) f.check("name", check_name(*name));
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));
  const auto v = co_await ctx.store().regions().create_village(*county_id, *name, ctx.now());
  if (!v) co_return problem(v.err());
  co_return json_response(http::status::created, to_json(v.value()));
}

net::awaitable<response> list_villages(context& ctx) {
  query_params qp(ctx.req.target());
  storage::village_filter f;
  f.county_id = qp.id("county_id");
  f.taobao_village = qp.boolean("taobao_village");
  f.page = qp.page("v");
  if (!qp.ok()) co_return problem(validation(std::move(qp.errors())));
  f.today = day_of(ctx.now());
  co_return page_response(co_await ctx.store().regions().list_villages(std::move(f)), "v",
                          [](const village& v) { return to_json(v); });
}

net::awaitable<response> get_village(context& ctx) {
  const auto id = ctx.path_id();
  std::optional<village> v;
  if (id) v = co_await ctx.store().regions().find_village(*id, day_of(ctx.now()));
  if (!v) co_return not_found("village");
  co_return json_response(http::status::ok, to_json(*v));
}

}  // namespace

void add_region_routes(route_table& t) {
  t.add(http::verb::post, "/v1/counties", {auth_mode::admin, body_mode::required, create_county});
  t.add(http::verb::get, "/v1/counties", {auth_mode::none, body_mode::none, list_counties});
  t.add(http::verb::get, "/v1/counties/{id}", {auth_mode::none, body_mode::none, get_county});
  t.add(http::verb::patch, "/v1/counties/{id}", {auth_mode::admin, body_mode::required, patch_county});
  t.add(http::verb::post, "/v1/villages", {auth_mode::admin, body_mode::required, create_village});
  t.add(http::verb::get, "/v1/villages", {auth_mode::none, body_mode::none, list_villages});
  t.add(http::verb::get, "/v1/villages/{id}", {auth_mode::none, body_mode::none, get_village});
}

}  // namespace cunji::server
