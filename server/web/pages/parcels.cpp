// The partners' station console, station side: /station/parcels (the station's parcels, oldest
// first: the use case of GET /v1/stations/me/parcels; "arrived" is that of POST
// /v1/orders/{id}/arrive), /station/parcels/{id} (hand-over with the 6-digit pickup code, that
// of POST /v1/orders/{id}/hand-over: a wrong code is 422, five wrong codes lock the parcel, 429),
// /station/parcels/print (the evening's list, print-friendly) and /station/cash (today's cash,
// as GET /v1/stations/{partner_id}/cash, and the partner's fees, as GET /v1/balances/me and
// /v1/statements/me). Only the station's partner; pickup codes are never shown nor logged.
#include "core/policy.hpp"
#include "core/sales.hpp"
#include "core/station.hpp"
#include "server/app.hpp"
#include "server/crypto.hpp"
#include "server/problem.hpp"
#include "server/query_params.hpp"
#include "server/web/page_app.hpp"
#include "server/web/pages/page_views.hpp"
#include "server/web/view_format.hpp"
#include "storage/store.hpp"

namespace cunji::server::web {

namespace {

constexpr int print_rows = 40;  // a page of the printed list stays within the size budget

bool is_station_partner(const page_context& ctx) { return ctx.me && can_list_parcels(*ctx.me); }

response not_partner(page_context& ctx) {
  return ctx.pages.error_page(ctx, http::status::forbidden, "error.forbidden");
}

view parcel_rows(const page_context& ctx, const std::vector<storage::parcel>& ps) {
  view rows{view::type::list};
  for (const auto& p : ps) {
    view v{view::type::object};
    v.set("id", std::to_string(p.id));
    v.set("status", std::string(status_word(ctx.lang, p.status)));
    v.set("for", short_text(p.villager_name.value_or(p.placed_by_name), 20));
    v.set("lines", std::to_string(p.items_count));
    v.set("total", yuan(p.total_fen));
    v.set("shipped", view(p.status == order_status::shipped));
    v.set("at_station", view(p.status == order_status::at_station));
    rows.push_back(v);
  }
  return rows;
}

// The parcels list (`print`: the printable one) with a notice or an error above it.
net::awaitable<response> render_parcels(page_context& ctx, http::status st, bool print, std::string form_error) {
  if (!is_station_partner(ctx)) co_return not_partner(ctx);
  query_params qp(ctx.req.target());
  storage::parcel_filter f;
  f.caller = *ctx.me;
  f.page = qp.page("pc");
  if (print) f.page.limit = print_rows;
  const auto page = co_await ctx.store().orders().parcels(std::move(f));
  if (!page) co_return not_partner(ctx);
  view v{view::type::object};
  v.set("parcels", parcel_rows(ctx, page->items));
  v.set("has_parcels", view(!page->items.empty()));
  if (auto next = next_cursor("pc", page->next_keys)) v.set("next_href", with_param(ctx.req.target(), "cursor", *next));
  if (print) {
    v.set("printed_at", china_time(ctx.now()));
    co_return ctx.pages.render(ctx, st, "parcels_print", ctx.t("print.title"), std::move(v));
  }
  if (ctx.query("handed")) v.set("notice", std::string(ctx.t("parcels.handed")));
  if (!form_error.empty()) v.set("form_error", std::move(form_error));
  co_return ctx.pages.render(ctx, st, "parcels", ctx.t("station.parcels"), std::move(v));
}

net::awaitable<response> parcels_get(page_context& ctx) {
  co_return co_await render_parcels(ctx, http::status::ok, false, "");
}
net::awaitable<response> parcels_print(page_context& ctx) {
  co_return co_await render_parcels(ctx, http::status::ok, true, "");
}

net::awaitable<response> arrive(page_context& ctx) {
  if (!is_station_partner(ctx)) co_return not_partner(ctx);
  storage::transition_request tr;
  tr.order_id = ctx.path_id().value_or(0);
  tr.action = order_action::arrive;
  tr.caller = *ctx.me;
  tr.now = ctx.now();
  storage::renderer<order> render = [](const result<order>& o) {
    return o ? page_answer(200, "arrived") : page_problem(o.err());
  };
  const auto a = co_await ctx.store().orders().transition(std::move(tr), std::nullopt, std::move(render));
  if (a.status == 200) co_return ctx.pages.redirect(ctx, "/station/parcels");
  std::string detail;
  answer_errors(a, &detail);
  co_return co_await render_parcels(ctx, static_cast<http::status>(a.status), false,
                                    std::string(ctx.t("error.conflict")) + detail);
}

struct handover_form {
  std::string code_error;
  std::string form_error;
};

// Defaults of coroutine parameters are named objects: GCC mishandles a temporary there.
const handover_form no_handover{};

net::awaitable<response> render_parcel(page_context& ctx, http::status st, const handover_form& in = no_handover) {
  if (!is_station_partner(ctx)) co_return not_partner(ctx);
  const auto o = co_await ctx.store().orders().get(ctx.path_id().value_or(0), *ctx.me);
  if (!o || o->station_village_id != ctx.me->village_id)
    co_return ctx.pages.error_page(ctx, http::status::not_found, "error.not_found");
  if (o->status != order_status::at_station) co_return ctx.pages.redirect(ctx, "/station/parcels");
  view v{view::type::object};
  v.set("id", std::to_string(o->id));
  std::string what = o->items.empty() ? "" : short_text(o->items.front().title, 24);
  if (o->items.size() > 1) what += " +" + std::to_string(o->items.size() - 1);
  v.set("for", what);
  v.set("lines", std::to_string(o->items.size()));
  v.set("total", yuan(o->money.total_fen));
  if (!in.code_error.empty()) v.set("code_error", in.code_error);
  if (!in.form_error.empty()) v.set("form_error", in.form_error);
  co_return ctx.pages.render(ctx, st, "parcel", ctx.t("parcel.title"), std::move(v));
}

net::awaitable<response> parcel_get(page_context& ctx) { co_return co_await render_parcel(ctx, http::status::ok); }

// The message of a refused hand-over (never the code itself).
handover_form refusal(const page_context& ctx, const error& e, bool code_shaped) {
  handover_form out;
  if (e.code == errc::rate_limited) {
    const auto minutes = std::max<std::int64_t>(1, (e.retry_after_s + 59) / 60);
    out.form_error = std::string(ctx.t("parcel.locked")) + " " + std::to_string(minutes) + " " +
                     std::string(ctx.t("parcel.locked_minutes"));
  } else if (e.code == errc::validation_failed) {
    out.code_error = std::string(ctx.t(code_shaped ? "parcel.wrong_code" : "parcel.code_shape"));
    out.form_error = std::string(ctx.t("error.form"));
  } else {
    out.form_error = std::string(ctx.t("error.conflict")) + e.detail;
  }
  return out;
}

net::awaitable<response> hand_over(page_context& ctx) {
  if (!is_station_partner(ctx)) co_return not_partner(ctx);
  const auto id = ctx.path_id().value_or(0);
  storage::handover_request r;
  r.order_id = id;
  r.caller = *ctx.me;
  r.now = ctx.now();
  const std::string code(ctx.body.str("pickup_code"));
  const bool shaped = is_pickup_code(code);
  if (shaped) r.pickup_code = code;
  else r.invalid.push_back({"pickup_code", "must be the 6 digits of the parcel's code"});
  const auto o = co_await ctx.store().orders().hand_over(std::move(r));
  if (o) co_return ctx.pages.redirect(ctx, "/station/parcels?handed=" + std::to_string(id));
  const auto st = status_of(o.err().code);
  if (st == http::status::not_found || st == http::status::forbidden)
    co_return ctx.pages.error_page(ctx, st, st == http::status::not_found ? "error.not_found" : "error.forbidden");
  auto res = co_await render_parcel(ctx, st, refusal(ctx, o.err(), shaped));
  if (o.err().code == errc::rate_limited) res.set(http::field::retry_after, std::to_string(o.err().retry_after_s));
  co_return res;
}

net::awaitable<response> cash_get(page_context& ctx) {
  if (!is_station_partner(ctx) || !can_read_earnings_of(*ctx.me, ctx.me->id)) co_return not_partner(ctx);
  const auto today = day_of(ctx.now());
  const auto cash = co_await ctx.store().money().station_cash(*ctx.me, ctx.me->id, day_range{today, today + 1});
  const auto bal = co_await ctx.store().money().balance_of(*ctx.me);
  storage::statement_query sq;
  sq.caller = *ctx.me;
  sq.page.limit = 10;
  const auto entries = co_await ctx.store().money().statement(std::move(sq));
  if (!cash || !bal || !entries) co_return not_partner(ctx);
  view v{view::type::object};
  v.set("collected", yuan(cash->collected_fen));
  v.set("handed_in", yuan(cash->handed_in_fen));
  v.set("held", yuan(cash->held_fen));
  v.set("pending", yuan(bal->pending_fen));
  v.set("available", yuan(bal->available_fen));
  v.set("paid_out", yuan(bal->paid_out_fen));
  view rows{view::type::list};
  for (const auto& e : entries->items) {
    view r{view::type::object};
    r.set("at", china_time(e.created_at));
    if (e.order_id) r.set("order_id", std::to_string(*e.order_id));
    r.set("amount", yuan(e.amount_fen));
    rows.push_back(r);
  }
  v.set("entries", rows);
  v.set("has_entries", view(!entries->items.empty()));
  co_return ctx.pages.render(ctx, http::status::ok, "station_cash", ctx.t("station.cash"), std::move(v));
}

}  // namespace

void add_parcel_pages(page_table& t) {
  t.add(http::verb::get, "/station/parcels", {parcels_get, true});
  t.add(http::verb::get, "/station/parcels/print", {parcels_print, true});
  t.add(http::verb::get, "/station/parcels/{id}", {parcel_get, true});
  t.add(http::verb::post, "/station/parcels/{id}/arrive", {arrive, true});
  t.add(http::verb::post, "/station/parcels/{id}/hand-over", {hand_over, true});
  t.add(http::verb::get, "/station/cash", {cash_get, true});
}

}  // namespace cunji::server::web
