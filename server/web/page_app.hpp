#pragma once
// The web pages: server-rendered HTML beside /v1, dispatched apart from it. Every page request
// gets its visitor read (language, page session, anonymous id, cart), every POST is checked
// for a cross-site origin, a form body and its CSRF token before its handler runs, and every
// answer gets the pages' security headers. Handlers call the same storage use cases as the /v1
// handlers (ctx.store()), never HTTP.
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/account.hpp"
#include "server/http.hpp"
#include "server/router.hpp"
#include "server/web/cart.hpp"
#include "server/web/csrf.hpp"
#include "server/web/forms.hpp"
#include "server/web/messages.hpp"
#include "server/web/multipart.hpp"
#include "server/web/templates.hpp"
#include "storage/accounts.hpp"
#include "storage/cache/versioned_cache.hpp"

namespace cunji::server {
class application;
}
namespace cunji::storage {
class store;
}

namespace cunji::server::web {

class page_app;

// What a page handler gets.
struct page_context {
  page_app& pages;
  application& app;
  const request& req;
  route_params params;
  std::string_view route;  // the matched template
  web::lang lang = web::lang::zh;
  std::optional<account> me;                    // the signed-in visitor
  std::optional<storage::token_hash> sid_hash;  // its page session
  csrf_token csrf{};                            // the visitor's token, unmasked
  std::vector<cart_line> cart;                  // as the cookie says, validated
  form body;                                    // a POST's fields
  std::vector<form_file> files;                 // a multipart POST's files (views into req)
  std::vector<std::string> set_cookies;         // Set-Cookie values to send
  std::string extra_form_action;                // another origin forms may post to (the pay redirect)

  storage::store& store() const;
  unix_seconds now() const;
  std::optional<std::int64_t> path_id(std::string_view name = "id") const;
  std::string_view t(std::string_view key) const { return msg(lang, key); }
  // A fresh masking of the visitor's CSRF token, for one form.
  std::string csrf_field() const { return mask(csrf); }
  // The value of query parameter `name` (decoded), if any.
  std::optional<std::string> query(std::string_view name) const;
  // Sets the cart cookie to `lines` (deleted when empty).
  void save_cart(const std::vector<cart_line>& lines);
};

using page_fn = net::awaitable<response> (*)(page_context&);
struct page_route {
  page_fn fn = nullptr;
  bool signed_in = false;  // anonymous visitors are sent to /signin
  // The route also takes multipart/form-data (a form with a file), up to body_limit bytes
  // (0: the server's limit).
  bool multipart = false;
  std::size_t body_limit = 0;
};
using page_table = router<page_route>;

class page_app {
 public:
  explicit page_app(application& app);

  // The answer of the page at the request's path, or nullopt when no page has the path.
  net::awaitable<std::optional<response>> handle(const request& req, std::string& route_out);

  // The HTML 404 page, for a GET or HEAD of a path no route or page has whose Accept prefers
  // text/html (see prefers_html).
  net::awaitable<response> not_found(const request& req, std::string& route_out);

  // Template `name` rendered into the layout, with the headers every page gets.
  response render(page_context& ctx, http::status st, std::string_view name, std::string_view title, view v) const;
  // A rendered page body into the layout, with the headers every page gets.
  response frame(page_context& ctx, http::status st, std::string_view title, std::string body) const;

  // Public page bodies: the same for every visitor (no session, no CSRF token, no cart), so
  // rendered once and kept by `key` (it names the page, the language and the query) while the
  // catalog counter keeps `version`, the value loaded before the data was read.
  std::shared_ptr<const std::string> find_public(std::string_view key, std::uint64_t version);
  // Renders template `name` from `v` alone (it gets no csrf and no me) and keeps it.
  std::shared_ptr<const std::string> render_public(page_context& ctx, std::string key, std::uint64_t version,
                                                   std::string_view name, const view& v);
  // 303 See Other to `location` (a path of this site, or the payment gateway).
  response redirect(page_context& ctx, std::string location) const;
  response error_page(page_context& ctx, http::status st, std::string_view message_key) const;

  // Starts a new page session for `account_id` (ending the visitor's old one) and sets its cookie.
  net::awaitable<result<account>> sign_in(page_context& ctx, std::int64_t account_id);
  net::awaitable<void> sign_out(page_context& ctx);

  const page_templates& templates() const noexcept { return templates_; }
  const page_table& routes() const noexcept { return routes_; }
  // The body limit of the page at `target` when not the server's (0).
  std::size_t body_limit_for(http::verb method, std::string_view target) const;
  std::size_t largest_body_limit() const noexcept;

 private:
  net::awaitable<void> read_visitor(page_context& ctx);
  net::awaitable<response> run(page_context& ctx, const page_route& r);
  // Reads a POST's form (or multipart form) into ctx; an error page if it cannot.
  std::optional<response> read_body(page_context& ctx, const page_route& r) const;
  void finish(page_context& ctx, response& res) const;

  application& app_;
  page_templates templates_;
  page_table routes_;
  csrf_key csrf_key_;
  std::array<view, 2> shared_;  // per language, {"t": the catalogue as nested objects}
  storage::versioned_cache<std::string> public_bodies_{8 << 20};
};

// Whether an Accept header prefers HTML to JSON: text/html is named (not only matched by a
// wildcard) with a q above 0 and at least the q that application/json and
// application/problem+json get (exactly, by application/* or by */*). Browsers' navigations
// do; API clients (no Accept, */*, application/json) do not.
bool prefers_html(std::string_view accept);

// True if some page has this path (for any method).
bool is_page_path(std::string_view path);

// Page registration, one function per area (server/web/pages/*.cpp).
void add_browse_pages(page_table& t);
void add_account_pages(page_table& t);
void add_cart_pages(page_table& t);
void add_order_pages(page_table& t);
void add_station_pages(page_table& t);  // partners: villagers, ordering for them, cash
void add_parcel_pages(page_table& t);   // partners: the station's parcels and its day
void add_report_pages(page_table& t);
void add_farmer_pages(page_table& t);

}  // namespace cunji::server::web
