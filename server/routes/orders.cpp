// Orders and purchases (one checkout across shops, one order per shop): placement (idempotent),
// the lifecycle moves, and lists. Paying is in routes/payments.cpp.
#include "storage/orders.hpp"
#include "core/account.hpp"
#include "core/policy.hpp"
#include "core/station.hpp"
#include "server/app.hpp"
#include "server/crypto.hpp"
#include "server/idempotency.hpp"
#include "server/json_input.hpp"
#include "server/json_output.hpp"
#include "server/problem.hpp"
#include "server/query_params.hpp"
#include "storage/purchases.hpp"

namespace cunji::server {

namespace {

constexpr std::size_t address_max = 200;
constexpr std::size_t tracking_max = 100;
constexpr std::size_t reason_max = 500;

// Renders an order's outcome: `ok` with the order, or its problem.
storage::renderer<order> order_answer(http::status ok) {
  return answer_with<order>(
      [ok](const result<order>& r) { return r ? json_response(ok, to_json(r.value())) : problem(r.err()); });
}

// Reads `delivery` and `villager_id` of an order or a purchase into `r`; errors go into `f`.
template <class Request>
void read_terms(fields& f, const account& caller, Request& r) {
  if (const auto* d = f.object("delivery", true)) {
    fields del(*d, {"method", "address", "station_village_id"});
    const auto method = del.str("method", true);
    if (method) {
      if (auto m = parse_delivery_method(*method)) r.delivery = *m;
      else del.add("method", "must be station_pickup or address");
    }
    r.address = del.str("address", false);
    r.station_village_id = del.integer("station_village_id", false);
    if (r.delivery == delivery_method::address) {
      if (!r.address) del.add("address", "is required for address delivery");
      else del.check("address", check_text(*r.address, address_max, true));
    } else {
      r.address.reset();  // ignored for station pickup
    }
    for (auto& e : del.errors()) f.add("delivery." + e.field, e.message);
  }
  r.villager_id = f.id("villager_id", false);
  if (r.villager_id && !can_order_for_villagers(caller)) f.add("villager_id", "only partners order for villagers");
}

// Reads `name` (`items` of an order, `lines` of a purchase): 1..50 lines of listing and quantity.
std::vector<storage::order_line_request> read_lines(fields& f, const char* name) {
  std::vector<storage::order_line_request> out;
  if (const auto* items = f.array(name, true)) {
    if (items->empty() || items->size() > max_order_items) f.add(name, "must hold 1..50 lines");
    for (std::size_t i = 0; i < items->size() && i < max_order_items; ++i) {
      const auto prefix = std::string(name) + "[" + std::to_string(i) + "]";
      if (!(*items)[i].is_object()) {
        f.add(prefix, "must be an object");
        continue;
      }
      fields line((*items)[i].get_object(), {"listing_id", "quantity"});
      const auto listing_id = line.id("listing_id", true);
      const auto quantity = line.integer("quantity", true, 1, max_line_quantity);
      for (auto& e : line.errors()) f.add(prefix + "." + e.field, e.message);
      if (listing_id && quantity) out.push_back({*listing_id, *quantity});
    }
  }
  return out;
}

std::uint64_t random_u64() {
  std::uint64_t random = 0;
  for (const auto b : random_bytes(sizeof random)) random = random << 8 | b;
  return random;
}

// Reads POST /v1/orders; field errors go into `f`.
storage::place_order_request read_placement(fields& f, const account& caller) {
  storage::place_order_request r;
  r.caller = caller;
  r.shop_id = f.id("shop_id", true).value_or(0);
  r.items = read_lines(f, "items");
  read_terms(f, caller, r);
  return r;
}

net::awaitable<response> place(context& ctx) {
  auto key = read_idempotency(ctx);
  if (!key) co_return problem(key.err());
  fields f(ctx.body_object(), {"shop_id", "items", "delivery", "villager_id"});
  auto req = read_placement(f, *ctx.caller);
  req.invalid = std::move(f.errors());
  req.now = ctx.now();
  req.pickup_code = pickup_code_from(random_u64());
  const auto a = co_await ctx.store().orders().place(std::move(req), std::move(key.value()),
                                                     order_answer(http::status::created));
  co_return to_response(a);
}

// POST /v1/purchases: one checkout across shops, one order per shop.
net::awaitable<response> place_purchase(context& ctx) {
  auto key = read_idempotency(ctx);
  if (!key) co_return problem(key.err());
  fields f(ctx.body_object(), {"lines", "delivery", "villager_id"});
  storage::place_purchase_request req;
  req.caller = *ctx.caller;
  req.lines = read_lines(f, "lines");
  read_terms(f, *ctx.caller, req);
  req.invalid = std::move(f.errors());
  req.now = ctx.now();
  for (std::size_t i = 0; i < req.lines.size(); ++i) req.pickup_codes.push_back(pickup_code_from(random_u64()));
  auto render = answer_with<purchase>([](const result<purchase>& r) {
    return r ? json_response(http::status::created, to_json(r.value())) : problem(r.err());
  });
  const auto a = co_await ctx.store().purchases().place(std::move(req), std::move(key.value()), std::move(render));
  co_return to_response(a);
}

net::awaitable<response> get_purchase(context& ctx) {
  const auto id = ctx.path_id();
  if (!id) co_return problem(error{errc::not_found, "No such purchase."});
  const auto p = co_await ctx.store().purchases().get(*id, *ctx.caller);
  if (!p) co_return problem(p.err());
  co_return json_response(http::status::ok, to_json(p.value()));
}

net::awaitable<response> get_order(context& ctx) {
  const auto id = ctx.path_id();
  if (!id) co_return problem(error{errc::not_found, "No such order."});
  const auto o = co_await ctx.store().orders().get(*id, *ctx.caller);
  if (!o) co_return problem(o.err());
  co_return json_response(http::status::ok, to_json(o.value()));
}

// Runs one lifecycle move (ship, deliver, cancel).
net::awaitable<response> transition(context& ctx, storage::transition_request tr, fields& f) {
  tr.invalid = std::move(f.errors());
  tr.now = ctx.now();
  const auto a = co_await ctx.store().orders().transition(std::move(tr), std::nullopt, order_answer(http::status::ok));
  co_return to_response(a);
}

storage::transition_request base_request(context& ctx, order_action a) {
  storage::transition_request tr;
  tr.order_id = ctx.path_id().value_or(0);
  tr.action = a;
  tr.caller = *ctx.caller;
  return tr;
}

net::awaitable<response> ship(context& ctx) {
  auto tr = base_request(ctx, order_action::ship);
  fields f(ctx.body_object(), {"tracking"});
  tr.tracking = f.str("tracking", false);
  if (tr.tracking) f.check("tracking", check_text(*tr.tracking, tracking_max));
  co_return co_await transition(ctx, std::move(tr), f);
}

net::awaitable<response> deliver(context& ctx) {
  auto tr = base_request(ctx, order_action::deliver);
  fields f(ctx.body_object(), {});
  co_return co_await transition(ctx, std::move(tr), f);
}

net::awaitable<response> arrive(context& ctx) {
  auto tr = base_request(ctx, order_action::arrive);
  fields f(ctx.body_object(), {});
  co_return co_await transition(ctx, std::move(tr), f);
}

net::awaitable<response> hand_over(context& ctx) {
  storage::handover_request r;
  r.order_id = ctx.path_id().value_or(0);
  r.caller = *ctx.caller;
  r.now = ctx.now();
  fields f(ctx.body_object(), {"pickup_code"});
  if (auto code = f.str("pickup_code", true)) {
    if (is_pickup_code(*code)) r.pickup_code = std::move(*code);
    else f.add("pickup_code", "must be the 6 digits of the parcel's code");
  }
  r.invalid = std::move(f.errors());
  const auto o = co_await ctx.store().orders().hand_over(std::move(r));
  if (!o) co_return problem(o.err());
  co_return json_response(http::status::ok, to_json(o.value()));
}

net::awaitable<response> cancel(context& ctx) {
  auto tr = base_request(ctx, order_action::cancel);
  fields f(ctx.body_object(), {"reason"});
  tr.reason = f.str("reason", false);
  if (tr.reason) f.check("reason", check_text(*tr.reason, reason_max));
  co_return co_await transition(ctx, std::move(tr), f);
}

net::awaitable<response> list(context& ctx) {
  query_params qp(ctx.req.target());
  storage::order_list_filter f;
  f.caller = *ctx.caller;
  const auto as = qp.str("as").value_or("buyer");
  if (as == "seller") f.as = storage::order_view::seller;
  else if (as == "admin") f.as = storage::order_view::admin;
  else if (as != "buyer") qp.add("as", "must be buyer, seller or admin");
  f.shop_id = qp.id("shop_id");
  f.county_id = qp.id("county_id");
  if ((f.shop_id || f.county_id) && f.as != storage::order_view::admin)
    qp.add(f.shop_id ? "shop_id" : "county_id", "filters only the admin's list (as=admin)");
  if (auto st = qp.str("status")) {
    f.status = parse_order_status(*st);
    if (!f.status) qp.add("status", "is not an order status");
  }
  f.page = qp.page("o");
  if (f.as == storage::order_view::admin && !ctx.is(role::admin))
    co_return problem(error{errc::forbidden, "Only an admin lists every order."});
  if (!qp.ok()) co_return problem(validation(std::move(qp.errors())));
  const auto page = co_await ctx.store().orders().list(std::move(f));
  if (!page) co_return problem(page.err());
  co_return page_response(page.value(), "o", [](const order& o) { return to_json(o); });
}

}  // namespace

void add_order_routes(route_table& t) {
  t.add(http::verb::post, "/v1/orders",
        {.auth = auth_mode::required, .body = body_mode::required, .fn = place, .idempotent = true});
  t.add(http::verb::get, "/v1/orders", {auth_mode::required, body_mode::none, list});
  t.add(http::verb::get, "/v1/orders/{id}", {auth_mode::required, body_mode::none, get_order});
  t.add(http::verb::post, "/v1/orders/{id}/ship", {auth_mode::required, body_mode::optional, ship});
  t.add(http::verb::post, "/v1/orders/{id}/deliver", {auth_mode::required, body_mode::optional, deliver});
  t.add(http::verb::post, "/v1/orders/{id}/arrive", {auth_mode::required, body_mode::optional, arrive});
  t.add(http::verb::post, "/v1/orders/{id}/hand-over", {auth_mode::required, body_mode::required, hand_over});
  t.add(http::verb::post, "/v1/orders/{id}/cancel", {auth_mode::required, body_mode::optional, cancel});
  t.add(http::verb::post, "/v1/purchases",
        {.auth = auth_mode::required, .body = body_mode::required, .fn = place_purchase, .idempotent = true});
  t.add(http::verb::get, "/v1/purchases/{id}", {auth_mode::required, body_mode::none, get_purchase});
}

}  // namespace cunji::server
