// Signing in and out, and registering as a buyer: /signin, /register, /signout. The same use
// cases as POST /v1/sessions and POST /v1/accounts, but a page session (a cookie) instead of a
// bearer token.
#include "core/account.hpp"
#include "server/app.hpp"
#include "server/crypto.hpp"
#include "server/web/page_app.hpp"
#include "storage/store.hpp"

namespace cunji::server::web {

namespace {

// A path of this site to go back to after signing in ("/" for anything else).
std::string safe_next(std::string_view next) {
  if (next.empty() || next.front() != '/' || next.starts_with("//") || next.find('\\') != std::string_view::npos)
    return "/";
  return std::string(next);
}

// The word for a field error of the core's.
std::string field_message(const page_context& ctx, const field_error& e) {
  if (e.message.find("required") != std::string::npos) return std::string(ctx.t("form.required"));
  if (e.message == "is taken") return std::string(ctx.t("form.taken"));
  if (e.field == "password") return std::string(ctx.t("form.password_short"));
  return std::string(ctx.t("form.invalid"));
}

response signin_form(page_context& ctx, http::status st, std::string_view phone, std::string_view form_error,
                     const std::vector<field_error>& errors = {}) {
  view v{view::type::object};
  v.set("phone", std::string(phone));
  v.set("next", safe_next(ctx.body.get("next").value_or(ctx.query("next").value_or("/"))));
  if (!form_error.empty()) v.set("form_error", std::string(form_error));
  for (const auto& e : errors) v.set(e.field + "_error", field_message(ctx, e));
  return ctx.pages.render(ctx, st, "signin", ctx.t("signin.title"), std::move(v));
}

net::awaitable<response> signin_get(page_context& ctx) {
  if (ctx.me) co_return ctx.pages.redirect(ctx, safe_next(ctx.query("next").value_or("/")));
  co_return signin_form(ctx, http::status::ok, "", "");
}

net::awaitable<response> signin_post(page_context& ctx) {
  const std::string typed(ctx.body.str("phone"));
  const std::string password(ctx.body.str("password"));
  std::vector<field_error> missing;
  if (typed.empty()) missing.push_back({"phone", "is required"});
  if (password.empty()) missing.push_back({"password", "is required"});
  if (!missing.empty())
    co_return signin_form(ctx, http::status::unprocessable_entity, typed, ctx.t("error.form"), missing);
  const auto phone = normalize_phone(typed);
  const auto now = ctx.now();
  const login_throttle policy;
  auto& accounts = ctx.store().accounts();
  const auto attempt = co_await accounts.begin_login(phone, now - policy.window_s, policy.max_failures);
  if (const auto wait = login_retry_after(attempt.recent_failures, now, policy)) {
    auto res = signin_form(ctx, http::status::too_many_requests, typed, ctx.t("signin.throttled"));
    res.set(http::field::retry_after, std::to_string(*wait));
    co_return res;
  }
  const auto& creds = attempt.found;
  auto verify = [hash = creds ? creds->password_hash : ctx.app.dummy_password_hash(), pw = password] {
    return verify_password(hash, pw);
  };
  const bool ok = co_await ctx.app.on_cpu(std::move(verify)) && creds.has_value();
  if (!ok) {
    co_await accounts.record_login_failure(phone, now);
    co_return signin_form(ctx, http::status::unprocessable_entity, typed, ctx.t("signin.wrong"));
  }
  const auto acct = co_await ctx.pages.sign_in(ctx, creds->account_id);
  if (!acct) co_return signin_form(ctx, http::status::unprocessable_entity, typed, ctx.t("signin.wrong"));
  co_return ctx.pages.redirect(ctx, safe_next(ctx.body.str("next")));
}

response register_form(page_context& ctx, http::status st, const registration& r,
                       const std::vector<field_error>& errors = {}) {
  view v{view::type::object};
  v.set("name", r.name);
  v.set("phone", r.phone);
  if (!errors.empty()) v.set("form_error", std::string(ctx.t("error.form")));
  for (const auto& e : errors) v.set(e.field + "_error", field_message(ctx, e));
  return ctx.pages.render(ctx, st, "register", ctx.t("register.title"), std::move(v));
}

net::awaitable<response> register_get(page_context& ctx) {
  co_return register_form(ctx, http::status::ok, registration{});
}

net::awaitable<response> register_post(page_context& ctx) {
  registration r;
  r.role = role::buyer;
  r.name = std::string(ctx.body.str("name"));
  r.phone = std::string(ctx.body.str("phone"));
  r.password = std::string(ctx.body.str("password"));
  const registration typed = r;
  normalize(r);
  if (auto errs = validate_registration(r); !errs.empty())
    co_return register_form(ctx, http::status::unprocessable_entity, typed, errs);
  const auto params = ctx.app.config().password;
  auto hash_job = [pw = r.password, params] { return hash_password(pw, params); };
  auto hash = co_await ctx.app.on_cpu(std::move(hash_job));
  const auto made = co_await ctx.store().accounts().register_account(std::move(r), std::move(hash), ctx.now());
  if (!made) {
    auto errs = made.err().errors;
    if (errs.empty()) errs.push_back({"phone", "is invalid"});
    co_return register_form(ctx, http::status::unprocessable_entity, typed, errs);
  }
  const auto acct = co_await ctx.pages.sign_in(ctx, made->id);
  if (!acct) co_return ctx.pages.error_page(ctx, http::status::internal_server_error, "error.internal");
  co_return ctx.pages.redirect(ctx, "/");
}

net::awaitable<response> signout(page_context& ctx) {
  co_await ctx.pages.sign_out(ctx);
  co_return ctx.pages.redirect(ctx, "/");
}

}  // namespace

void add_account_pages(page_table& t) {
  t.add(http::verb::get, "/signin", {signin_get});
  t.add(http::verb::post, "/signin", {signin_post});
  t.add(http::verb::get, "/register", {register_get});
  t.add(http::verb::post, "/register", {register_post});
  t.add(http::verb::post, "/signout", {signout});
}

}  // namespace cunji::server::web
