// The fee schedule, balances, statements, payouts and the ledger check.
#include "core/policy.hpp"
#include "core/sales.hpp"
#include "server/app.hpp"
#include "server/json_input.hpp"
#include "server/json_output.hpp"
#include "server/memory.hpp"
#include "server/problem.hpp"
#include "server/query_params.hpp"

namespace cunji::server {

namespace {

net::awaitable<response> get_schedule(context& ctx) {
  co_return json_response(http::status::ok, to_json(co_await ctx.store().money().fee_schedule_in_force()));
}

net::awaitable<response> put_schedule(context& ctx) {
  fields f(ctx.body_object(), {"platform_commission_bps", "category_commission_bps", "poverty_county_commission_bps",
                               "assisted_buying_fee_bps", "assisted_selling_fee_bps", "address_delivery_fee_fen",
                               "taobao_village_min_shops", "taobao_village_min_gmv_fen", "unpaid_timeout_minutes",
                               "auto_deliver_days", "station_hold_days"});
  auto s = read_fee_schedule(f);
  if (f.ok())
    for (auto& e : validate(s)) f.add(e.field, e.message);
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));
  const auto saved = co_await ctx.store().money().replace_fee_schedule(std::move(s), ctx.now());
  co_return json_response(http::status::ok, to_json(saved));
}

net::awaitable<response> my_balance(context& ctx) {
  const auto b = co_await ctx.store().money().balance_of(*ctx.caller);
  if (!b) co_return problem(b.err());
  co_return json_response(http::status::ok, json::object{{"pending_fen", b->pending_fen},
                                                         {"available_fen", b->available_fen},
                                                         {"paid_out_fen", b->paid_out_fen}});
}

json::object to_json(const storage::statement_entry& e) {
  json::object o{
      {"id", e.id}, {"kind", e.kind}, {"amount_fen", e.amount_fen}, {"created_at", format_rfc3339(e.created_at)}};
  o["order_id"] = e.order_id ? json::value(*e.order_id) : json::value(nullptr);
  o["payout_id"] = e.payout_id ? json::value(*e.payout_id) : json::value(nullptr);
  return o;
}

net::awaitable<response> my_statement(context& ctx) {
  query_params qp(ctx.req.target());
  storage::statement_query sq;
  sq.caller = *ctx.caller;
  for (const char* name : {"from", "to"}) {
    if (auto v = qp.str(name)) {
      auto t = parse_date(*v);
      if (!t) qp.add(name, "must be a date YYYY-MM-DD");
      (std::string_view(name) == "from" ? sq.from : sq.to) = t;
    }
  }
  sq.page = qp.page("st");
  if (!qp.ok() && has_balance(*ctx.caller)) co_return problem(validation(std::move(qp.errors())));
  const auto res = co_await ctx.store().money().statement(std::move(sq));
  if (!res) co_return problem(res.err());
  co_return page_response(res.value(), "st", [](const storage::statement_entry& e) { return to_json(e); });
}

net::awaitable<response> payouts(context& ctx) {
  fields f(ctx.body_object(), {});  // takes no fields
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));
  json::array items;
  for (const auto& p : co_await ctx.store().money().run_payouts(ctx.now()))
    items.push_back({{"id", p.id},
                     {"payee", {{"type", to_string(p.type)}, {"id", p.payee_id}}},
                     {"amount_fen", p.amount_fen},
                     {"created_at", format_rfc3339(p.created_at)}});
  co_return json_response(http::status::created, json::object{{"payouts", std::move(items)}});
}

net::awaitable<response> platform(context& ctx) {
  const auto period = report_period_in(ctx.req.target(), ctx.now());
  if (!period) co_return problem(period.err());
  const auto f = co_await ctx.store().money().platform(period.value());
  co_return json_response(http::status::ok, json::object{{"commission_fen", f.commission_fen},
                                                         {"delivery_fees_fen", f.delivery_fees_fen},
                                                         {"partner_fees_fen", f.partner_fees_fen},
                                                         {"net_revenue_fen", f.net_revenue_fen},
                                                         {"cash_fen", f.cash_fen},
                                                         {"station_cash_held_fen", f.station_cash_held_fen},
                                                         {"payouts_fen", f.payouts_fen}});
}

net::awaitable<response> ledger_check(context& ctx) {
  const auto r = co_await ctx.store().money().check_ledger();
  release_free_memory();  // the check held every posting in memory (hundreds of MiB on 1M orders)
  json::array mismatches;
  for (const auto& m : r.mismatches) mismatches.push_back(json::string(m));
  co_return json_response(http::status::ok, json::object{{"balanced", r.balanced},
                                                         {"postings", r.postings},
                                                         {"sum_fen", r.sum_fen},
                                                         {"orders_checked", r.orders_checked},
                                                         {"mismatches", std::move(mismatches)}});
}

}  // namespace

void add_money_routes(route_table& t) {
  t.add(http::verb::get, "/v1/fee-schedule", {auth_mode::none, body_mode::none, get_schedule});
  t.add(http::verb::put, "/v1/fee-schedule", {auth_mode::admin, body_mode::required, put_schedule});
  t.add(http::verb::get, "/v1/balances/me", {auth_mode::required, body_mode::none, my_balance});
  t.add(http::verb::get, "/v1/statements/me", {auth_mode::required, body_mode::none, my_statement});
  t.add(http::verb::post, "/v1/payouts", {auth_mode::admin, body_mode::optional, payouts});
  t.add(http::verb::get, "/v1/admin/ledger/check", {auth_mode::admin, body_mode::none, ledger_check});
  t.add(http::verb::get, "/v1/admin/platform", {auth_mode::admin, body_mode::none, platform});
}

}  // namespace cunji::server
