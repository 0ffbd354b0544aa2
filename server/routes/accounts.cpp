// Accounts and sessions: POST /v1/accounts, POST /v1/partners, POST /v1/sessions,
// DELETE /v1/sessions/current, GET /v1/me.
#include <boost/json/object.hpp>

#include "core/account.hpp"
#include "server/app.hpp"
#include "server/crypto.hpp"
#include "server/json_input.hpp"
#include "server/json_output.hpp"
#include "server/problem.hpp"
#include "storage/sql/accounts.hpp"

namespace cunji::server {

namespace {

// Hashes the password off the I/O thread, then inserts the account through the writer.
net::awaitable<response> create_account(context& ctx, registration r) {
  if (auto errs = validate_registration(r); !errs.empty()) co_return problem(validation(std::move(errs)));
  const auto params = ctx.a.config().password;
  auto hash_job = [pw = r.password, params] { return hash_password(pw, params); };
  auto hash = co_await ctx.a.on_cpu(std::move(hash_job));
  const auto now = ctx.a.now();
  auto insert = [r = std::move(r), hash = std::move(hash), now](storage::connection& c) {
    return storage::insert_account(c, r, hash, now);
  };
  auto res = co_await ctx.a.write(std::move(insert));
  if (!res) co_return problem(res.err());
  co_return json_response(http::status::created, to_json(res.value()));
}

net::awaitable<response> register_account(context& ctx) {
  fields f(ctx.body_object(), {"role", "name", "phone", "password", "village_id"});
  registration r;
  const auto role_text = f.str("role", true);
  if (role_text) {
    const auto parsed = parse_role(*role_text);
    if (parsed == role::buyer || parsed == role::farmer)
      r.role = *parsed;
    else
      f.add("role", "must be buyer or farmer");
  }
  r.name = f.str("name", true).value_or("");
  r.phone = f.str("phone", true).value_or("");
  r.password = f.str("password", true).value_or("");
  r.village_id = f.integer("village_id", false);
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));
  co_return co_await create_account(ctx, std::move(r));
}

net::awaitable<response> create_partner(context& ctx) {
  if (ctx.caller->role != role::admin)
    co_return problem(error{errc::forbidden, "Only an admin can appoint partners."});
  fields f(ctx.body_object(), {"name", "phone", "password", "village_id"});
  registration r;
  r.role = role::partner;
  r.name = f.str("name", true).value_or("");
  r.phone = f.str("phone", true).value_or("");
  r.password = f.str("password", true).value_or("");
  r.village_id = f.integer("village_id", true);
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));
  co_return co_await create_account(ctx, std::move(r));
}

net::awaitable<response> login(context& ctx) {
  fields f(ctx.body_object(), {"phone", "password"});
  const auto phone = f.str("phone", true);
  const auto password = f.str("password", true);
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));

  const auto now = ctx.a.now();
  const login_throttle policy;
  const auto failures = storage::recent_login_failures(ctx.a.db().reader(), *phone, now - policy.window_s,
                                                       policy.max_failures);
  if (auto wait = login_retry_after(failures, now, policy)) {
    error e{errc::rate_limited, "Too many failed logins for this phone; try again later."};
    e.retry_after_s = *wait;
    co_return problem(e);
  }
  auto creds = storage::find_credentials(ctx.a.db().reader(), *phone);
  // Unknown phones are checked against a dummy hash: the same work, the same answer.
  auto verify = [hash = creds ? creds->password_hash : ctx.a.dummy_password_hash(), pw = *password] {
    return verify_password(hash, pw);
  };
  const bool ok = co_await ctx.a.on_cpu(std::move(verify)) && creds.has_value();
  if (!ok) {
    auto record = [ph = *phone, now](storage::connection& c) -> result<unit> {
      storage::record_login_failure(c, ph, now);
      return unit{};
    };
    co_await ctx.a.write(std::move(record));
    co_return problem(error{errc::unauthenticated, "Wrong phone number or password."});
  }
  auto token = new_token();
  const auto expires = now + ctx.a.config().token_ttl.count();
  auto start_session = [h = hash_token(token), id = creds->account_id, now,
                        expires](storage::connection& c) -> result<account> {
    auto a = storage::find_account(c, id);
    if (!a) return error{errc::unauthenticated, "Wrong phone number or password."};
    storage::insert_session(c, h, id, now, expires);
    return *a;
  };
  auto acct = co_await ctx.a.write(std::move(start_session));
  if (!acct) co_return problem(acct.err());
  json::object body;
  body["token"] = token;
  body["account"] = to_json(acct.value());
  co_return json_response(http::status::created, body);
}

net::awaitable<response> logout(context& ctx) {
  auto end_session = [h = hash_token(ctx.token)](storage::connection& c) -> result<unit> {
    storage::delete_session(c, h);
    return unit{};
  };
  co_await ctx.a.write(std::move(end_session));
  co_return empty_response(http::status::no_content);
}

net::awaitable<response> me(context& ctx) { co_return json_response(http::status::ok, to_json(*ctx.caller)); }

}  // namespace

void add_account_routes(route_table& t) {
  t.add(http::verb::post, "/v1/accounts", {auth_mode::none, body_mode::required, register_account});
  t.add(http::verb::post, "/v1/partners", {auth_mode::required, body_mode::required, create_partner});
  t.add(http::verb::post, "/v1/sessions", {auth_mode::none, body_mode::required, login});
  t.add(http::verb::delete_, "/v1/sessions/current", {auth_mode::required, body_mode::none, logout});
  t.add(http::verb::get, "/v1/me", {auth_mode::required, body_mode::none, me});
}

}  // namespace cunji::server
