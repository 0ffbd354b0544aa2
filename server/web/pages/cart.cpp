// The cart (a cookie, server/web/cart.hpp) and checkout: /cart, /cart/add, /cart/update,
// /cart/remove, /cart/checkout. Checkout is ONE purchase through the use case of
// POST /v1/purchases, under the form's random key as its Idempotency-Key: a double submit
// places it once.
#include <charconv>

#include "core/order.hpp"
#include "core/station.hpp"
#include "server/app.hpp"
#include "server/crypto.hpp"
#include "server/web/page_app.hpp"
#include "server/web/pages/page_views.hpp"
#include "server/web/view_format.hpp"
#include "storage/store.hpp"

namespace cunji::server::web {

namespace {

constexpr std::size_t address_max = 200;

struct checkout_input {
  std::string delivery = "address";
  std::string address;
  std::vector<field_error> errors;  // as the API names them
  std::string form_error;
};

std::string line_message(const page_context& ctx, const field_error& e) {
  return std::string(ctx.t("form.invalid")) + " (" + e.field + ": " + e.message + ")";
}

net::awaitable<response> render_cart(page_context& ctx, http::status st, const checkout_input& in,
                                     std::string_view notice = {}) {
  view lines{view::type::list};
  std::int64_t subtotal = 0;
  for (const auto& l : ctx.cart) {
    const auto found = co_await ctx.store().catalog().find_listing(l.listing_id, ctx.me);
    view v{view::type::object};
    v.set("id", std::to_string(l.listing_id));
    v.set("quantity", std::to_string(l.quantity));
    if (found) {
      v.set("title", short_text(found->title, 24));
      v.set("price", price_per_unit(ctx.lang, found->price_fen, found->unit));
      v.set("line_total", yuan(found->price_fen * l.quantity));
      v.set("gone", view(found->status != listing_status::active || found->stock < l.quantity));
      subtotal += found->price_fen * l.quantity;
    } else {
      v.set("title", "#" + std::to_string(l.listing_id));
      v.set("gone", view(true));
    }
    lines.push_back(v);
  }
  view v{view::type::object};
  v.set("lines", lines);
  v.set("has_lines", view(!ctx.cart.empty()));
  v.set("subtotal", yuan(subtotal));
  v.set("checkout_key", new_form_key());
  v.set("station", view(in.delivery == "station_pickup"));
  v.set("address", in.address);
  if (!notice.empty()) v.set("notice", std::string(notice));
  if (!in.form_error.empty()) v.set("form_error", in.form_error);
  view line_errors{view::type::list};
  for (const auto& e : in.errors) {
    if (e.field == "delivery.address") v.set("address_error", std::string(ctx.t("form.required")));
    else line_errors.push_back(line_message(ctx, e));
  }
  v.set("line_errors", line_errors);
  co_return ctx.pages.render(ctx, st, "cart", ctx.t("cart.title"), std::move(v));
}

net::awaitable<response> cart_get(page_context& ctx) {
  const checkout_input none;
  co_return co_await render_cart(ctx, http::status::ok, none);
}

// listing_id and quantity of a cart form; nullopt when either is bad.
std::optional<cart_line> read_line(const page_context& ctx) {
  cart_line l;
  if (!parse_quantity(ctx.body.str("quantity"), l.quantity)) return std::nullopt;
  const auto id = ctx.body.str("listing_id");
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
  if (id.empty() || ec != std::errc{} || p != id.data() + id.size() || v <= 0) return std::nullopt;
  l.listing_id = v;
  return l;
}

net::awaitable<response> cart_add(page_context& ctx) {
  const auto line = read_line(ctx);
  if (!line) {
    std::int64_t id = 0;
    const auto s = ctx.body.str("listing_id");
    std::from_chars(s.data(), s.data() + s.size(), id);
    std::string typed(ctx.body.str("quantity"));
    std::string message(ctx.t("form.quantity"));
    co_return co_await render_listing(ctx, id, http::status::unprocessable_entity, std::move(typed),
                                      std::move(message));
  }
  const auto found = co_await ctx.store().catalog().find_listing(line->listing_id, ctx.me);
  if (!found) co_return ctx.pages.error_page(ctx, http::status::not_found, "error.not_found");
  auto lines = ctx.cart;
  bool merged = false;
  for (auto& l : lines)
    if (l.listing_id == line->listing_id) {
      l.quantity = std::min(max_line_quantity, l.quantity + line->quantity);
      merged = true;
    }
  if (!merged) {
    if (lines.size() >= cart_lines_max) {
      const checkout_input none;
      std::string full(ctx.t("cart.full"));
      co_return co_await render_cart(ctx, http::status::unprocessable_entity, none, std::move(full));
    }
    lines.push_back(*line);
  }
  ctx.save_cart(lines);
  co_return ctx.pages.redirect(ctx, "/cart");
}

// One form for the whole cart: `q<listing id>` sets each line's quantity; the `remove` button
// of a line (its listing id) drops it instead.
net::awaitable<response> cart_update(page_context& ctx) {
  auto lines = ctx.cart;
  if (const auto remove = ctx.body.get("remove")) {
    std::erase_if(lines, [&](const cart_line& l) { return std::to_string(l.listing_id) == *remove; });
  } else {
    for (auto& l : lines) {
      const auto typed = ctx.body.get("q" + std::to_string(l.listing_id));
      if (!typed) continue;
      if (!parse_quantity(*typed, l.quantity)) {
        checkout_input in;
        in.form_error = std::string(ctx.t("form.quantity"));
        co_return co_await render_cart(ctx, http::status::unprocessable_entity, in);
      }
    }
  }
  ctx.save_cart(lines);
  co_return ctx.pages.redirect(ctx, "/cart");
}

std::uint64_t random_u64() {
  std::uint64_t random = 0;
  for (const auto b : random_bytes(sizeof random)) random = random << 8 | b;
  return random;
}

net::awaitable<response> checkout(page_context& ctx) {
  checkout_input in;
  in.delivery = ctx.body.str("delivery") == "station_pickup" ? "station_pickup" : "address";
  in.address = std::string(ctx.body.str("address"));
  const auto key = ctx.body.str("key");
  if (ctx.cart.empty()) co_return ctx.pages.redirect(ctx, "/cart");
  if (key.empty() || key.size() > 255) {
    in.form_error = std::string(ctx.t("error.forbidden"));
    co_return co_await render_cart(ctx, http::status::unprocessable_entity, in);
  }
  storage::place_purchase_request r;
  r.caller = *ctx.me;
  for (const auto& l : ctx.cart) r.lines.push_back({l.listing_id, l.quantity});
  r.delivery = in.delivery == "station_pickup" ? delivery_method::station_pickup : delivery_method::address;
  if (r.delivery == delivery_method::address) {
    if (in.address.empty()) r.invalid.push_back({"delivery.address", "is required for address delivery"});
    else if (auto m = check_text(in.address, address_max, true)) r.invalid.push_back({"delivery.address", *m});
    else r.address = in.address;
  }
  r.now = ctx.now();
  for (std::size_t i = 0; i < r.lines.size(); ++i) r.pickup_codes.push_back(pickup_code_from(random_u64()));
  // What the form asks for, so that the same key with another cart is refused, not replayed.
  const auto digest = sha256(format_cart(ctx.cart) + "|" + in.delivery + "|" + in.address);
  storage::idempotency_key k{ctx.me->id, "PAGE POST /cart/checkout", std::string(key), digest};
  storage::renderer<purchase> render = [](const result<purchase>& p) {
    return p ? page_answer(201, std::to_string(p->id)) : page_problem(p.err());
  };
  std::optional<storage::idempotency_key> key_opt = std::move(k);
  const auto a = co_await ctx.store().purchases().place(std::move(r), std::move(key_opt), std::move(render));
  if (a.status == 201) {
    ctx.save_cart({});
    co_return ctx.pages.redirect(ctx, "/orders?purchase=" + a.body);
  }
  std::string detail;
  in.errors = answer_errors(a, &detail);
  in.form_error = std::string(ctx.t(a.status == 409 ? "error.conflict" : "error.form"));
  if (a.status == 409) in.form_error += detail;
  const auto st = static_cast<http::status>(a.status);
  co_return co_await render_cart(ctx, st, in);
}

}  // namespace

void add_cart_pages(page_table& t) {
  t.add(http::verb::get, "/cart", {cart_get});
  t.add(http::verb::post, "/cart/add", {cart_add});
  t.add(http::verb::post, "/cart/update", {cart_update});
  t.add(http::verb::post, "/cart/checkout", {checkout, true});
}

}  // namespace cunji::server::web
