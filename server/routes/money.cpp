// The fee schedule, balances, statements, payouts and the ledger check.
#include "server/app.hpp"
#include "server/json_input.hpp"
#include "server/json_output.hpp"
#include "server/problem.hpp"
#include "server/query_params.hpp"
#include "storage/sql/fee_schedule.hpp"
#include "storage/sql/ledger.hpp"

namespace cunji::server {

namespace {

response admins_only() { return problem(error{errc::forbidden, "Only an admin can do this."}); }

net::awaitable<response> get_schedule(context& ctx) {
  co_return json_response(http::status::ok, to_json(storage::load_fee_schedule(ctx.a.db().reader())));
}

net::awaitable<response> put_schedule(context& ctx) {
  if (!ctx.is(role::admin)) co_return admins_only();
  fields f(ctx.body_object(), {"platform_commission_bps", "category_commission_bps", "poverty_county_commission_bps",
                               "assisted_buying_fee_bps", "assisted_selling_fee_bps", "address_delivery_fee_fen",
                               "taobao_village_min_shops", "taobao_village_min_gmv_fen"});
  const auto s = read_fee_schedule(f);
  if (f.ok())
    for (auto& e : validate(s)) f.add(e.field, e.message);
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));
  auto cmd = [s, now = ctx.a.now()](storage::connection& c) -> result<fee_schedule> {
    storage::save_fee_schedule(c, s, now);
    return storage::load_fee_schedule(c);
  };
  auto res = co_await ctx.a.write(std::move(cmd));
  if (!res) co_return problem(res.err());
  co_return json_response(http::status::ok, to_json(res.value()));
}

std::optional<storage::payee_type> payee_of(const context& ctx) {
  if (ctx.is(role::farmer)) return storage::payee_type::shop;
  if (ctx.is(role::partner)) return storage::payee_type::partner;
  return std::nullopt;
}

net::awaitable<response> my_balance(context& ctx) {
  const auto payee = payee_of(ctx);
  if (!payee) co_return problem(error{errc::forbidden, "Only farmers and partners have balances."});
  auto& db = ctx.a.db().reader();
  const auto b = *payee == storage::payee_type::shop ? storage::farmer_balance(db, ctx.caller->id)
                                                     : storage::partner_balance(db, ctx.caller->id);
  co_return json_response(http::status::ok, json::object{{"pending_fen", b.pending_fen},
                                                          {"available_fen", b.available_fen},
                                                          {"paid_out_fen", b.paid_out_fen}});
}

net::awaitable<response> my_statement(context& ctx) {
  const auto payee = payee_of(ctx);
  if (!payee) co_return problem(error{errc::forbidden, "Only farmers and partners have statements."});
  query_params qp(ctx.req.target());
  storage::statement_query sq;
  sq.type = *payee;
  sq.account_id = ctx.caller->id;
  for (const char* name : {"from", "to"}) {
    if (auto v = qp.str(name)) {
      auto t = parse_date(*v);
      if (!t) qp.add(name, "must be a date YYYY-MM-DD");
      (std::string_view(name) == "from" ? sq.from : sq.to) = t;
    }
  }
  const int limit = qp.limit();
  const auto after = qp.cursor_for("st", 1);
  if (!qp.ok()) co_return problem(validation(std::move(qp.errors())));
  sq.before_id = after ? after->keys[0] : 0;
  sq.limit = limit + 1;
  auto rows = storage::payee_statement(ctx.a.db().reader(), sq);
  const auto next = trim_page(rows, limit);
  json::array items;
  for (const auto& e : rows) {
    json::object o{{"id", e.id}, {"kind", e.kind}, {"amount_fen", e.amount_fen},
                   {"created_at", format_rfc3339(e.created_at)}};
    o["order_id"] = e.order_id ? json::value(*e.order_id) : json::value(nullptr);
    o["payout_id"] = e.payout_id ? json::value(*e.payout_id) : json::value(nullptr);
    items.push_back(std::move(o));
  }
  co_return json_response(http::status::ok, list_body(std::move(items), next_cursor("st", next)));
}

net::awaitable<response> payouts(context& ctx) {
  if (!ctx.is(role::admin)) co_return admins_only();
  fields f(ctx.body_object(), {});  // takes no fields
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));
  auto cmd = [now = ctx.a.now()](storage::connection& c) -> result<std::vector<storage::payout_record>> {
    return storage::run_payouts(c, now);
  };
  auto res = co_await ctx.a.write(std::move(cmd));
  if (!res) co_return problem(res.err());
  json::array items;
  for (const auto& p : res.value())
    items.push_back({{"id", p.id},
                     {"payee", {{"type", p.type == storage::payee_type::shop ? "shop" : "partner"}, {"id", p.payee_id}}},
                     {"amount_fen", p.amount_fen},
                     {"created_at", format_rfc3339(p.created_at)}});
  co_return json_response(http::status::created, json::object{{"payouts", std::move(items)}});
}

net::awaitable<response> ledger_check(context& ctx) {
  if (!ctx.is(role::admin)) co_return admins_only();
  const auto r = storage::check_ledger(ctx.a.db().reader());
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
  t.add(http::verb::put, "/v1/fee-schedule", {auth_mode::required, body_mode::required, put_schedule});
  t.add(http::verb::get, "/v1/balances/me", {auth_mode::required, body_mode::none, my_balance});
  t.add(http::verb::get, "/v1/statements/me", {auth_mode::required, body_mode::none, my_statement});
  t.add(http::verb::post, "/v1/payouts", {auth_mode::required, body_mode::optional, payouts});
  t.add(http::verb::get, "/v1/admin/ledger/check", {auth_mode::required, body_mode::none, ledger_check});
}

}  // namespace cunji::server
