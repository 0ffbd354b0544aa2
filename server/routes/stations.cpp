// A station's day: the parcels list the partner prints in the evening, the cash it holds, and
// the hand-ins an admin records. (Arrival and hand-over of a parcel are order moves:
// routes/orders.cpp.)
#include "core/account.hpp"
#include "core/policy.hpp"
#include "core/sales.hpp"
#include "server/app.hpp"
#include "server/idempotency.hpp"
#include "server/json_input.hpp"
#include "server/json_output.hpp"
#include "server/problem.hpp"
#include "server/query_params.hpp"
#include "storage/money.hpp"
#include "storage/orders.hpp"

namespace cunji::server {

namespace {

constexpr std::size_t handin_reference_max = 100;
constexpr std::int64_t handin_max_fen = 1'000'000'000'000;  // ten billion yuan

json::value time_or_null(const std::optional<unix_seconds>& t) {
  return t ? json::value(format_rfc3339(*t)) : json::value(nullptr);
}

json::object to_json(const storage::parcel& p) {
  return {{"order_id", p.id},
          {"status", to_string(p.status)},
          {"placed_by_name", p.placed_by_name},
          {"villager_name", p.villager_name ? json::value(*p.villager_name) : json::value(nullptr)},
          {"items_count", p.items_count},
          {"total_fen", p.total_fen},
          {"shipped_at", time_or_null(p.shipped_at)},
          {"arrived_at", time_or_null(p.arrived_at)}};
}

net::awaitable<response> parcels(context& ctx) {
  query_params qp(ctx.req.target());
  storage::parcel_filter f;
  f.caller = *ctx.caller;
  if (auto st = qp.str("status")) {
    f.status = parse_order_status(*st);
    if (f.status != order_status::shipped && f.status != order_status::at_station)
      qp.add("status", "must be shipped or at_station");
  }
  f.page = qp.page("pc");
  if (!can_list_parcels(*ctx.caller))
    co_return problem(error{errc::forbidden, "Only a station's partner lists its parcels."});
  if (!qp.ok()) co_return problem(validation(std::move(qp.errors())));
  const auto page = co_await ctx.store().orders().parcels(std::move(f));
  if (!page) co_return problem(page.err());
  co_return page_response(page.value(), "pc", [](const storage::parcel& p) { return to_json(p); });
}

std::string date_of(day_number d) { return format_rfc3339(d * seconds_per_day).substr(0, 10); }

net::awaitable<response> station_cash(context& ctx) {
  const auto partner = ctx.path_id("partner_id");
  // Before the query is read: an outsider learns nothing from 422s (the store checks it again).
  if (!partner || !can_read_earnings_of(*ctx.caller, *partner))
    co_return problem(error{errc::not_found, "No such partner."});
  const auto period = report_period_in(ctx.req.target(), ctx.now());
  if (!period) co_return problem(period.err());
  const auto r = co_await ctx.store().money().station_cash(*ctx.caller, *partner, period.value());
  if (!r) co_return problem(r.err());
  json::array days;
  for (const auto& d : r->days)
    days.push_back({{"date", date_of(d.day)},
                    {"collected_fen", d.collected_fen},
                    {"handed_in_fen", d.handed_in_fen},
                    {"refunded_fen", d.refunded_fen}});
  co_return json_response(http::status::ok, json::object{{"held_fen", r->held_fen},
                                                         {"collected_fen", r->collected_fen},
                                                         {"handed_in_fen", r->handed_in_fen},
                                                         {"refunded_fen", r->refunded_fen},
                                                         {"from", date_of(period->from)},
                                                         {"to", date_of(period->to)},
                                                         {"days", std::move(days)}});
}

json::object to_json(const storage::cash_handin& h) {
  return {{"id", h.id},
          {"partner_id", h.partner_id},
          {"amount_fen", h.amount_fen},
          {"reference", h.reference ? json::value(*h.reference) : json::value(nullptr)},
          {"created_at", format_rfc3339(h.created_at)}};
}

net::awaitable<response> hand_in(context& ctx) {
  auto key = read_idempotency(ctx);
  if (!key) co_return problem(key.err());
  const auto partner = ctx.path_id("partner_id");
  if (!partner) co_return problem(error{errc::not_found, "No such partner."});
  fields f(ctx.body_object(), {"amount_fen", "reference"});
  storage::handin_request r;
  r.caller = *ctx.caller;
  r.partner_id = *partner;
  r.amount_fen = f.integer("amount_fen", true, 1, handin_max_fen).value_or(0);
  r.reference = f.str("reference", false);
  if (r.reference) f.check("reference", check_text(*r.reference, handin_reference_max));
  r.invalid = std::move(f.errors());
  r.now = ctx.now();
  auto render = answer_with<storage::cash_handin>([](const result<storage::cash_handin>& h) {
    return h ? json_response(http::status::created, to_json(h.value())) : problem(h.err());
  });
  co_return to_response(co_await ctx.store().money().hand_in(std::move(r), std::move(key.value()), std::move(render)));
}

}  // namespace

void add_station_routes(route_table& t) {
  t.add(http::verb::get, "/v1/stations/me/parcels", {auth_mode::required, body_mode::none, parcels});
  t.add(http::verb::get, "/v1/stations/{partner_id}/cash", {auth_mode::required, body_mode::none, station_cash});
  t.add(http::verb::post, "/v1/stations/{partner_id}/cash-handins",
        {.auth = auth_mode::admin, .body = body_mode::required, .fn = hand_in, .idempotent = true});
}

}  // namespace cunji::server
