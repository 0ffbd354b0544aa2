// Accounts and sessions: POST /v1/accounts, POST /v1/partners, POST /v1/sessions,
// DELETE /v1/sessions/current, GET /v1/me.
#include <boost/json/object.hpp>

#include "core/account.hpp"
#include "core/sales.hpp"
#include "server/app.hpp"
#include "server/crypto.hpp"
#include "server/json_input.hpp"
#include "server/json_output.hpp"
#include "server/problem.hpp"
#include "server/query_params.hpp"

namespace cunji::server {

namespace {

// Hashes the password off the I/O thread, then inserts the account through the writer.
net::awaitable<response> create_account(context& ctx, registration r) {
  normalize(r);
  if (auto errs = validate_registration(r); !errs.empty()) co_return problem(validation(std::move(errs)));
  const auto params = ctx.app.config().password;
  auto hash_job = [pw = r.password, params] { return hash_password(pw, params); };
  auto hash = co_await ctx.app.on_cpu(std::move(hash_job));
  const auto res = co_await ctx.store().accounts().register_account(std::move(r), std::move(hash), ctx.now());
  if (!res) co_return problem(res.err());
  co_return json_response(http::status::created, to_json(res.value()));
}

net::awaitable<response> register_account(context& ctx) {
  fields f(ctx.body_object(), {"role", "name", "phone", "password", "village_id"});
  registration r;
  const auto role_text = f.str("role", true);
  if (role_text) {
    const auto parsed = parse_role(*role_text);
    if (parsed == role::buyer || parsed == role::farmer) r.role = *parsed;
    else f.add("role", "must be buyer or farmer");
  }
  r.name = f.str("name", true).value_or("");
  r.phone = f.str("phone", true).value_or("");
  r.password = f.str("password", true).value_or("");
  r.village_id = f.id("village_id", false);
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));
  co_return co_await create_account(ctx, std::move(r));
}

net::awaitable<response> create_partner(context& ctx) {
  fields f(ctx.body_object(), {"name", "phone", "password", "village_id"});
  registration r;
  r.role = role::partner;
  r.name = f.str("name", true).value_or("");
  r.phone = f.str("phone", true).value_or("");
  r.password = f.str("password", true).value_or("");
  r.village_id = f.id("village_id", true);
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));
  co_return co_await create_account(ctx, std::move(r));
}

net::awaitable<response> login(context& ctx) {
  fields f(ctx.body_object(), {"phone", "password"});
  auto phone = f.str("phone", true);
  const auto password = f.str("password", true);
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));
  *phone = normalize_phone(*phone);  // as stored; failures are counted per stored form too

  const auto now = ctx.now();
  const login_throttle policy;
  auto& accounts = ctx.store().accounts();
  const auto attempt = co_await accounts.begin_login(*phone, now - policy.window_s, policy.max_failures);
  if (auto wait = login_retry_after(attempt.recent_failures, now, policy)) {
    error e{errc::rate_limited, "Too many failed logins for this phone; try again later."};
    e.retry_after_s = *wait;
    co_return problem(e);
  }
  const auto& creds = attempt.found;
  // Unknown phones are checked against a dummy hash: the same work, the same answer.
  auto verify = [hash = creds ? creds->password_hash : ctx.app.dummy_password_hash(), pw = *password] {
    return verify_password(hash, pw);
  };
  const bool ok = co_await ctx.app.on_cpu(std::move(verify)) && creds.has_value();
  if (!ok) {
    co_await accounts.record_login_failure(*phone, now);
    co_return problem(error{errc::unauthenticated, "Wrong phone number or password."});
  }
  auto token = new_token();
  const auto expires = now + ctx.app.config().token_ttl.count();
  const auto acct = co_await accounts.start_session(hash_token(token), creds->account_id, now, expires);
  if (!acct) co_return problem(acct.err());
  json::object body;
  body["token"] = token;
  body["account"] = to_json(acct.value());
  co_return json_response(http::status::created, body);
}

net::awaitable<response> logout(context& ctx) {
  co_await ctx.store().accounts().end_session(hash_token(ctx.token));
  co_return empty_response(http::status::no_content);
}

net::awaitable<response> list_accounts(context& ctx) {
  query_params qp(ctx.req.target());
  storage::account_filter f;
  if (const auto r = qp.str("role")) {
    f.role_is = parse_role(*r);
    if (!f.role_is) qp.add("role", "must be buyer, farmer, partner or admin");
  }
  f.village_id = qp.id("village_id");
  f.q = qp.str("q");
  if (f.q && (f.q->empty() || f.q->size() > 100)) qp.add("q", "must be 1..100 characters");
  f.page = qp.page("a");
  if (!qp.ok()) co_return problem(validation(std::move(qp.errors())));
  co_return page_response(co_await ctx.store().accounts().list_accounts(std::move(f)), "a",
                          [](const account& a) { return to_json(a); });
}

net::awaitable<response> list_partners(context& ctx) {
  query_params qp(ctx.req.target());
  const auto village_id = qp.id("village_id");
  const auto page = qp.page("p");
  if (!qp.ok()) co_return problem(validation(std::move(qp.errors())));
  const auto partners = co_await ctx.store().accounts().list_partners(village_id, day_of(ctx.now()), page);
  co_return page_response(partners, "p", [](const storage::partner_summary& p) {
    auto o = to_json(static_cast<const account&>(p));
    o["earnings_365d_fen"] = p.earnings_365d_fen;
    o["cash_held_fen"] = p.cash_held_fen;
    return o;
  });
}

net::awaitable<response> me(context& ctx) { co_return json_response(http::status::ok, to_json(*ctx.caller)); }

}  // namespace

void add_account_routes(route_table& t) {
  t.add(http::verb::post, "/v1/accounts", {auth_mode::none, body_mode::required, register_account});
  t.add(http::verb::post, "/v1/partners", {auth_mode::admin, body_mode::required, create_partner});
  t.add(http::verb::post, "/v1/sessions", {auth_mode::none, body_mode::required, login});
  t.add(http::verb::delete_, "/v1/sessions/current", {auth_mode::required, body_mode::none, logout});
  t.add(http::verb::get, "/v1/me", {auth_mode::required, body_mode::none, me});
  t.add(http::verb::get, "/v1/accounts", {auth_mode::admin, body_mode::none, list_accounts});
  t.add(http::verb::get, "/v1/partners", {auth_mode::admin, body_mode::none, list_partners});
}

}  // namespace cunji::server
