#include "server/web/page_app.hpp"

#include <algorithm>
#include <charconv>
#include <exception>

#include "core/text.hpp"
#include "server/app.hpp"
#include "server/crypto.hpp"
#include "server/web/session.hpp"
#include "storage/store.hpp"

namespace cunji::server::web {

storage::store& page_context::store() const { return app.store(); }
unix_seconds page_context::now() const { return app.now(); }

std::optional<std::int64_t> page_context::path_id(std::string_view name) const {
  const auto s = params.get(name);
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

std::optional<std::string> page_context::query(std::string_view name) const {
  for (auto& [k, v] : parse_query(req.target()))
    if (k == name) return std::move(v);
  return std::nullopt;
}

void page_context::save_cart(const std::vector<cart_line>& lines) {
  const bool insecure = app.config().insecure_cookies;
  if (lines.empty()) set_cookies.push_back(set_cookie("cart", "", insecure, 0));
  else set_cookies.push_back(set_cookie("cart", format_cart(lines), insecure, 30 * 86'400));
  cart = lines;
}

namespace {

// The catalogue as {"site": {"name": ...}, ...} for {{t.site.name}}.
view nested_messages(lang l) {
  view root{view::type::object};
  for (const auto& m : all_messages()) {
    const auto dot = m.key.find('.');
    const std::string group(m.key.substr(0, dot));
    const std::string leaf(m.key.substr(dot + 1));
    view* g = root.get(group) ? const_cast<view*>(root.get(group)) : nullptr;
    if (!g) {
      root.set(group, view{view::type::object});
      g = const_cast<view*>(root.get(group));
    }
    g->set(leaf, std::string(l == lang::en ? m.en : m.zh));
  }
  return root;
}

std::string hex(const storage::token_hash& h) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (const auto b : h) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

bool is_form_media_type(std::string_view ct) {
  auto type = ct.substr(0, ct.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return beast::iequals(type, "application/x-www-form-urlencoded");
}

// {{#me}}{{name}}{{/me}}: the signed-in visitor, or false.
view me_view(const page_context& ctx) {
  if (!ctx.me) return view{view::type::bool_false};
  view me{view::type::object};
  me.set("name", ctx.me->name);
  me.set("partner", view(ctx.me->role == role::partner));
  me.set("seller", view(ctx.me->role == role::farmer));
  return me;
}

page_table make_routes() {
  page_table t;
  add_browse_pages(t);
  add_account_pages(t);
  add_cart_pages(t);
  add_order_pages(t);
  add_station_pages(t);
  add_parcel_pages(t);
  add_report_pages(t);
  add_farmer_pages(t);
  return t;
}

// The q of `type` ("text/html") under an Accept header: the most specific range that matches
// it (exact, then type/*, then */*); 0 when none does. `named` says whether it was exact.
double q_of(std::string_view accept, std::string_view type, bool* named = nullptr) {
  const auto slash = type.find('/');
  int best_rank = -1;
  double q = 0;
  while (!accept.empty()) {
    const auto comma = accept.find(',');
    auto item = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
    const auto semi = item.find(';');
    auto range = text::trim(item.substr(0, semi));
    double item_q = 1;
    for (auto params = semi == std::string_view::npos ? std::string_view{} : item.substr(semi + 1); !params.empty();) {
      const auto next = params.find(';');
      const auto p = text::trim(params.substr(0, next));
      if (p.size() > 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=')
        if (std::from_chars(p.data() + 2, p.data() + p.size(), item_q).ec != std::errc{}) item_q = 0;
      params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
    }
    int rank = -1;
    if (beast::iequals(range, type)) rank = 2;
    else if (range.size() == slash + 2 && beast::iequals(range.substr(0, slash + 1), type.substr(0, slash + 1)) &&
             range.back() == '*')
      rank = 1;
    else if (range == "*/*") rank = 0;
    if (rank > best_rank) {
      best_rank = rank;
      q = item_q;
    }
  }
  if (named) *named = best_rank == 2;
  return std::clamp(q, 0.0, 1.0);
}

}  // namespace

bool prefers_html(std::string_view accept) {
  bool named = false;
  const auto html = q_of(accept, "text/html", &named);
  return named && html > 0 && html >= q_of(accept, "application/json") &&
         html >= q_of(accept, "application/problem+json");
}

bool is_page_path(std::string_view path) {
  static const page_table table = make_routes();
  const auto m = table.find(http::verb::get, path);
  return m.route || !m.allow.empty();
}

page_app::page_app(application& app) : app_(app), templates_(embedded_templates()), routes_(make_routes()) {
  for (const auto l : {lang::zh, lang::en}) {
    auto& shared = shared_[l == lang::en ? 1 : 0];
    shared = view{view::type::object};
    shared.set("t", nested_messages(l));
  }
}

net::awaitable<void> page_app::read_visitor(page_context& ctx) {
  const auto& cfg = app_.config();
  const auto names = cookie_names(cfg.insecure_cookies);
  if (auto l = ctx.query("lang"); l && parse_lang(*l, ctx.lang)) {
    ctx.set_cookies.push_back(set_cookie("lang", lang_code(ctx.lang), cfg.insecure_cookies, 365 * 86'400));
  } else if (auto c = request_cookie(ctx.req, "lang")) {
    parse_lang(*c, ctx.lang);
  }
  if (auto sid = request_cookie(ctx.req, names.sid)) {
    const auto h = hash_token(*sid);
    std::optional<storage::page_session> s;
    const auto now = ctx.now();
    if (is_token_shaped(*sid)) s = co_await ctx.store().accounts().find_page_session(h, now, cfg.page_idle.count());
    if (s) {
      ctx.me = std::move(s->who);
      ctx.sid_hash = h;
      // The idle clock restarts at use, written at most once a minute.
      if (now - s->last_seen_at >= 60) co_await ctx.store().accounts().touch_page_session(h, now);
    } else {
      ctx.set_cookies.push_back(set_cookie(names.sid, "", cfg.insecure_cookies, 0));
    }
  }
  std::string binding;
  if (ctx.sid_hash) {
    binding = "s:" + hex(*ctx.sid_hash);
  } else {
    std::string anon;
    if (auto a = request_cookie(ctx.req, names.anon); a && is_token_shaped(*a)) {
      anon = std::string(*a);
    } else {
      anon = new_token();
      ctx.set_cookies.push_back(set_cookie(names.anon, anon, cfg.insecure_cookies));
    }
    binding = "a:" + anon;
  }
  ctx.csrf = csrf_key_.token_for(binding);
  if (auto c = request_cookie(ctx.req, "cart")) ctx.cart = parse_cart(*c);
}

std::optional<response> page_app::read_body(page_context& ctx, const page_route& r) const {
  const auto ct_field = ctx.req[http::field::content_type];
  const std::string_view ct(ct_field.data(), ct_field.size());
  if (r.multipart) {
    if (const auto boundary = multipart_boundary(ct); !boundary.empty()) {
      multipart_limits lim;
      auto m = parse_multipart(ctx.req.body(), boundary, lim);
      if (m.error == multipart_error::too_large)
        return error_page(ctx, http::status::payload_too_large, "error.too_large");
      if (m.error != multipart_error::none) return error_page(ctx, http::status::bad_request, "error.bad_request");
      ctx.body = std::move(m.fields);
      ctx.files = std::move(m.files);
      return std::nullopt;
    }
  }
  if (!is_form_media_type(ct)) return error_page(ctx, http::status::unsupported_media_type, "error.bad_request");
  auto f = parse_form(ctx.req.body());
  if (!f) return error_page(ctx, http::status::bad_request, "error.bad_request");
  ctx.body = std::move(*f);
  return std::nullopt;
}

std::size_t page_app::body_limit_for(http::verb method, std::string_view target) const {
  const auto m = routes_.find(method, target_path(target));
  return m.route ? m.route->body_limit : 0;
}

std::size_t page_app::largest_body_limit() const noexcept {
  std::size_t most = 0;
  routes_.for_each([&most](http::verb, std::string_view, const page_route& r) { most = std::max(most, r.body_limit); });
  return most;
}

net::awaitable<response> page_app::run(page_context& ctx, const page_route& r) {
  co_await read_visitor(ctx);
  if (ctx.req.method() == http::verb::post) {
    if (is_cross_site(ctx.req)) co_return error_page(ctx, http::status::forbidden, "error.forbidden");
    if (auto stop = read_body(ctx, r)) co_return std::move(*stop);
    if (!unmask_matches(ctx.body.str("_csrf"), ctx.csrf))
      co_return error_page(ctx, http::status::forbidden, "error.forbidden");
  }
  if (r.signed_in && !ctx.me) {
    std::string next(target_path(ctx.req.target()));
    co_return redirect(ctx, "/signin?next=" + url_encode(next));
  }
  co_return co_await r.fn(ctx);
}

net::awaitable<std::optional<response>> page_app::handle(const request& req, std::string& route_out) {
  const auto path = target_path(req.target());
  auto m = routes_.find(req.method(), path);
  if (!m.route && m.allow.empty()) co_return std::nullopt;
  route_out = std::string(m.tmpl);
  page_context ctx{*this, app_, req, std::move(m.params), m.tmpl, lang::zh, std::nullopt, std::nullopt, {}, {}, {},
                   {},    {},   {}};
  if (!m.route) {
    auto res = error_page(ctx, http::status::method_not_allowed, "error.method");
    res.set(http::field::allow, m.allow);
    co_return res;
  }
  if (!is_well_formed_target(req.target())) co_return error_page(ctx, http::status::bad_request, "error.bad_request");
  std::exception_ptr failure;
  try {
    co_return co_await run(ctx, *m.route);
  } catch (...) {
    failure = std::current_exception();
  }
  try {
    std::rethrow_exception(failure);
  } catch (const storage::failure& e) {
    std::fprintf(stderr, "error: page %s: %s\n", route_out.c_str(), e.what());
    if (e.unavailable()) co_return error_page(ctx, http::status::service_unavailable, "error.unavailable");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: page %s: %s\n", route_out.c_str(), e.what());
  }
  co_return error_page(ctx, http::status::internal_server_error, "error.internal");
}

void page_app::finish(page_context& ctx, response& res) const {
  std::string csp = "default-src 'none'; style-src " + templates_.style_source() +
                    "; img-src 'self' data:; form-action 'self'";
  if (!ctx.extra_form_action.empty()) csp += " " + ctx.extra_form_action;
  csp += "; frame-ancestors 'none'; base-uri 'none'";
  res.set("Content-Security-Policy", csp);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "same-origin");
  res.set(http::field::cache_control, "no-store");
  for (const auto& c : ctx.set_cookies) res.insert(http::field::set_cookie, c);
  res.prepare_payload();
}

response page_app::render(page_context& ctx, http::status st, std::string_view name, std::string_view title,
                          view v) const {
  // The catalogue ({{t.…}}) is looked up in shared, never copied into the page's view.
  const auto& shared = shared_[ctx.lang == lang::en ? 1 : 0];
  v.set("csrf", ctx.csrf_field());
  v.set("me", me_view(ctx));
  return frame(ctx, st, title, templates_.render(name, v, &shared));
}

std::shared_ptr<const std::string> page_app::find_public(std::string_view key, std::uint64_t version) {
  return public_bodies_.find(key, version);
}

std::shared_ptr<const std::string> page_app::render_public(page_context& ctx, std::string key, std::uint64_t version,
                                                           std::string_view name, const view& v) {
  auto body = std::make_shared<const std::string>(templates_.render(name, v, &shared_[ctx.lang == lang::en ? 1 : 0]));
  public_bodies_.store(std::move(key), version, body, body->size());
  return body;
}

response page_app::frame(page_context& ctx, http::status st, std::string_view title, std::string body) const {
  const auto& shared = shared_[ctx.lang == lang::en ? 1 : 0];
  view layout{view::type::object};
  layout.set("csrf", ctx.csrf_field());
  layout.set("me", me_view(ctx));
  layout.set("lang_tag", std::string(lang_tag(ctx.lang)));
  layout.set("title", std::string(title));
  if (!ctx.cart.empty()) layout.set("cart_count", std::to_string(ctx.cart.size()));
  const auto other = ctx.lang == lang::en ? lang::zh : lang::en;
  layout.set("other_lang_code", std::string(lang_code(other)));
  layout.set("other_lang_href", std::string(target_path(ctx.req.target())) + "?lang=" + std::string(lang_code(other)));
  layout.set("body", std::move(body));
  response res{st, 11};
  res.set(http::field::content_type, "text/html; charset=utf-8");
  res.body() = templates_.render("layout", layout, &shared);
  finish(ctx, res);
  return res;
}

net::awaitable<response> page_app::not_found(const request& req, std::string& route_out) {
  route_out = "page-not-found";
  page_context ctx{*this, app_, req, {}, route_out, lang::zh, std::nullopt, std::nullopt, {}, {}, {}, {}, {}, {}};
  co_await read_visitor(ctx);
  co_return error_page(ctx, http::status::not_found, "error.not_found");
}

response page_app::redirect(page_context& ctx, std::string location) const {
  response res{http::status::see_other, 11};
  res.set(http::field::location, location);
  finish(ctx, res);
  return res;
}

response page_app::error_page(page_context& ctx, http::status st, std::string_view message_key) const {
  view v{view::type::object};
  v.set("message", std::string(ctx.t(message_key)));
  return render(ctx, st, "error", ctx.t("error.title"), std::move(v));
}

net::awaitable<result<account>> page_app::sign_in(page_context& ctx, std::int64_t account_id) {
  const auto& cfg = app_.config();
  auto& accounts = ctx.store().accounts();
  if (ctx.sid_hash) co_await accounts.end_page_session(*ctx.sid_hash);
  const auto token = new_token();
  const auto now = ctx.now();
  auto acct = co_await accounts.start_page_session(hash_token(token), account_id, now, now + cfg.page_absolute.count());
  if (acct) {
    ctx.set_cookies.push_back(
        set_cookie(cookie_names(cfg.insecure_cookies).sid, token, cfg.insecure_cookies, cfg.page_absolute.count()));
    ctx.me = acct.value();
    ctx.sid_hash = hash_token(token);
  }
  co_return acct;
}

net::awaitable<void> page_app::sign_out(page_context& ctx) {
  const auto& cfg = app_.config();
  if (ctx.sid_hash) co_await ctx.store().accounts().end_page_session(*ctx.sid_hash);
  ctx.set_cookies.push_back(set_cookie(cookie_names(cfg.insecure_cookies).sid, "", cfg.insecure_cookies, 0));
  ctx.me.reset();
  ctx.sid_hash.reset();
}

}  // namespace cunji::server::web
