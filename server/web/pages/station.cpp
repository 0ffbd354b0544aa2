// The partners' station console, ordering side: /station (find a villager by a prefix of the
// name or the phone, the use case of GET /v1/villagers), /station/villagers (register one, that
// of POST /v1/villagers), /station/villagers/{id}/order (the cart as ONE purchase for the
// villager, that of POST /v1/purchases with villager_id, under the form's key) and
// /station/purchases/{id} (cash taken at the station, that of the purchase's pay route with
// cash_at_station, under the form's key). Only partners (core/policy.hpp); pickup codes are
// never shown here: they are the villager's.
#include "core/station.hpp"
#include "core/account.hpp"
#include "core/policy.hpp"
#include "core/text.hpp"
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

constexpr std::size_t villager_prefix_max = 40;

bool is_partner(const page_context& ctx) { return ctx.me && can_manage_villagers(*ctx.me); }

response not_partner(page_context& ctx) {
  return ctx.pages.error_page(ctx, http::status::forbidden, "error.forbidden");
}

net::awaitable<response> station_home(page_context& ctx) {
  if (!is_partner(ctx)) co_return not_partner(ctx);
  query_params qp(ctx.req.target());
  const auto q = qp.str("q").value_or("");
  const auto trimmed = text::trim(q);
  view v{view::type::object};
  v.set("q", std::string(q));
  v.set("searched", view(ctx.query("q").has_value()));
  auto st = http::status::ok;
  view rows{view::type::list};
  if (const auto n = text::utf8_length(trimmed); !n || *n > villager_prefix_max) {
    v.set("q_error", std::string(ctx.t("form.too_long")));
    st = http::status::unprocessable_entity;
  } else {
    const auto page = co_await ctx.store().catalog().list_villagers(
        *ctx.me, std::string(phone_prefix_for_search(trimmed)), qp.page("vg"));
    if (!page) co_return not_partner(ctx);
    for (const auto& x : page->items) {
      view r{view::type::object};
      r.set("id", std::to_string(x.id));
      r.set("name", x.name);
      if (x.phone) r.set("phone", *x.phone);
      rows.push_back(r);
    }
    v.set("has_villagers", view(!page->items.empty()));
    if (auto next = next_cursor("vg", page->next_keys))
      v.set("next_href", with_param(ctx.req.target(), "cursor", *next));
  }
  v.set("villagers", rows);
  co_return ctx.pages.render(ctx, st, "station", ctx.t("station.title"), std::move(v));
}

struct villager_input {
  std::string name, phone;
  std::vector<field_error> errors;
};

response villager_form(page_context& ctx, http::status st, const villager_input& in) {
  view v{view::type::object};
  v.set("name", in.name);
  v.set("phone", in.phone);
  if (!in.errors.empty()) v.set("form_error", std::string(ctx.t("error.form")));
  for (const auto& e : in.errors)
    v.set(e.field + "_error", std::string(ctx.t(e.message == "is taken" ? "form.taken" : "form.invalid")));
  return ctx.pages.render(ctx, st, "villager_new", ctx.t("villager.title"), std::move(v));
}

net::awaitable<response> villager_new(page_context& ctx) {
  if (!is_partner(ctx)) co_return not_partner(ctx);
  co_return villager_form(ctx, http::status::ok, {});
}

net::awaitable<response> villager_create(page_context& ctx) {
  if (!is_partner(ctx)) co_return not_partner(ctx);
  villager_input in{std::string(ctx.body.str("name")), std::string(ctx.body.str("phone")), {}};
  const std::string name(text::trim(in.name));
  std::optional<std::string> phone;
  if (!text::trim(in.phone).empty()) phone = normalize_phone(in.phone);
  if (auto m = check_name(name)) in.errors.push_back({"name", *m});
  if (phone)
    if (auto m = check_phone(*phone)) in.errors.push_back({"phone", *m});
  if (!in.errors.empty()) co_return villager_form(ctx, http::status::unprocessable_entity, in);
  // A named request: GCC miscompiles a braced temporary inside co_await.
  storage::new_villager v{*ctx.me, name, std::move(phone), ctx.now()};
  auto res = co_await ctx.store().catalog().register_villager(std::move(v));
  if (!res) {
    in.errors = res.err().errors;
    if (in.errors.empty()) in.errors.push_back({"name", res.err().detail});
    co_return villager_form(ctx, status_of(res.err().code), in);
  }
  co_return ctx.pages.redirect(ctx, "/station/villagers/" + std::to_string(res->id) + "/order");
}

// A villager of the partner's village, by id (the list is by id: the first after id - 1).
net::awaitable<std::optional<villager>> find_villager(page_context& ctx, std::int64_t id) {
  storage::page_request p;
  p.after = {id - 1};
  p.limit = 1;
  auto page = co_await ctx.store().catalog().list_villagers(*ctx.me, "", p);
  if (!page || page->items.empty() || page->items.front().id != id) co_return std::nullopt;
  co_return page->items.front();
}

struct order_input {
  std::vector<field_error> errors;
  std::string form_error;
};

// Defaults of coroutine parameters are named objects: GCC mishandles a temporary there.
const order_input no_order_input{};

net::awaitable<response> render_order_for(page_context& ctx, http::status st, const order_input& in = no_order_input) {
  if (!is_partner(ctx)) co_return not_partner(ctx);
  const auto who = co_await find_villager(ctx, ctx.path_id().value_or(0));
  if (!who) co_return ctx.pages.error_page(ctx, http::status::not_found, "error.not_found");
  view lines{view::type::list};
  std::int64_t subtotal = 0;
  for (const auto& l : ctx.cart) {
    const auto found = co_await ctx.store().catalog().find_listing(l.listing_id, ctx.me);
    view v{view::type::object};
    v.set("quantity", std::to_string(l.quantity));
    v.set("title", found ? short_text(found->title, 24) : "#" + std::to_string(l.listing_id));
    if (found) {
      v.set("price", price_per_unit(ctx.lang, found->price_fen, found->unit));
      v.set("line_total", yuan(found->price_fen * l.quantity));
      subtotal += found->price_fen * l.quantity;
    }
    v.set("gone", view(!found || found->status != listing_status::active || found->stock < l.quantity));
    lines.push_back(v);
  }
  view v{view::type::object};
  v.set("villager_id", std::to_string(who->id));
  v.set("villager", who->name);
  if (who->phone) v.set("villager_phone", *who->phone);
  v.set("lines", lines);
  v.set("has_lines", view(!ctx.cart.empty()));
  v.set("subtotal", yuan(subtotal));
  v.set("checkout_key", new_form_key());
  if (!in.form_error.empty()) v.set("form_error", in.form_error);
  view errors{view::type::list};
  for (const auto& e : in.errors) errors.push_back(std::string(ctx.t("form.invalid")) + " (" + e.field + ")");
  v.set("line_errors", errors);
  co_return ctx.pages.render(ctx, st, "station_order", ctx.t("sorder.title"), std::move(v));
}

net::awaitable<response> order_for_get(page_context& ctx) {
  co_return co_await render_order_for(ctx, http::status::ok);
}

std::uint64_t random_u64() {
  std::uint64_t random = 0;
  for (const auto b : random_bytes(sizeof random)) random = random << 8 | b;
  return random;
}

net::awaitable<response> order_for_post(page_context& ctx) {
  if (!is_partner(ctx)) co_return not_partner(ctx);
  const auto villager_id = ctx.path_id().value_or(0);
  const auto key = ctx.body.str("key");
  if (ctx.cart.empty())
    co_return ctx.pages.redirect(ctx, "/station/villagers/" + std::to_string(villager_id) + "/order");
  if (key.empty() || key.size() > 255) co_return ctx.pages.error_page(ctx, http::status::forbidden, "error.forbidden");
  storage::place_purchase_request r;
  r.caller = *ctx.me;
  for (const auto& l : ctx.cart) r.lines.push_back({l.listing_id, l.quantity});
  r.delivery = delivery_method::station_pickup;
  r.villager_id = villager_id;
  r.now = ctx.now();
  for (std::size_t i = 0; i < r.lines.size(); ++i) r.pickup_codes.push_back(pickup_code_from(random_u64()));
  // What the form asks for, so that the same key with another cart is refused, not replayed.
  const auto digest = sha256(format_cart(ctx.cart) + "|villager " + std::to_string(villager_id));
  storage::renderer<purchase> render = [](const result<purchase>& p) {
    return p ? page_answer(201, std::to_string(p->id)) : page_problem(p.err());
  };
  std::optional<storage::idempotency_key> k = storage::idempotency_key{
      ctx.me->id, "PAGE POST /station/villagers/checkout", std::string(key), digest};
  const auto a = co_await ctx.store().purchases().place(std::move(r), std::move(k), std::move(render));
  if (a.status == 201) {
    ctx.save_cart({});
    co_return ctx.pages.redirect(ctx, "/station/purchases/" + a.body);
  }
  order_input in;
  std::string detail;
  in.errors = answer_errors(a, &detail);
  in.form_error = std::string(ctx.t(a.status == 422 ? "error.form" : "error.conflict"));
  if (a.status != 422) in.form_error += detail;
  co_return co_await render_order_for(ctx, static_cast<http::status>(a.status), in);
}

std::string summary(const order& o) {
  if (o.items.empty()) return "";
  auto s = short_text(o.items.front().title, 24);
  if (o.items.size() > 1) s += " +" + std::to_string(o.items.size() - 1);
  return s;
}

net::awaitable<response> render_purchase(page_context& ctx, http::status st, std::string form_error) {
  if (!is_partner(ctx)) co_return not_partner(ctx);
  const auto id = ctx.path_id().value_or(0);
  const auto p = co_await ctx.store().purchases().get(id, *ctx.me);
  if (!p || p->placed_by != ctx.me->id) co_return ctx.pages.error_page(ctx, http::status::not_found, "error.not_found");
  view rows{view::type::list};
  std::int64_t to_collect = 0;
  for (const auto& o : p->orders) {
    view v{view::type::object};
    v.set("id", std::to_string(o.id));
    v.set("summary", summary(o));
    v.set("status", std::string(status_word(ctx.lang, o.status)));
    v.set("total", yuan(o.money.total_fen));
    if (o.status == order_status::placed) to_collect += o.money.total_fen;
    rows.push_back(v);
  }
  view v{view::type::object};
  v.set("id", std::to_string(p->id));
  v.set("orders", rows);
  v.set("can_pay", view(to_collect > 0));
  v.set("to_collect", yuan(to_collect));
  v.set("pay_key", new_form_key());
  if (ctx.query("paid")) v.set("notice", std::string(ctx.t("purchase.paid")));
  if (!form_error.empty()) v.set("form_error", std::move(form_error));
  co_return ctx.pages.render(ctx, st, "station_purchase", ctx.t("purchase.title"), std::move(v));
}

net::awaitable<response> purchase_get(page_context& ctx) {
  co_return co_await render_purchase(ctx, http::status::ok, "");
}

net::awaitable<response> take_cash(page_context& ctx) {
  if (!is_partner(ctx) || !can_take_cash(*ctx.me)) co_return not_partner(ctx);
  const auto id = ctx.path_id().value_or(0);
  const auto key = ctx.body.str("key");
  if (key.empty() || key.size() > 255) co_return ctx.pages.error_page(ctx, http::status::forbidden, "error.forbidden");
  storage::pay_purchase_request r;
  r.caller = *ctx.me;
  r.purchase_id = id;
  r.method = payment_method::cash_at_station;
  r.now = ctx.now();
  std::optional<storage::idempotency_key> k = storage::idempotency_key{
      ctx.me->id, "PAGE POST /station/purchases/" + std::to_string(id) + "/cash", std::string(key), sha256("cash")};
  storage::renderer<storage::purchase_pay_outcome> render = [](const result<storage::purchase_pay_outcome>& res) {
    return res ? page_answer(200, "paid") : page_problem(res.err());
  };
  const auto a = co_await ctx.store().purchases().pay(std::move(r), std::move(k), std::move(render));
  if (a.status == 200) co_return ctx.pages.redirect(ctx, "/station/purchases/" + std::to_string(id) + "?paid=1");
  std::string detail;
  answer_errors(a, &detail);
  co_return co_await render_purchase(ctx, static_cast<http::status>(a.status),
                                     std::string(ctx.t("error.conflict")) + detail);
}

}  // namespace

void add_station_pages(page_table& t) {
  t.add(http::verb::get, "/station", {station_home, true});
  t.add(http::verb::get, "/station/villagers/new", {villager_new, true});
  t.add(http::verb::post, "/station/villagers", {villager_create, true});
  t.add(http::verb::get, "/station/villagers/{id}/order", {order_for_get, true});
  t.add(http::verb::post, "/station/villagers/{id}/checkout", {order_for_post, true});
  t.add(http::verb::get, "/station/purchases/{id}", {purchase_get, true});
  t.add(http::verb::post, "/station/purchases/{id}/cash", {take_cash, true});
}

}  // namespace cunji::server::web
