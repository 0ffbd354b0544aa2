// Paying orders (Alipay, confirmed by its notification; or cash taken by a partner), the
// provider's notifications, and payments.
#include <cstdio>

#include "core/policy.hpp"
#include "server/app.hpp"
#include "server/crypto.hpp"
#include "server/idempotency.hpp"
#include "server/json_input.hpp"
#include "server/json_output.hpp"
#include "server/problem.hpp"

namespace cunji::server {

std::string new_out_trade_no() {
  static constexpr std::string_view alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  std::string out = "CJ";
  for (const auto b : random_bytes(22)) out += alphabet[b % alphabet.size()];
  return out;
}

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

// What a pay request (of an order or of a purchase) says: the method, and its key. A malformed
// key is a field error like the others.
struct pay_input {
  payment_method method = payment_method::alipay;
  std::vector<field_error> invalid;
  std::optional<storage::idempotency_key> key;
};

pay_input read_pay_input(context& ctx) {
  pay_input in;
  fields f(ctx.body_object(), {"method"});
  if (const auto method = f.str("method", true)) {
    const auto m = parse_payment_method(*method);
    if (m == payment_method::alipay || m == payment_method::cash_at_station) in.method = *m;
    else f.add("method", "must be alipay or cash_at_station");
  }
  auto key = read_idempotency(ctx);
  if (!key) f.add(key.err().errors.front().field, key.err().errors.front().message);
  else in.key = std::move(key.value());
  in.invalid = std::move(f.errors());
  return in;
}

// A retry whose answer is stored gets it at once, before any reading or signing (the write
// would replay it too, but only after that work, and an order the timer is about to cancel
// would be refused instead of replayed).
net::awaitable<std::optional<response>> stored_reply(context& ctx, const pay_input& in) {
  if (!in.key || !in.invalid.empty()) co_return std::nullopt;
  auto key = *in.key;
  const auto a = co_await ctx.store().stored_answer(std::move(key));
  if (!a) co_return std::nullopt;
  co_return to_response(*a);
}

response payments_unavailable(std::string detail) {
  return problem(http::status::service_unavailable, "payments_unavailable", std::move(detail));
}

// Signs the app-pay request off the I/O thread (RSA2 takes a millisecond).
net::awaitable<result<std::string, response>> sign_off_thread(context& ctx, const payments::payment_provider& alipay,
                                                              payments::pay_order po) {
  auto sign = [&alipay, po = std::move(po)]() -> std::optional<std::string> {
    auto signed_string = alipay.pay_request(po);
    if (signed_string) return std::move(signed_string.value());
    std::fprintf(stderr, "alipay: cannot sign a payment request: %s\n", signed_string.err().detail.c_str());
    return std::nullopt;
  };
  auto signed_string = co_await ctx.app.on_cpu(std::move(sign));
  if (!signed_string)
    co_return payments_unavailable("Alipay cannot be reached from this server right now; try again later.");
  co_return std::move(*signed_string);
}

// The signed order string of an Alipay pay request, by `sign` (of an order or of a purchase);
// empty for cash and for a request whose fields the write will refuse.
template <class Request, class Sign>
net::awaitable<result<std::string, response>> order_string_for(context& ctx, Request& r, Sign sign) {
  if (!r.invalid.empty() || r.method != payment_method::alipay) co_return std::string{};
  const auto* alipay = ctx.app.config().alipay.get();
  if (!alipay) co_return payments_unavailable("Alipay is not configured on this server; pay in cash at a station.");
  co_return co_await sign(ctx, *alipay, r);
}

// The order string for the order's total, signed off the I/O thread (RSA2 takes a millisecond).
// The write checks again that the order is placed and still has that total.
net::awaitable<result<std::string, response>> sign_alipay_request(context& ctx,
                                                                  const payments::payment_provider& alipay,
                                                                  storage::pay_request& r) {
  const auto o = co_await ctx.store().orders().get(r.order_id, r.caller);
  if (!o || o->status != order_status::placed) co_return std::string{};  // the write answers 404 or 409
  r.out_trade_no = new_out_trade_no();
  r.signed_amount_fen = o->money.total_fen;
  const auto timeout = (co_await ctx.store().money().fee_schedule_in_force()).unpaid_timeout_minutes * 60;
  if (o->created_at + timeout <= r.now)  // the timer is about to cancel it: no trade that would outlive it
    co_return problem(error{errc::invalid_transition, "This order was not paid in time; it is being cancelled."});
  payments::pay_order po{r.out_trade_no, o->money.total_fen, "村集订单 " + std::to_string(o->id), r.now,
                         o->created_at + timeout};
  co_return co_await sign_off_thread(ctx, alipay, std::move(po));
}

net::awaitable<response> pay_order(context& ctx) {
  auto in = read_pay_input(ctx);
  auto replayed = co_await stored_reply(ctx, in);
  if (replayed) co_return std::move(*replayed);
  storage::pay_request r;
  r.caller = *ctx.caller;
  r.order_id = ctx.path_id().value_or(0);
  r.now = ctx.now();
  r.method = in.method;
  r.invalid = std::move(in.invalid);
  auto order_string = co_await order_string_for(ctx, r, sign_alipay_request);
  if (!order_string) co_return std::move(order_string).err();
  auto render = pay_answer(std::move(order_string.value()));
  const auto a = co_await ctx.store().payments().pay(std::move(r), std::move(in.key), std::move(render));
  co_return to_response(a);
}

// As pay_answer, for a purchase: 200 with the purchase for cash; 202 with it and the pending
// payment for all of its placed orders, with the signed order string, for Alipay.
storage::renderer<storage::purchase_pay_outcome> purchase_pay_answer(std::string order_string) {
  return answer_with<storage::purchase_pay_outcome>([order_string](const result<storage::purchase_pay_outcome>& r) {
    if (!r) return problem(r.err());
    auto body = to_json(r->paid);
    if (r->payment.status != payment_status::pending) return json_response(http::status::ok, body);
    auto pending = to_json(r->payment);
    pending["order_string"] = order_string;
    body["payment"] = std::move(pending);
    return json_response(http::status::accepted, body);
  });
}

// The order string for the sum of the purchase's placed orders, signed off the I/O thread. The
// write checks again that the sum is still that amount.
net::awaitable<result<std::string, response>> sign_purchase_request(context& ctx,
                                                                    const payments::payment_provider& alipay,
                                                                    storage::pay_purchase_request& r) {
  const auto pu = co_await ctx.store().purchases().get(r.purchase_id, r.caller);
  if (!pu) co_return std::string{};  // the write answers 404
  std::int64_t amount = 0;
  for (const auto& o : pu->orders)
    if (o.status == order_status::placed) amount += o.money.total_fen;
  if (amount == 0) co_return std::string{};  // the write answers 409
  r.out_trade_no = new_out_trade_no();
  r.signed_amount_fen = amount;
  const auto timeout = (co_await ctx.store().money().fee_schedule_in_force()).unpaid_timeout_minutes * 60;
  if (pu->created_at + timeout <= r.now)
    co_return problem(error{errc::invalid_transition, "This purchase was not paid in time; it is being cancelled."});
  payments::pay_order po{r.out_trade_no, amount, "村集订单 合并支付 " + std::to_string(pu->id), r.now,
                         pu->created_at + timeout};
  co_return co_await sign_off_thread(ctx, alipay, std::move(po));
}

net::awaitable<response> pay_purchase(context& ctx) {
  auto in = read_pay_input(ctx);
  auto replayed = co_await stored_reply(ctx, in);
  if (replayed) co_return std::move(*replayed);
  storage::pay_purchase_request r;
  r.caller = *ctx.caller;
  r.purchase_id = ctx.path_id().value_or(0);
  r.now = ctx.now();
  r.method = in.method;
  r.invalid = std::move(in.invalid);
  auto order_string = co_await order_string_for(ctx, r, sign_purchase_request);
  if (!order_string) co_return std::move(order_string).err();
  auto render = purchase_pay_answer(std::move(order_string.value()));
  const auto a = co_await ctx.store().purchases().pay(std::move(r), std::move(in.key), std::move(render));
  co_return to_response(a);
}

net::awaitable<response> alipay_notify(context& ctx) {
  const auto* alipay = ctx.app.config().alipay.get();
  auto reply = [&](bool accepted, std::string_view outcome) {
    ctx.app.stats().record_notice("alipay", outcome);
    const auto a = alipay ? alipay->answer(accepted) : payments::notice_answer{400, "text/plain", "failure"};
    response res{static_cast<http::status>(a.status), 11};
    res.set(http::field::content_type, a.content_type);
    res.body() = std::string(a.body);
    res.prepare_payload();
    return res;
  };
  if (!alipay) co_return reply(false, "not_configured");
  const auto notice = alipay->verify_notification(ctx.req.body());
  if (!notice) {
    std::fprintf(stderr, "alipay notification refused (%s): %s\n", std::string(to_string(notice.err().check)).c_str(),
                 notice.err().detail.c_str());
    co_return reply(false, to_string(notice.err().check));
  }
  storage::payment_notice n{notice->out_trade_no, notice->trade_no, notice->amount_fen, notice->status, ctx.now()};
  switch (co_await ctx.store().payments().apply_notice(std::move(n))) {
    case storage::notice_result::recorded: co_return reply(true, "recorded");
    case storage::notice_result::acknowledged: co_return reply(true, "repeat");
    case storage::notice_result::unknown_payment: co_return reply(false, "unknown_payment");
    case storage::notice_result::amount_mismatch: co_return reply(false, "amount_mismatch");
    case storage::notice_result::trade_no_reused: co_return reply(false, "trade_no_reused");
  }
  co_return reply(false, "unknown");
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
  t.add(http::verb::post, "/v1/orders/{id}/pay",
        {.auth = auth_mode::required, .body = body_mode::required, .fn = pay_order, .idempotent = true});
  t.add(http::verb::post, "/v1/purchases/{id}/pay",
        {.auth = auth_mode::required, .body = body_mode::required, .fn = pay_purchase, .idempotent = true});
  t.add(http::verb::get, "/v1/payments/{id}", {auth_mode::required, body_mode::none, get_payment});
  // Alipay posts a form, signed; no bearer token.
  t.add(http::verb::post, "/v1/payments/alipay/notify", {auth_mode::none, body_mode::none, alipay_notify});
}

}  // namespace cunji::server
