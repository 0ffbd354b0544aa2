// My orders: /orders (status and the pickup code of station pickups), /orders/{id}, paying with
// Alipay (/orders/{id}/pay: the signed mobile-web pay URL, then 303 to it; the order shows
// "awaiting payment" until Alipay's notification arrives) and asking for a return
// (/orders/{id}/returns). The same use cases as the /v1 routes.
#include "core/order_return.hpp"
#include "server/app.hpp"
#include "server/crypto.hpp"
#include "server/query_params.hpp"
#include "server/web/page_app.hpp"
#include "server/web/pages/page_views.hpp"
#include "server/web/view_format.hpp"
#include "storage/store.hpp"

namespace cunji::server::web {

namespace {

// The code is shown to the placer (as GET /v1/orders/{id} does: core/policy can_see_pickup_code).
bool shows_pickup_code(const order& o) {
  return o.delivery == delivery_method::station_pickup && o.pickup_code &&
         (o.status == order_status::paid || o.status == order_status::shipped || o.status == order_status::at_station);
}

std::string summary(const order& o) {
  if (o.items.empty()) return "";
  auto s = o.items.front().title;
  if (o.items.size() > 1) s += " +" + std::to_string(o.items.size() - 1);
  return s;
}

net::awaitable<response> orders_list(page_context& ctx) {
  query_params qp(ctx.req.target());
  storage::order_list_filter f;
  f.caller = *ctx.me;
  f.as = storage::order_view::buyer;
  if (qp.str("cursor"))
    if (auto c = qp.cursor_for("o", 1)) f.page.after = c->keys;
  const auto page = co_await ctx.store().orders().list(std::move(f));
  if (!page) co_return ctx.pages.error_page(ctx, http::status::forbidden, "error.forbidden");
  view rows{view::type::list};
  for (const auto& o : page->items) {
    view v{view::type::object};
    v.set("id", std::to_string(o.id));
    v.set("placed_at", china_time(o.created_at));
    v.set("summary", summary(o));
    v.set("status", std::string(status_word(ctx.lang, o.status)));
    if (shows_pickup_code(o)) v.set("pickup_code", *o.pickup_code);
    v.set("total", yuan(o.money.total_fen));
    rows.push_back(v);
  }
  view v{view::type::object};
  v.set("orders", rows);
  v.set("has_orders", view(!page->items.empty()));
  if (ctx.query("purchase")) v.set("notice", std::string(ctx.t("order.placed_ok")));
  if (auto next = next_cursor("o", page->next_keys)) v.set("next_href", with_param(ctx.req.target(), "cursor", *next));
  co_return ctx.pages.render(ctx, http::status::ok, "orders", ctx.t("orders.title"), std::move(v));
}

struct order_form {
  std::string reason;
  std::string reason_error;
  std::string form_error;
};

const order_form no_form{};

net::awaitable<response> render_order(page_context& ctx, http::status st, const order_form& in = no_form) {
  const auto o = co_await ctx.store().orders().get(ctx.path_id().value_or(0), *ctx.me);
  if (!o) co_return ctx.pages.error_page(ctx, http::status::not_found, "error.not_found");
  view items{view::type::list};
  for (const auto& i : o->items) {
    view v{view::type::object};
    v.set("listing_id", std::to_string(i.listing_id));
    v.set("title", i.title);
    v.set("price", price_per_unit(ctx.lang, i.unit_price_fen, i.unit));
    v.set("quantity", std::to_string(i.quantity));
    v.set("line_total", yuan(i.line_total_fen));
    items.push_back(v);
  }
  view v{view::type::object};
  v.set("id", std::to_string(o->id));
  v.set("status", std::string(status_word(ctx.lang, o->status)));
  v.set("awaiting", view(o->status == order_status::placed));
  if (shows_pickup_code(o.value())) v.set("pickup_code", *o->pickup_code);
  v.set("items", items);
  v.set("delivery_fee", yuan(o->money.delivery_fee_fen));
  v.set("total", yuan(o->money.total_fen));
  v.set("placed_at", china_time(o->created_at));
  if (o->address) v.set("address", *o->address);
  if (o->tracking) v.set("tracking", *o->tracking);
  const bool mine = o->placed_by == ctx.me->id;
  const bool can_pay = mine && o->status == order_status::placed && ctx.app.config().alipay;
  v.set("can_pay", view(can_pay));
  v.set("can_return", view(mine && o->status == order_status::delivered && o->delivered_at &&
                           ctx.now() < *o->delivered_at + return_window_s));
  v.set("action_key", new_form_key());
  v.set("reason", in.reason);
  if (!in.reason_error.empty()) v.set("reason_error", in.reason_error);
  if (!in.form_error.empty()) v.set("form_error", in.form_error);
  if (can_pay) ctx.extra_form_action = ctx.app.config().alipay->browser_pay_origin();
  co_return ctx.pages.render(ctx, st, "order", std::string(ctx.t("order.title")) + " #" + std::to_string(o->id),
                             std::move(v));
}

net::awaitable<response> order_get(page_context& ctx) { co_return co_await render_order(ctx, http::status::ok); }

std::optional<storage::idempotency_key> form_key(const page_context& ctx, std::string scope, std::string_view what) {
  const auto key = ctx.body.str("key");
  if (key.empty() || key.size() > 255) return std::nullopt;
  return storage::idempotency_key{ctx.me->id, std::move(scope), std::string(key), sha256(what)};
}

// Signs the wap pay URL for the order's total (off the I/O thread), then records the pending
// payment under the form's key: a second tap gets the same URL back.
net::awaitable<response> order_pay(page_context& ctx) {
  const auto id = ctx.path_id().value_or(0);
  const auto* alipay = ctx.app.config().alipay.get();
  if (!alipay) co_return ctx.pages.error_page(ctx, http::status::service_unavailable, "error.payments");
  auto key = form_key(ctx, "PAGE POST /orders/" + std::to_string(id) + "/pay", "alipay");
  if (!key) co_return ctx.pages.error_page(ctx, http::status::forbidden, "error.forbidden");
  if (auto stored = co_await ctx.store().stored_answer(*key); stored && stored->status == 202)
    co_return ctx.pages.redirect(ctx, stored->body);
  const auto o = co_await ctx.store().orders().get(id, *ctx.me);
  if (!o) co_return ctx.pages.error_page(ctx, http::status::not_found, "error.not_found");
  if (o->status != order_status::placed) co_return ctx.pages.redirect(ctx, "/orders/" + std::to_string(id));
  storage::pay_request r;
  r.caller = *ctx.me;
  r.order_id = id;
  r.method = payment_method::alipay;
  r.now = ctx.now();
  r.out_trade_no = new_out_trade_no();
  r.signed_amount_fen = o->money.total_fen;
  const auto timeout = (co_await ctx.store().money().fee_schedule_in_force()).unpaid_timeout_minutes * 60;
  if (o->created_at + timeout <= r.now) co_return ctx.pages.redirect(ctx, "/orders/" + std::to_string(id));
  payments::pay_order po{r.out_trade_no, o->money.total_fen, "村集订单 " + std::to_string(o->id), r.now,
                         o->created_at + timeout};
  // Alipay sends the buyer back to the order, which says "awaiting payment" until its
  // notification confirms the payment (the parameters of the return are not trusted).
  const auto& origin = ctx.app.config().public_origin;
  auto back = origin.empty() ? std::string() : origin + "/orders/" + std::to_string(id);
  auto sign = [alipay, po = std::move(po), back = std::move(back)]() -> std::optional<std::string> {
    auto url = alipay->browser_pay_url(po, back);
    if (url) return std::move(url.value());
    std::fprintf(stderr, "alipay: cannot sign a payment request: %s\n", url.err().detail.c_str());
    return std::nullopt;
  };
  auto url = co_await ctx.app.on_cpu(std::move(sign));
  if (!url) co_return ctx.pages.error_page(ctx, http::status::service_unavailable, "error.payments");
  storage::renderer<storage::pay_outcome> render = [u = *url](const result<storage::pay_outcome>& res) {
    return res ? page_answer(202, u) : page_problem(res.err());
  };
  const auto a = co_await ctx.store().payments().pay(std::move(r), std::move(key), std::move(render));
  if (a.status == 202) co_return ctx.pages.redirect(ctx, a.body);
  std::string detail;
  answer_errors(a, &detail);
  const order_form failed{{}, {}, std::string(ctx.t("error.conflict")) + detail};
  const auto st = static_cast<http::status>(a.status);
  co_return co_await render_order(ctx, st, failed);
}

net::awaitable<response> ask_return(page_context& ctx) {
  const auto id = ctx.path_id().value_or(0);
  order_form in;
  in.reason = std::string(ctx.body.str("reason"));
  auto key = form_key(ctx, "PAGE POST /orders/" + std::to_string(id) + "/returns", in.reason);
  storage::return_request r;
  r.caller = *ctx.me;
  r.order_id = id;
  r.reason = in.reason;
  if (auto m = check_text(in.reason, max_return_reason_chars, true)) r.invalid.push_back({"reason", *m});
  r.now = ctx.now();
  storage::renderer<cunji::order_return> render = [](const result<cunji::order_return>& res) {
    return res ? page_answer(201, std::to_string(res->id)) : page_problem(res.err());
  };
  const auto a = co_await ctx.store().returns().open(std::move(r), std::move(key), std::move(render));
  if (a.status == 201) co_return ctx.pages.redirect(ctx, "/orders/" + std::to_string(id));
  std::string detail;
  const auto errors = answer_errors(a, &detail);
  for (const auto& e : errors)
    if (e.field == "reason") in.reason_error = std::string(ctx.t("form.required"));
  in.form_error = std::string(ctx.t(a.status == 422 ? "error.form" : "error.conflict"));
  if (a.status != 422) in.form_error += detail;
  const auto st = static_cast<http::status>(a.status);
  co_return co_await render_order(ctx, st, in);
}

}  // namespace

void add_order_pages(page_table& t) {
  t.add(http::verb::get, "/orders", {orders_list, true});
  t.add(http::verb::get, "/orders/{id}", {order_get, true});
  t.add(http::verb::post, "/orders/{id}/pay", {order_pay, true});
  t.add(http::verb::post, "/orders/{id}/returns", {ask_return, true});
}

}  // namespace cunji::server::web
