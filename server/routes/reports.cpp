// Reports: sales by county and poverty-relief sales (admins), and a partner's earnings (the
// partner itself, or an admin). Periods are `from` (included) .. `to` (excluded), UTC dates,
// by default the last 365 days, today included (core/sales.hpp). Everything is read from the
// sales rollups (storage/sql/reports.hpp), never by scanning orders.
#include "core/sales.hpp"
#include "server/app.hpp"
#include "server/json_output.hpp"
#include "server/problem.hpp"
#include "server/query_params.hpp"

namespace cunji::server {

namespace {

result<day_range> period_of(const context& ctx) { return report_period_in(ctx.req.target(), ctx.now()); }

net::awaitable<response> county_report(context& ctx) {
  const auto period = period_of(ctx);
  if (!period) co_return problem(period.err());
  const auto rows = co_await ctx.store().reports().county_report(period.value(), day_of(ctx.now()));
  json::array items;
  for (const auto& r : rows)
    items.push_back({{"county_id", r.county_id},
                     {"name", r.name},
                     {"poverty_stricken", r.poverty_stricken},
                     {"gmv_fen", r.gmv_fen},
                     {"orders", r.orders},
                     {"distinct_buyers", r.distinct_buyers},
                     {"active_shops", r.active_shops},
                     {"taobao_villages", r.taobao_villages}});
  co_return json_response(http::status::ok, json::object{{"items", std::move(items)}});
}

net::awaitable<response> poverty_relief_report(context& ctx) {
  const auto period = period_of(ctx);
  if (!period) co_return problem(period.err());
  const auto r = co_await ctx.store().reports().poverty_report(period.value());
  json::array counties;
  for (const auto& c : r.counties) counties.push_back({{"county_id", c.county_id}, {"gmv_fen", c.gmv_fen}});
  co_return json_response(http::status::ok, json::object{{"gmv_fen", r.gmv_fen},
                                                          {"orders", r.orders},
                                                          {"distinct_buyers", r.distinct_buyers},
                                                          {"shops", r.shops},
                                                          {"counties", std::move(counties)}});
}

net::awaitable<response> partner_earnings(context& ctx) {
  storage::earnings_request r;
  r.caller = *ctx.caller;
  r.partner_id = ctx.path_id().value_or(0);
  if (auto period = period_of(ctx))
    r.period = period.value();
  else
    r.invalid = std::move(period).err().errors;
  const auto e = co_await ctx.store().reports().partner_earnings_of(std::move(r));
  if (!e) co_return problem(e.err());
  co_return json_response(http::status::ok, json::object{{"assisted_buying_fen", e->assisted_buying_fen},
                                                          {"assisted_selling_fen", e->assisted_selling_fen},
                                                          {"orders", e->orders}});
}

}  // namespace

void add_report_routes(route_table& t) {
  t.add(http::verb::get, "/v1/reports/counties", {auth_mode::admin, body_mode::none, county_report});
  t.add(http::verb::get, "/v1/reports/poverty-relief", {auth_mode::admin, body_mode::none, poverty_relief_report});
  t.add(http::verb::get, "/v1/partners/{id}/earnings", {auth_mode::required, body_mode::none, partner_earnings});
}

}  // namespace cunji::server
