// Shops: farmers open their own; partners open shops for villagers of their village and run them.
#include "core/policy.hpp"
#include "server/app.hpp"
#include "server/json_input.hpp"
#include "server/json_output.hpp"
#include "server/problem.hpp"
#include "server/query_params.hpp"

namespace cunji::server {

namespace {

void check_shop_fields(fields& f, const std::optional<std::string>& name, const std::optional<std::string>& desc) {
  if (name) f.check("name", check_name(*name, shop_name_max));
  if (desc) f.check("description", check_description(*desc));
}

net::awaitable<response> create_shop(context& ctx) {
  if (!can_open_shop(*ctx.caller)) co_return problem(error{errc::forbidden, "Only farmers and partners open shops."});
  const bool partner = ctx.is(role::partner);
  fields f(ctx.body_object(), partner ? std::initializer_list<std::string_view>{"name", "description", "villager_id"}
                                      : std::initializer_list<std::string_view>{"name", "description"});
  auto name = f.trimmed("name", true);
  auto desc = f.str("description", false);
  auto villager_id = partner ? f.id("villager_id", true) : std::nullopt;
  check_shop_fields(f, name, desc);
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));
  storage::shop_opening s{*ctx.caller, *name, desc.value_or(""), villager_id, ctx.now()};
  const auto res = co_await ctx.store().catalog().open_shop(std::move(s));
  if (!res) co_return problem(res.err());
  co_return json_response(http::status::created, to_json(res.value()));
}

net::awaitable<response> list_shops(context& ctx) {
  query_params qp(ctx.req.target());
  storage::shop_filter f;
  f.village_id = qp.id("village_id");
  f.county_id = qp.id("county_id");
  f.page = qp.page("s");
  if (!qp.ok()) co_return problem(validation(std::move(qp.errors())));
  co_return page_response(co_await ctx.store().catalog().list_shops(std::move(f)), "s",
                          [](const shop& s) { return to_json(s); });
}

net::awaitable<response> get_shop(context& ctx) {
  const auto id = ctx.path_id();
  std::optional<shop> s;
  if (id) s = co_await ctx.store().catalog().find_shop(*id);
  if (!s) co_return problem(error{errc::not_found, "No such shop."});
  co_return json_response(http::status::ok, to_json(*s));
}

net::awaitable<response> patch_shop(context& ctx) {
  storage::shop_update u;
  u.shop_id = ctx.path_id().value_or(0);
  u.caller = *ctx.caller;
  fields f(ctx.body_object(), {"name", "description", "status"});
  u.patch.name = f.trimmed("name", false);
  u.patch.description = f.str("description", false);
  if (auto st = f.str("status", false)) {
    u.patch.status = parse_shop_status(*st);
    if (!u.patch.status) f.add("status", "must be active or closed");
  }
  check_shop_fields(f, u.patch.name, u.patch.description);
  u.invalid = std::move(f.errors());
  const auto res = co_await ctx.store().catalog().update_shop(std::move(u));
  if (!res) co_return problem(res.err());
  co_return json_response(http::status::ok, to_json(res.value()));
}

}  // namespace

void add_shop_routes(route_table& t) {
  t.add(http::verb::post, "/v1/shops", {auth_mode::required, body_mode::required, create_shop});
  t.add(http::verb::get, "/v1/shops", {auth_mode::none, body_mode::none, list_shops});
  t.add(http::verb::get, "/v1/shops/{id}", {auth_mode::none, body_mode::none, get_shop});
  t.add(http::verb::patch, "/v1/shops/{id}", {auth_mode::required, body_mode::required, patch_shop});
}

}  // namespace cunji::server
