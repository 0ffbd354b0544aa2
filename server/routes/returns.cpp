// Returns after the sale: the placer asks (POST /v1/orders/{id}/returns, or report-lost for a
// parcel that never came), the shop side accepts or rejects, an admin may accept over a
// rejection. Accepting refunds the order (storage/returns.hpp).
#include "storage/returns.hpp"
#include "core/account.hpp"
#include "core/order_return.hpp"
#include "server/app.hpp"
#include "server/idempotency.hpp"
#include "server/json_input.hpp"
#include "server/json_output.hpp"
#include "server/problem.hpp"
#include "server/query_params.hpp"

namespace cunji::server {

namespace {

storage::renderer<order_return> return_answer(http::status ok) {
  return answer_with<order_return>(
      [ok](const result<order_return>& r) { return r ? json_response(ok, to_json(r.value())) : problem(r.err()); });
}

// Reads `reason`: required for a return and a rejection, optional for a lost parcel.
std::optional<std::string> read_reason(fields& f, const char* name, bool required) {
  auto reason = f.trimmed(name, required);
  if (reason) f.check(name, check_text(*reason, max_return_reason_chars, true));
  return reason;
}

net::awaitable<response> open(context& ctx, bool lost) {
  auto key = read_idempotency(ctx);
  if (!key) co_return problem(key.err());
  storage::return_request r;
  r.caller = *ctx.caller;
  r.order_id = ctx.path_id().value_or(0);
  r.lost = lost;
  fields f(ctx.body_object(), {"reason"});
  r.reason = read_reason(f, "reason", !lost).value_or("The parcel never arrived.");
  r.invalid = std::move(f.errors());
  r.now = ctx.now();
  const auto a = co_await ctx.store().returns().open(std::move(r), std::move(key.value()),
                                                     return_answer(http::status::created));
  co_return to_response(a);
}

net::awaitable<response> request_return(context& ctx) { co_return co_await open(ctx, false); }
net::awaitable<response> report_lost(context& ctx) { co_return co_await open(ctx, true); }

net::awaitable<response> decide(context& ctx, storage::return_decision_request r, fields& f) {
  r.caller = *ctx.caller;
  r.return_id = ctx.path_id().value_or(0);
  r.invalid = std::move(f.errors());
  r.now = ctx.now();
  const auto a = co_await ctx.store().returns().decide(std::move(r), std::nullopt, return_answer(http::status::ok));
  co_return to_response(a);
}

net::awaitable<response> accept(context& ctx) {
  storage::return_decision_request r;
  r.decision = return_decision::accept;
  fields f(ctx.body_object(), {"restock"});
  r.restock = f.boolean("restock", true).value_or(false);
  co_return co_await decide(ctx, std::move(r), f);
}

net::awaitable<response> reject(context& ctx) {
  storage::return_decision_request r;
  r.decision = return_decision::reject;
  fields f(ctx.body_object(), {"reason"});
  r.decision_reason = read_reason(f, "reason", true);
  co_return co_await decide(ctx, std::move(r), f);
}

net::awaitable<response> get_return(context& ctx) {
  const auto id = ctx.path_id();
  if (!id) co_return problem(error{errc::not_found, "No such return."});
  const auto r = co_await ctx.store().returns().get(*id, *ctx.caller);
  if (!r) co_return problem(r.err());
  co_return json_response(http::status::ok, to_json(r.value()));
}

net::awaitable<response> list(context& ctx) {
  query_params qp(ctx.req.target());
  storage::return_list_filter f;
  f.caller = *ctx.caller;
  const auto as = qp.str("as").value_or("buyer");
  if (as == "seller") f.as = storage::return_view::seller;
  else if (as != "buyer") qp.add("as", "must be buyer or seller");
  if (auto st = qp.str("status")) {
    f.status = parse_return_status(*st);
    if (!f.status) qp.add("status", "must be requested, accepted or rejected");
  }
  f.page = qp.page("r");
  if (!qp.ok()) co_return problem(validation(std::move(qp.errors())));
  const auto page = co_await ctx.store().returns().list(std::move(f));
  if (!page) co_return problem(page.err());
  co_return page_response(page.value(), "r", [](const order_return& r) { return to_json(r); });
}

}  // namespace

void add_return_routes(route_table& t) {
  t.add(http::verb::post, "/v1/orders/{id}/returns",
        {.auth = auth_mode::required, .body = body_mode::required, .fn = request_return, .idempotent = true});
  t.add(http::verb::post, "/v1/orders/{id}/report-lost",
        {.auth = auth_mode::required, .body = body_mode::optional, .fn = report_lost, .idempotent = true});
  t.add(http::verb::get, "/v1/returns", {auth_mode::required, body_mode::none, list});
  t.add(http::verb::get, "/v1/returns/{id}", {auth_mode::required, body_mode::none, get_return});
  t.add(http::verb::post, "/v1/returns/{id}/accept", {auth_mode::required, body_mode::required, accept});
  t.add(http::verb::post, "/v1/returns/{id}/reject", {auth_mode::required, body_mode::required, reject});
}

}  // namespace cunji::server
