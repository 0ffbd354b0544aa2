// Paying orders (Alipay, confirmed by its notification; or cash taken by a partner), the
// provider's notifications, and payments.
#include "core/policy.hpp"
#include "server/app.hpp"
#include "server/idempotency.hpp"
#include "server/json_input.hpp"
#include "server/json_output.hpp"
#include "server/problem.hpp"

namespace cunji::server {

namespace {

// 200 with the order for cash (paid at once); 202 with the order still placed and the pending
// payment, with the signed string the buyer's Alipay app takes, for Alipay.
storage::renderer<storage::pay_outcome> pay_answer(std::string order_string) {
  return answer_with<storage::pay_outcome>([order_string](const result<storage::pay_outcome>& r) {
    if (!r) return problem(r.err());
    auto body = to_json(r->paid);
    if (r->payment.status != payment_status::pending) return json_response(http::status::ok, body);
    auto pending = to_json(r->payment);
    pending["order_string"] = order_string;
    body["payment"] = std::move(pending);
    return json_response(http::status::accepted, body);
  });
}

net::awaitable<response> pay_order(context& ctx) {
  storage::pay_request r;
  r.caller = *ctx.caller;
  r.order_id = ctx.path_id().value_or(0);
  r.now = ctx.now();
  fields f(ctx.body_object(), {"method"});
  if (const auto method = f.str("method", true)) {
    const auto m = parse_payment_method(*method);
    if (m == payment_method::alipay || m == payment_method::cash_at_station)
      r.method = *m;
    else
      f.add("method", "must be alipay or cash_at_station");
  }
  auto key = read_idempotency(ctx);
  if (!key) f.add(key.err().errors.front().field, key.err().errors.front().message);
  r.invalid = std::move(f.errors());
  std::string order_string;
  if (r.invalid.empty() && r.method == payment_method::alipay)
    co_return problem(http::status::service_unavailable, "payments_unavailable",
                      "Alipay is not configured on this server; pay in cash at a station.");
  const auto a = co_await ctx.store().payments().pay(std::move(r), key ? std::move(key.value()) : std::nullopt,
                                                     pay_answer(std::move(order_string)));
  co_return to_response(a);
}

net::awaitable<response> get_payment(context& ctx) {
  const auto id = ctx.path_id();
  if (!id) co_return problem(error{errc::not_found, "No such payment."});
  const auto p = co_await ctx.store().payments().find(*id, *ctx.caller);
  if (!p) co_return problem(p.err());
  co_return json_response(http::status::ok, to_json(p.value()));
}

}  // namespace

void add_payment_routes(route_table& t) {
  t.add(http::verb::post, "/v1/orders/{id}/pay", {auth_mode::required, body_mode::required, pay_order});
  t.add(http::verb::get, "/v1/payments/{id}", {auth_mode::required, body_mode::none, get_payment});
}

}  // namespace cunji::server
