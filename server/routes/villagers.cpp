// Villagers: people who are not online, registered by their village's partner.
#include "core/account.hpp"
#include "core/policy.hpp"
#include "core/text.hpp"
#include "server/app.hpp"
#include "server/json_input.hpp"
#include "server/json_output.hpp"
#include "server/problem.hpp"
#include "server/query_params.hpp"

namespace cunji::server {

namespace {

constexpr std::size_t villager_prefix_max = 40;

net::awaitable<response> create_villager(context& ctx) {
  fields f(ctx.body_object(), {"name", "phone"});
  auto name = f.trimmed("name", true);
  auto phone = f.str("phone", false);
  if (phone) *phone = normalize_phone(*phone);
  if (name) f.check("name", check_name(*name));
  if (phone) f.check("phone", check_phone(*phone));
  if (!f.ok() && can_manage_villagers(*ctx.caller)) co_return problem(validation(std::move(f.errors())));
  storage::new_villager v{*ctx.caller, name.value_or(""), std::move(phone), ctx.now()};
  const auto res = co_await ctx.store().catalog().register_villager(std::move(v));
  if (!res) co_return problem(res.err());
  co_return json_response(http::status::created, to_json(res.value()));
}

net::awaitable<response> list_villagers(context& ctx) {
  query_params qp(ctx.req.target());
  // A prefix of the name or of the phone (blank: everyone); the phone as stored (+86 dropped).
  const auto q = qp.str("q").value_or("");
  const auto trimmed = text::trim(q);
  if (const auto n = text::utf8_length(trimmed); !n || *n > villager_prefix_max)
    qp.add("q", "must be text of at most " + std::to_string(villager_prefix_max) + " characters");
  std::string prefix(phone_prefix_for_search(trimmed));
  const auto page = qp.page("vg");
  if (!qp.ok() && can_manage_villagers(*ctx.caller)) co_return problem(validation(std::move(qp.errors())));
  const auto res = co_await ctx.store().catalog().list_villagers(*ctx.caller, std::move(prefix), page);
  if (!res) co_return problem(res.err());
  co_return page_response(res.value(), "vg", [](const villager& v) { return to_json(v); });
}

}  // namespace

void add_villager_routes(route_table& t) {
  t.add(http::verb::post, "/v1/villagers", {auth_mode::required, body_mode::required, create_villager});
  t.add(http::verb::get, "/v1/villagers", {auth_mode::required, body_mode::none, list_villagers});
}

}  // namespace cunji::server
