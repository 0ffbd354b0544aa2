// Shops: farmers open their own; partners open shops for villagers of their village and run them.
#include "server/app.hpp"
#include "server/json_input.hpp"
#include "server/json_output.hpp"
#include "server/problem.hpp"
#include "server/query_params.hpp"
#include "storage/sql/catalog.hpp"

namespace cunji::server {

namespace {

void check_shop_fields(fields& f, const std::optional<std::string>& name, const std::optional<std::string>& desc) {
  if (name) f.check("name", check_name(*name, shop_name_max));
  if (desc) f.check("description", check_description(*desc));
}

net::awaitable<response> create_shop(context& ctx) {
  const bool partner = ctx.is(role::partner);
  if ((!ctx.is(role::farmer) && !partner) || !ctx.caller->village_id)
    co_return problem(error{errc::forbidden, "Only farmers and partners open shops."});
  fields f(ctx.body_object(), partner ? std::initializer_list<std::string_view>{"name", "description", "villager_id"}
                                      : std::initializer_list<std::string_view>{"name", "description"});
  auto name = f.str("name", true);
  auto desc = f.str("description", false);
  auto villager_id = partner ? f.integer("villager_id", true) : std::nullopt;
  check_shop_fields(f, name, desc);
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));

  storage::new_shop s;
  s.village_id = *ctx.caller->village_id;
  s.name = *name;
  s.description = desc.value_or("");
  if (partner) {
    s.partner_id = ctx.caller->id;
    s.villager_id = villager_id;
  } else {
    s.owner_account_id = ctx.caller->id;
  }
  auto cmd = [s, now = ctx.a.now()](storage::connection& c) -> result<shop> {
    if (s.villager_id) {
      const auto v = storage::find_villager(c, *s.villager_id);
      if (!v || v->village_id != s.village_id)
        return validation({{"villager_id", "is not a villager of your village"}});
    }
    return storage::insert_shop(c, s, now);
  };
  auto res = co_await ctx.a.write(std::move(cmd));
  if (!res) co_return problem(res.err());
  co_return json_response(http::status::created, to_json(res.value()));
}

net::awaitable<response> list_shops(context& ctx) {
  query_params qp(ctx.req.target());
  storage::shop_filter f;
  f.village_id = qp.id("village_id");
  f.county_id = qp.id("county_id");
  const int limit = qp.limit();
  const auto after = qp.cursor_for("s", 1);
  if (!qp.ok()) co_return problem(validation(std::move(qp.errors())));
  f.after_id = after ? after->keys[0] : 0;
  f.limit = limit + 1;
  auto rows = storage::list_active_shops(ctx.a.db().reader(), f);
  const auto next = trim_page(rows, limit);
  json::array items;
  for (const auto& s : rows) items.push_back(to_json(s));
  co_return json_response(http::status::ok, list_body(std::move(items), next_cursor("s", next)));
}

net::awaitable<response> get_shop(context& ctx) {
  const auto id = ctx.path_id();
  auto s = id ? storage::find_shop(ctx.a.db().reader(), *id) : std::nullopt;
  if (!s) co_return problem(error{errc::not_found, "No such shop."});
  co_return json_response(http::status::ok, to_json(*s));
}

net::awaitable<response> patch_shop(context& ctx) {
  const auto id = ctx.path_id();
  auto s = id ? storage::find_shop(ctx.a.db().reader(), *id) : std::nullopt;
  if (!s) co_return problem(error{errc::not_found, "No such shop."});
  if (!can_manage(*ctx.caller, *s))
    co_return problem(error{errc::forbidden, "Only the shop's owner or the partner running it can change it."});
  fields f(ctx.body_object(), {"name", "description", "status"});
  storage::shop_patch p;
  p.name = f.str("name", false);
  p.description = f.str("description", false);
  if (auto st = f.str("status", false)) {
    p.status = parse_shop_status(*st);
    if (!p.status) f.add("status", "must be active or closed");
  }
  check_shop_fields(f, p.name, p.description);
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));
  auto cmd = [id = *id, p](storage::connection& c) -> result<shop> {
    const auto cur = storage::find_shop(c, id);
    if (!cur) return error{errc::not_found, "No such shop."};
    return storage::update_shop(c, *cur, p);
  };
  auto res = co_await ctx.a.write(std::move(cmd));
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
