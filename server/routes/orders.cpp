// Orders: placement (idempotent), the lifecycle moves, and lists.
#include "core/account.hpp"
#include "server/app.hpp"
#include "server/idempotency.hpp"
#include "server/json_input.hpp"
#include "server/json_output.hpp"
#include "server/problem.hpp"
#include "server/query_params.hpp"
#include "core/policy.hpp"
#include "storage/orders.hpp"

namespace cunji::server {

namespace {

constexpr std::size_t address_max = 200;
constexpr std::size_t reference_max = 100;
constexpr std::size_t reason_max = 500;

// Renders an order's outcome: `ok` with the order, or its problem.
storage::renderer<order> order_answer(http::status ok) {
  return answer_with<order>([ok](const result<order>& r) { return r ? json_response(ok, to_json(r.value())) : problem(r.err()); });
}

// Reads POST /v1/orders; field errors go into `f`.
storage::place_order_request read_placement(fields& f, const account& caller) {
  storage::place_order_request r;
  r.caller = caller;
  r.shop_id = f.id("shop_id", true).value_or(0);
  if (const auto* items = f.array("items", true)) {
    if (items->empty() || items->size() > max_order_items) f.add("items", "must hold 1..50 lines");
    for (std::size_t i = 0; i < items->size() && i < max_order_items; ++i) {
      const auto prefix = "items[" + std::to_string(i) + "]";
      if (!(*items)[i].is_object()) {
        f.add(prefix, "must be an object");
        continue;
      }
      fields line((*items)[i].get_object(), {"listing_id", "quantity"});
      const auto listing_id = line.id("listing_id", true);
      const auto quantity = line.integer("quantity", true, 1, max_line_quantity);
      for (auto& e : line.errors()) f.add(prefix + "." + e.field, e.message);
      if (listing_id && quantity) r.items.push_back({*listing_id, *quantity});
    }
  }
  if (const auto* d = f.object("delivery", true)) {
    fields del(*d, {"method", "address"});
    const auto method = del.str("method", true);
    if (method) {
      if (auto m = parse_delivery_method(*method))
        r.delivery = *m;
      else
        del.add("method", "must be station_pickup or address");
    }
    r.address = del.str("address", false);
    if (r.delivery == delivery_method::address) {
      if (!r.address)
        del.add("address", "is required for address delivery");
      else
        del.check("address", check_text(*r.address, address_max, true));
    } else {
      r.address.reset();  // ignored for station pickup
    }
    for (auto& e : del.errors()) f.add("delivery." + e.field, e.message);
  }
  r.villager_id = f.id("villager_id", false);
  if (r.villager_id && !can_order_for_villagers(caller)) f.add("villager_id", "only partners order for villagers");
  return r;
}

net::awaitable<response> place(context& ctx) {
  auto key = read_idempotency(ctx);
  if (!key) co_return problem(key.err());
  fields f(ctx.body_object(), {"shop_id", "items", "delivery", "villager_id"});
  auto req = read_placement(f, *ctx.caller);
  req.invalid = std::move(f.errors());
  req.now = ctx.now();
  const auto a = co_await ctx.store().orders().place(std::move(req), std::move(key.value()),
                                                     order_answer(http::status::created));
  co_return to_response(a);
}

net::awaitable<response> get_order(context& ctx) {
  const auto id = ctx.path_id();
  if (!id) co_return problem(error{errc::not_found, "No such order."});
  const auto o = co_await ctx.store().orders().get(*id, *ctx.caller);
  if (!o) co_return problem(o.err());
  co_return json_response(http::status::ok, to_json(o.value()));
}

// Runs one lifecycle move; `idempotent` for pay. A malformed Idempotency-Key is a 422 like any
// bad field: after the 404 and 403 checks.
net::awaitable<response> transition(context& ctx, storage::transition_request tr, fields& f, bool idempotent) {
  std::optional<storage::idempotency_key> key;
  if (idempotent) {
    auto read = read_idempotency(ctx);
    if (read)
      key = std::move(read.value());
    else
      f.add(read.err().errors.front().field, read.err().errors.front().message);
  }
  tr.invalid = std::move(f.errors());
  tr.now = ctx.now();
  const auto a = co_await ctx.store().orders().transition(std::move(tr), std::move(key), order_answer(http::status::ok));
  co_return to_response(a);
}

storage::transition_request base_request(context& ctx, order_action a) {
  storage::transition_request tr;
  tr.order_id = ctx.path_id().value_or(0);
  tr.action = a;
  tr.caller = *ctx.caller;
  return tr;
}

net::awaitable<response> pay(context& ctx) {
  auto tr = base_request(ctx, order_action::pay);
  fields f(ctx.body_object(), {"method", "reference"});
  payment p;
  if (const auto method = f.str("method", true)) {
    if (auto m = parse_payment_method(*method))
      p.method = *m;
    else
      f.add("method", "must be cash_at_station or mobile");
  }
  p.reference = f.str("reference", false);
  if (p.reference) f.check("reference", check_text(*p.reference, reference_max));
  tr.paid_with = p;
  co_return co_await transition(ctx, std::move(tr), f, true);
}

net::awaitable<response> ship(context& ctx) {
  auto tr = base_request(ctx, order_action::ship);
  fields f(ctx.body_object(), {"tracking"});
  tr.tracking = f.str("tracking", false);
  if (tr.tracking) f.check("tracking", check_text(*tr.tracking, reference_max));
  co_return co_await transition(ctx, std::move(tr), f, false);
}

net::awaitable<response> deliver(context& ctx) {
  auto tr = base_request(ctx, order_action::deliver);
  fields f(ctx.body_object(), {});
  co_return co_await transition(ctx, std::move(tr), f, false);
}

net::awaitable<response> cancel(context& ctx) {
  auto tr = base_request(ctx, order_action::cancel);
  fields f(ctx.body_object(), {"reason"});
  tr.reason = f.str("reason", false);
  if (tr.reason) f.check("reason", check_text(*tr.reason, reason_max));
  co_return co_await transition(ctx, std::move(tr), f, false);
}

net::awaitable<response> list(context& ctx) {
  query_params qp(ctx.req.target());
  storage::order_list_filter f;
  f.caller = *ctx.caller;
  const auto as = qp.str("as").value_or("buyer");
  if (as == "seller")
    f.as_seller = true;
  else if (as != "buyer")
    qp.add("as", "must be buyer or seller");
  if (auto st = qp.str("status")) {
    f.status = parse_order_status(*st);
    if (!f.status) qp.add("status", "must be placed, paid, shipped, delivered or cancelled");
  }
  f.page = qp.page("o");
  if (!qp.ok()) co_return problem(validation(std::move(qp.errors())));
  co_return page_response(co_await ctx.store().orders().list(std::move(f)), "o",
                          [](const order& o) { return to_json(o); });
}

}  // namespace

void add_order_routes(route_table& t) {
  t.add(http::verb::post, "/v1/orders",
        {.auth = auth_mode::required, .body = body_mode::required, .fn = place, .idempotent = true});
  t.add(http::verb::get, "/v1/orders", {auth_mode::required, body_mode::none, list});
  t.add(http::verb::get, "/v1/orders/{id}", {auth_mode::required, body_mode::none, get_order});
  t.add(http::verb::post, "/v1/orders/{id}/pay",
        {.auth = auth_mode::required, .body = body_mode::required, .fn = pay, .idempotent = true});
  t.add(http::verb::post, "/v1/orders/{id}/ship", {auth_mode::required, body_mode::optional, ship});
  t.add(http::verb::post, "/v1/orders/{id}/deliver", {auth_mode::required, body_mode::optional, deliver});
  t.add(http::verb::post, "/v1/orders/{id}/cancel", {auth_mode::required, body_mode::optional, cancel});
}

}  // namespace cunji::server
