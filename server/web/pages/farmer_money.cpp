// The farmers' sales and money pages: /my/sales (orders paid and waiting to be shipped),
// /my/sales/{id} with its ship form (the use case of POST /v1/orders/{id}/ship, under the
// form's key), and /my/balance (GET /v1/balances/me and GET /v1/statements/me).
#include "core/policy.hpp"
#include "core/text.hpp"
#include "server/app.hpp"
#include "server/query_params.hpp"
#include "server/web/pages/farmer.hpp"
#include "server/web/pages/page_views.hpp"
#include "server/web/view_format.hpp"
#include "storage/store.hpp"

namespace cunji::server::web {

namespace {

constexpr std::size_t tracking_max = 100;  // as POST /v1/orders/{id}/ship

std::string delivery_text(const page_context& ctx, const order& o) {
  if (o.delivery == delivery_method::address) return std::string(ctx.t("cart.to_address"));
  return std::string(ctx.t("cart.station"));
}

net::awaitable<response> sales_list(page_context& ctx) {
  if (!can_open_shop(*ctx.me)) co_return ctx.pages.error_page(ctx, http::status::forbidden, "error.forbidden");
  query_params qp(ctx.req.target());
  storage::order_list_filter f;
  f.caller = *ctx.me;
  f.as = storage::order_view::seller;
  f.status = order_status::paid;
  if (qp.str("cursor"))
    if (auto c = qp.cursor_for("o", 1)) f.page.after = c->keys;
  const auto page = co_await ctx.store().orders().list(std::move(f));
  if (!page) co_return ctx.pages.error_page(ctx, http::status::forbidden, "error.forbidden");
  view rows{view::type::list};
  for (const auto& o : page->items) {
    view v{view::type::object};
    v.set("id", std::to_string(o.id));
    v.set("placed_at", china_time(o.created_at));
    v.set("summary", o.items.empty() ? std::string() : short_text(o.items.front().title, 30));
    v.set("delivery", delivery_text(ctx, o));
    v.set("total", yuan(o.money.total_fen));
    rows.push_back(v);
  }
  view v{view::type::object};
  v.set("orders", rows);
  v.set("has_orders", view(!page->items.empty()));
  if (ctx.query("shipped")) v.set("notice", std::string(ctx.t("farm.shipped_ok")));
  if (auto next = next_cursor("o", page->next_keys)) v.set("next_href", with_param(ctx.req.target(), "cursor", *next));
  co_return ctx.pages.render(ctx, http::status::ok, "farm_sales", ctx.t("farm.sales_title"), std::move(v));
}

struct ship_form {
  std::string tracking, tracking_error, form_error;
};

// The order if the visitor manages its shop (a buyer of it may see it, but not here).
net::awaitable<response> render_sale(page_context& ctx, http::status st, const ship_form& in) {
  const auto o = co_await ctx.store().orders().get(ctx.path_id().value_or(0), *ctx.me);
  if (!o) co_return ctx.pages.error_page(ctx, http::status::not_found, "error.not_found");
  auto m = co_await find_managed_shop(ctx, o->shop_id);
  if (m.stop) co_return std::move(*m.stop);
  view items{view::type::list};
  for (const auto& i : o->items) {
    view v{view::type::object};
    v.set("title", short_text(i.title, 40));
    v.set("quantity", std::to_string(i.quantity));
    v.set("unit", std::string(unit_word(ctx.lang, i.unit)));
    v.set("line_total", yuan(i.line_total_fen));
    items.push_back(v);
  }
  view v{view::type::object};
  v.set("id", std::to_string(o->id));
  v.set("shop_name", m.s->name);
  v.set("status", std::string(status_word(ctx.lang, o->status)));
  v.set("items", items);
  v.set("total", yuan(o->money.total_fen));
  v.set("placed_at", china_time(o->created_at));
  v.set("delivery", delivery_text(ctx, o.value()));
  if (o->address) v.set("address", *o->address);
  if (o->tracking) v.set("tracking_sent", *o->tracking);
  v.set("can_ship", view(o->status == order_status::paid));
  v.set("form_key", new_form_key());
  v.set("tracking", in.tracking);
  if (!in.tracking_error.empty()) v.set("tracking_error", in.tracking_error);
  if (!in.form_error.empty()) v.set("form_error", in.form_error);
  co_return ctx.pages.render(ctx, st, "farm_sale", std::string(ctx.t("order.title")) + " #" + std::to_string(o->id),
                             std::move(v));
}

// Not a temporary: GCC 12 destroys a braced temporary argument of a coroutine call twice.
const ship_form no_ship_form{};

net::awaitable<response> sale_get(page_context& ctx) {
  co_return co_await render_sale(ctx, http::status::ok, no_ship_form);
}

net::awaitable<response> sale_ship(page_context& ctx) {
  const auto id = ctx.path_id().value_or(0);
  ship_form in{std::string(text::trim(ctx.body.str("tracking"))), {}, {}};
  auto key = farm_form_key(ctx, "PAGE POST /my/sales/" + std::to_string(id) + "/ship", in.tracking);
  if (!key) co_return ctx.pages.error_page(ctx, http::status::forbidden, "error.forbidden");
  storage::transition_request tr;
  tr.order_id = id;
  tr.action = order_action::ship;
  tr.caller = *ctx.me;
  tr.now = ctx.now();
  if (!in.tracking.empty()) tr.tracking = in.tracking;
  if (auto bad = check_text(in.tracking, tracking_max)) tr.invalid.push_back({"tracking", *bad});
  storage::renderer<order> render = [](const result<order>& r) {
    return r ? page_answer(200, std::to_string(r->id)) : page_problem(r.err());
  };
  const auto a = co_await ctx.store().orders().transition(std::move(tr), std::move(key), std::move(render));
  if (a.status == 200) co_return ctx.pages.redirect(ctx, "/my/sales?shipped=" + std::to_string(id));
  if (a.status == 404) co_return ctx.pages.error_page(ctx, http::status::not_found, "error.not_found");
  if (a.status == 403) co_return ctx.pages.error_page(ctx, http::status::forbidden, "error.forbidden");
  std::string detail;
  for (const auto& e : answer_errors(a, &detail))
    if (e.field == "tracking") in.tracking_error = std::string(ctx.t("form.too_long"));
  in.form_error = std::string(ctx.t(a.status == 422 ? "error.form" : "error.conflict"));
  if (a.status != 422) in.form_error += detail;
  co_return co_await render_sale(ctx, static_cast<http::status>(a.status), in);
}

// "payment_pending" -> the words of the entry kind and of its account.
std::string kind_text(const page_context& ctx, std::string_view kind) {
  const auto cut = kind.rfind('_');
  const auto what = "ledger." + std::string(kind.substr(0, cut));
  const auto where = "ledger." + std::string(cut == std::string_view::npos ? "" : kind.substr(cut + 1));
  std::string out(has_message(what) ? ctx.t(what) : kind);
  if (has_message(where)) out += " · " + std::string(ctx.t(where));
  return out;
}

net::awaitable<response> balance_get(page_context& ctx) {
  if (!has_balance(*ctx.me)) co_return ctx.pages.error_page(ctx, http::status::forbidden, "error.forbidden");
  const auto b = co_await ctx.store().money().balance_of(*ctx.me);
  if (!b) co_return ctx.pages.error_page(ctx, http::status::forbidden, "error.forbidden");
  query_params qp(ctx.req.target());
  storage::statement_query sq;
  sq.caller = *ctx.me;
  if (qp.str("cursor"))
    if (auto c = qp.cursor_for("st", 1)) sq.page.after = c->keys;
  const auto st = co_await ctx.store().money().statement(std::move(sq));
  if (!st) co_return ctx.pages.error_page(ctx, http::status::forbidden, "error.forbidden");
  view rows{view::type::list};
  for (const auto& e : st->items) {
    view v{view::type::object};
    v.set("at", china_time(e.created_at));
    v.set("kind", kind_text(ctx, e.kind));
    v.set("amount", yuan(e.amount_fen));
    if (e.order_id) v.set("order_id", std::to_string(*e.order_id));
    rows.push_back(v);
  }
  view v{view::type::object};
  v.set("pending", yuan(b->pending_fen));
  v.set("available", yuan(b->available_fen));
  v.set("paid_out", yuan(b->paid_out_fen));
  v.set("entries", rows);
  v.set("has_entries", view(!st->items.empty()));
  if (auto next = next_cursor("st", st->next_keys)) v.set("next_href", with_param(ctx.req.target(), "cursor", *next));
  co_return ctx.pages.render(ctx, http::status::ok, "farm_balance", ctx.t("farm.balance_title"), std::move(v));
}

}  // namespace

void add_farmer_money_pages(page_table& t) {
  t.add(http::verb::get, "/my/sales", {sales_list, true});
  t.add(http::verb::get, "/my/sales/{id}", {sale_get, true});
  t.add(http::verb::post, "/my/sales/{id}/ship", {sale_ship, true});
  t.add(http::verb::get, "/my/balance", {balance_get, true});
}

}  // namespace cunji::server::web
