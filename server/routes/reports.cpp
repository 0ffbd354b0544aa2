// Reports: sales by county, poverty-relief sales and monthly figures of a county or a village
// (anyone: they hold only totals), and a partner's earnings (the partner itself, or an admin).
// Periods are `from` (included) .. `to` (excluded), UTC dates, by default the last 365 days,
// today included (core/sales.hpp); monthly reports take months `from` .. `to`, both included,
// by default the last 12 whole months and this one (core/months.hpp). Everything is read from
// the sales rollups (storage/sql/reports.hpp), never by scanning orders.
#include "core/months.hpp"
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
  if (auto period = period_of(ctx)) r.period = period.value();
  else r.invalid = std::move(period).err().errors;
  const auto e = co_await ctx.store().reports().partner_earnings_of(std::move(r));
  if (!e) co_return problem(e.err());
  co_return json_response(http::status::ok, json::object{{"assisted_buying_fen", e->assisted_buying_fen},
                                                         {"assisted_selling_fen", e->assisted_selling_fen},
                                                         {"orders", e->orders}});
}

// The months of a monthly report; errors are kept for the store to answer after its 404 check.
storage::monthly_request monthly_request_of(const context& ctx) {
  storage::monthly_request r;
  r.id = ctx.path_id().value_or(0);
  r.today = day_of(ctx.now());
  query_params qp(ctx.req.target());
  const auto from = qp.str("from");
  const auto to = qp.str("to");
  auto months = report_months(from ? std::optional<std::string_view>(*from) : std::nullopt,
                              to ? std::optional<std::string_view>(*to) : std::nullopt, r.today);
  if (months) r.months = months.value();
  else r.invalid = std::move(months).err().errors;
  return r;
}

json::array months_json(const std::vector<storage::month_figures>& months, bool village) {
  json::array out;
  for (const auto& m : months) {
    json::object o{{"month", format_month(m.month)},
                   {"gmv_fen", m.gmv_fen},
                   {"orders", m.orders},
                   {"poverty_relief_gmv_fen", m.poverty_relief_gmv_fen},
                   {"active_shops", m.active_shops}};
    if (village) o["taobao_village"] = m.taobao_village;
    out.push_back(std::move(o));
  }
  return out;
}

net::awaitable<response> county_monthly(context& ctx) {
  auto r = monthly_request_of(ctx);
  const auto id = r.id;
  const auto months = co_await ctx.store().reports().county_monthly(std::move(r));
  if (!months) co_return problem(months.err());
  co_return json_response(http::status::ok,
                          json::object{{"county_id", id}, {"months", months_json(months.value(), false)}});
}

net::awaitable<response> village_monthly(context& ctx) {
  auto r = monthly_request_of(ctx);
  const auto id = r.id;
  const auto months = co_await ctx.store().reports().village_monthly(std::move(r));
  if (!months) co_return problem(months.err());
  co_return json_response(http::status::ok,
                          json::object{{"village_id", id}, {"months", months_json(months.value(), true)}});
}

}  // namespace

void add_report_routes(route_table& t) {
  t.add(http::verb::get, "/v1/reports/counties", {auth_mode::none, body_mode::none, county_report});
  t.add(http::verb::get, "/v1/reports/poverty-relief", {auth_mode::none, body_mode::none, poverty_relief_report});
  t.add(http::verb::get, "/v1/reports/counties/{id}/monthly", {auth_mode::none, body_mode::none, county_monthly});
  t.add(http::verb::get, "/v1/reports/villages/{id}/monthly", {auth_mode::none, body_mode::none, village_monthly});
  t.add(http::verb::get, "/v1/partners/{id}/earnings", {auth_mode::required, body_mode::none, partner_earnings});
}

}  // namespace cunji::server
