// Orders: placement (idempotent), the lifecycle moves, and lists.
#include "core/text.hpp"
#include "server/app.hpp"
#include "server/idempotency.hpp"
#include "server/json_input.hpp"
#include "server/json_output.hpp"
#include "server/problem.hpp"
#include "server/query_params.hpp"
#include "storage/sql/orders.hpp"

namespace cunji::server {

namespace {

constexpr std::size_t address_max = 200;
constexpr std::size_t reference_max = 100;
constexpr std::size_t reason_max = 500;

std::optional<std::string> check_text(std::string_view s, std::size_t max) {
  const auto len = text::utf8_length(s);
  if (!len) return "must be valid UTF-8";
  if (*len > max) return "must be at most " + std::to_string(max) + " characters";
  if (text::has_control_chars(s)) return "must not contain control characters";
  return std::nullopt;
}

response render_order(const result<order>& r, http::status ok_status) {
  if (!r) return problem(r.err());
  return json_response(ok_status, to_json(r.value()));
}

// Reads POST /v1/orders; field errors go into `f`.
storage::place_order_request read_placement(fields& f, const account& caller) {
  storage::place_order_request r;
  r.placer = caller;
  r.shop_id = f.integer("shop_id", true).value_or(0);
  if (const auto* items = f.array("items", true)) {
    if (items->empty() || items->size() > max_order_items) f.add("items", "must hold 1..50 lines");
    for (std::size_t i = 0; i < items->size() && i < max_order_items; ++i) {
      const auto prefix = "items[" + std::to_string(i) + "]";
      if (!(*items)[i].is_object()) {
        f.add(prefix, "must be an object");
        continue;
      }
      fields line((*items)[i].get_object(), {"listing_id", "quantity"});
      const auto listing_id = line.integer("listing_id", true);
      const auto quantity = line.integer("quantity", true);
      if (quantity && (*quantity < 1 || *quantity > max_line_quantity)) line.add("quantity", "must be 1..10000");
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
      else if (auto m = check_text(*r.address, address_max))
        del.add("address", *m);
      else if (r.address->find_first_not_of(" \t\r\n") == std::string::npos)
        del.add("address", "must not be blank");
    } else {
      r.address.reset();  // ignored for station pickup
    }
    for (auto& e : del.errors()) f.add("delivery." + e.field, e.message);
  }
  r.villager_id = f.integer("villager_id", false);
  if (r.villager_id && caller.role != role::partner) f.add("villager_id", "only partners order for villagers");
  return r;
}

net::awaitable<response> place(context& ctx) {
  if (ctx.is(role::admin)) co_return problem(error{errc::forbidden, "Admins do not place orders."});
  auto idem = read_idempotency(ctx);
  if (!idem) co_return problem(idem.err());
  if (idem->scope) {
    auto& db = ctx.a.db();
    if (auto replay = stored_response(idem.value(), storage::find_answer(db.reader(), db.answers(), *idem->scope)))
      co_return std::move(*replay);
  }
  fields f(ctx.body_object(), {"shop_id", "items", "delivery", "villager_id"});
  auto req = read_placement(f, *ctx.caller);
  std::optional<error> invalid;
  if (!f.ok()) invalid = validation(std::move(f.errors()));
  auto work = [req = std::move(req), invalid, now = ctx.a.now()](storage::connection& c) -> result<order> {
    if (invalid) return *invalid;
    return storage::place_order(c, req, now);
  };
  auto render = [](const result<order>& r) { return render_order(r, http::status::created); };
  auto cmd = idempotent_command(ctx.a.db().answers(), std::move(idem).value(), std::move(work), render, ctx.a.now());
  auto res = co_await ctx.a.write(std::move(cmd));
  co_return std::move(res.value());
}

net::awaitable<response> get_order(context& ctx) {
  const auto id = ctx.path_id();
  auto& db = ctx.a.db().reader();
  auto o = id ? storage::find_order(db, *id) : std::nullopt;
  if (!o || !can_see(*ctx.caller, storage::parties_of(db, *o))) co_return problem(error{errc::not_found, "No such order."});
  co_return json_response(http::status::ok, to_json(*o));
}

// Runs one lifecycle move in the writer; `idempotent` for pay.
net::awaitable<response> transition(context& ctx, storage::transition_request tr, std::optional<error> invalid,
                                    bool idempotent) {
  idempotent_request idem;
  if (idempotent) {
    auto read = read_idempotency(ctx);
    if (!read) {
      // A bad key is a 422 like any bad field: after the 404/403 checks, and not stored.
      if (!invalid) invalid = std::move(read).err();
      else invalid->errors.push_back(read.err().errors.front());
    } else {
      idem = std::move(read.value());
    }
    if (idem.scope) {
      auto& db = ctx.a.db();
      if (auto replay = stored_response(idem, storage::find_answer(db.reader(), db.answers(), *idem.scope)))
        co_return std::move(*replay);
    }
  }
  auto work = [tr = std::move(tr), invalid, now = ctx.a.now()](storage::connection& c) -> result<order> {
    if (invalid) {
      // API.md's order: 404 (hidden) and 403 (not yours to move) come before 422.
      const auto o = storage::find_order(c, tr.order_id);
      if (!o) return error{errc::not_found, "No such order."};
      const auto parties = storage::parties_of(c, *o);
      if (!can_see(tr.actor, parties)) return error{errc::not_found, "No such order."};
      if (!can_act(tr.actor, parties, tr.action))
        return error{errc::forbidden, "You may not " + std::string(to_string(tr.action)) + " this order."};
      return *invalid;
    }
    return storage::transition_order(c, tr, now);
  };
  auto render = [](const result<order>& r) { return render_order(r, http::status::ok); };
  auto cmd = idempotent_command(ctx.a.db().answers(), std::move(idem), std::move(work), render, ctx.a.now());
  auto res = co_await ctx.a.write(std::move(cmd));
  co_return std::move(res.value());
}

storage::transition_request base_request(context& ctx, order_action a) {
  storage::transition_request tr;
  tr.order_id = ctx.path_id().value_or(0);
  tr.action = a;
  tr.actor = *ctx.caller;
  return tr;
}

std::optional<error> as_error(fields& f) {
  if (f.ok()) return std::nullopt;
  return validation(std::move(f.errors()));
}

net::awaitable<response> pay(context& ctx) {
  auto tr = base_request(ctx, order_action::pay);
  fields f(ctx.body_object(), {"method", "reference"});
  payment p;
  const auto method = f.str("method", true);
  if (method && *method != "cash_at_station" && *method != "mobile") f.add("method", "must be cash_at_station or mobile");
  p.method = method.value_or("");
  p.reference = f.str("reference", false);
  if (p.reference) f.check("reference", check_text(*p.reference, reference_max));
  tr.paid_with = p;
  co_return co_await transition(ctx, std::move(tr), as_error(f), true);
}

net::awaitable<response> ship(context& ctx) {
  auto tr = base_request(ctx, order_action::ship);
  fields f(ctx.body_object(), {"tracking"});
  tr.tracking = f.str("tracking", false);
  if (tr.tracking) f.check("tracking", check_text(*tr.tracking, reference_max));
  co_return co_await transition(ctx, std::move(tr), as_error(f), false);
}

net::awaitable<response> deliver(context& ctx) {
  auto tr = base_request(ctx, order_action::deliver);
  fields f(ctx.body_object(), {});
  co_return co_await transition(ctx, std::move(tr), as_error(f), false);
}

net::awaitable<response> cancel(context& ctx) {
  auto tr = base_request(ctx, order_action::cancel);
  fields f(ctx.body_object(), {"reason"});
  tr.reason = f.str("reason", false);
  if (tr.reason) f.check("reason", check_text(*tr.reason, reason_max));
  co_return co_await transition(ctx, std::move(tr), as_error(f), false);
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
  const int limit = qp.limit();
  const auto after = qp.cursor_for("o", 1);
  if (!qp.ok()) co_return problem(validation(std::move(qp.errors())));
  f.before_id = after ? after->keys[0] : 0;
  f.limit = limit + 1;
  auto rows = storage::list_orders(ctx.a.db().reader(), f);
  const auto next = trim_page(rows, limit);
  json::array items;
  for (const auto& o : rows) items.push_back(to_json(o));
  co_return json_response(http::status::ok, list_body(std::move(items), next_cursor("o", next)));
}

}  // namespace

void add_order_routes(route_table& t) {
  t.add(http::verb::post, "/v1/orders", {auth_mode::required, body_mode::required, place});
  t.add(http::verb::get, "/v1/orders", {auth_mode::required, body_mode::none, list});
  t.add(http::verb::get, "/v1/orders/{id}", {auth_mode::required, body_mode::none, get_order});
  t.add(http::verb::post, "/v1/orders/{id}/pay", {auth_mode::required, body_mode::required, pay});
  t.add(http::verb::post, "/v1/orders/{id}/ship", {auth_mode::required, body_mode::optional, ship});
  t.add(http::verb::post, "/v1/orders/{id}/deliver", {auth_mode::required, body_mode::optional, deliver});
  t.add(http::verb::post, "/v1/orders/{id}/cancel", {auth_mode::required, body_mode::optional, cancel});
}

}  // namespace cunji::server
