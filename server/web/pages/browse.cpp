// Browsing: / (search box, categories, poverty-relief produce first), /search (the filters of
// GET /v1/listings, paged by a "next" link), /listings/{id} and /shops/{id}.
#include "core/text.hpp"
#include "server/app.hpp"
#include "server/query_params.hpp"
#include "server/web/page_app.hpp"
#include "server/web/pages/page_views.hpp"
#include "server/web/view_format.hpp"
#include "storage/store.hpp"

namespace cunji::server::web {

namespace {

view category_list(lang l, std::string_view selected) {
  view list{view::type::list};
  for (const auto c : categories) {
    view v{view::type::object};
    v.set("code", std::string(c));
    v.set("word", std::string(category_word(l, c)));
    v.set("selected", view(c == selected));
    list.push_back(v);
  }
  return list;
}

// The home page's body is the same for every visitor of a language: rendered once per catalog
// change (page_app::render_public).
net::awaitable<response> home(page_context& ctx) {
  const auto version = ctx.store().changes().catalog();  // before reading
  auto key = std::string("home ") + std::string(lang_code(ctx.lang));
  const auto title = ctx.t("site.tagline");
  if (const auto hit = ctx.pages.find_public(key, version))
    co_return ctx.pages.frame(ctx, http::status::ok, title, *hit);
  storage::listing_query relief;
  relief.poverty_relief_only = true;
  relief.in_stock_only = true;
  relief.limit = 8;
  const auto relief_page = co_await ctx.store().catalog().browse(relief);
  storage::listing_query newest;
  newest.in_stock_only = true;
  newest.limit = 8;
  const auto newest_page = co_await ctx.store().catalog().browse(newest);
  view v{view::type::object};
  v.set("categories", category_list(ctx.lang, ""));
  v.set("has_relief", view(!relief_page.items.empty()));
  v.set("relief", cards(ctx.lang, relief_page.items));
  v.set("newest", cards(ctx.lang, newest_page.items));
  const auto body = ctx.pages.render_public(ctx, std::move(key), version, "home", v);
  co_return ctx.pages.frame(ctx, http::status::ok, title, *body);
}

struct sort_choice {
  std::string_view code;
  storage::listing_sort sort;
  std::string_view tag;  // of the cursor, as GET /v1/listings spells it
  std::size_t keys;
};
constexpr sort_choice sort_choices[] = {
    {"relevance", storage::listing_sort::relevance, "lr", 3},
    {"newest", storage::listing_sort::newest, "ln", 1},
    {"price_asc", storage::listing_sort::price_asc, "lpa", 2},
    {"price_desc", storage::listing_sort::price_desc, "lpd", 2},
};

// A search's body depends on the target and the language alone: kept like the home page's.
net::awaitable<response> search(page_context& ctx) {
  const auto version = ctx.store().changes().catalog();  // before reading
  auto key = "search " + std::string(lang_code(ctx.lang)) + " " + std::string(ctx.req.target());
  const auto title = ctx.t("search.title");
  if (const auto hit = ctx.pages.find_public(key, version))
    co_return ctx.pages.frame(ctx, http::status::ok, title, *hit);
  query_params qp(ctx.req.target());
  view v{view::type::object};
  view errors{view::type::list};
  storage::listing_query q;
  const auto text = qp.str("q").value_or("");
  const auto len = text::utf8_length(text);
  const bool has_text = !text.empty();
  if (!len || *len > query_max_chars)
    errors.push_back(std::string(ctx.t("search.label")) + ": " + std::string(ctx.t("form.too_long")));
  else if (has_text) q.text = text;
  const auto category = qp.str("category").value_or("");
  if (!category.empty() && is_category(category)) q.category = category;
  q.poverty_relief_only = qp.str("poverty_relief").value_or("") == "1";
  q.in_stock_only = qp.str("in_stock").value_or("") == "1";
  const auto min_price = qp.str("min_price").value_or("");
  const auto max_price = qp.str("max_price").value_or("");
  if (!min_price.empty() && !(q.min_price_fen = parse_yuan(min_price)))
    errors.push_back(std::string(ctx.t("search.min_price")) + ": " + std::string(ctx.t("form.invalid")));
  if (!max_price.empty() && !(q.max_price_fen = parse_yuan(max_price)))
    errors.push_back(std::string(ctx.t("search.max_price")) + ": " + std::string(ctx.t("form.invalid")));
  const auto sort_name = qp.str("sort").value_or(has_text ? "relevance" : "newest");
  const sort_choice* choice = &sort_choices[has_text ? 0 : 1];
  for (const auto& s : sort_choices)
    if (s.code == sort_name && (has_text || s.sort != storage::listing_sort::relevance)) choice = &s;
  q.sort = choice->sort;
  if (qp.str("cursor")) {
    if (auto c = qp.cursor_for(choice->tag, choice->keys)) q.after = c->keys;
    else errors.push_back(std::string(ctx.t("error.bad_request")));
  }
  view sorts{view::type::list};
  for (const auto& s : sort_choices) {
    if (!has_text && s.sort == storage::listing_sort::relevance) continue;
    view o{view::type::object};
    o.set("code", std::string(s.code));
    o.set("word", std::string(ctx.t("sort." + std::string(s.code))));
    o.set("selected", view(&s == choice));
    sorts.push_back(o);
  }
  v.set("q", text);
  v.set("categories", category_list(ctx.lang, category));
  v.set("sorts", sorts);
  v.set("min_price", min_price);
  v.set("max_price", max_price);
  v.set("relief_only", view(q.poverty_relief_only));
  v.set("in_stock", view(q.in_stock_only));
  const bool bad = !errors.is_empty_list();
  v.set("errors", errors);
  if (bad) co_return ctx.pages.render(ctx, http::status::unprocessable_entity, "search", title, v);
  const auto page = co_await ctx.store().catalog().browse(std::move(q));
  v.set("results", cards(ctx.lang, page.items));
  if (auto next = next_cursor(choice->tag, page.next_keys))
    v.set("next_href", with_param(ctx.req.target(), "cursor", *next));
  const auto body = ctx.pages.render_public(ctx, std::move(key), version, "search", v);
  co_return ctx.pages.frame(ctx, http::status::ok, title, *body);
}

net::awaitable<response> listing_page(page_context& ctx) {
  co_return co_await render_listing(ctx, ctx.path_id().value_or(0), http::status::ok, "1", "");
}

net::awaitable<response> shop_page(page_context& ctx) {
  const auto id = ctx.path_id().value_or(0);
  const auto shop = co_await ctx.store().catalog().find_shop(id);
  if (!shop || shop->status != shop_status::active)
    co_return ctx.pages.error_page(ctx, http::status::not_found, "error.not_found");
  query_params qp(ctx.req.target());
  storage::listing_query q;
  q.shop_id = id;
  if (qp.str("cursor")) {
    if (auto c = qp.cursor_for("ln", 1)) q.after = c->keys;
  }
  const auto page = co_await ctx.store().catalog().browse(std::move(q));
  view v{view::type::object};
  v.set("name", shop->name);
  v.set("description", shop->description);
  v.set("listings", cards(ctx.lang, page.items));
  if (auto next = next_cursor("ln", page.next_keys)) v.set("next_href", with_param(ctx.req.target(), "cursor", *next));
  co_return ctx.pages.render(ctx, http::status::ok, "shop", shop->name, std::move(v));
}

}  // namespace

net::awaitable<response> render_listing(page_context& ctx, std::int64_t id, http::status st, std::string quantity,
                                        std::string quantity_error) {
  const auto found = co_await ctx.store().catalog().find_listing(id, ctx.me);
  if (!found) co_return ctx.pages.error_page(ctx, http::status::not_found, "error.not_found");
  const auto& x = found.value();
  const auto shop = co_await ctx.store().catalog().find_shop(x.shop_id);
  const auto county = co_await ctx.store().regions().find_county(x.county_id);
  view v = listing_card(ctx.lang, x);
  v.set("title", x.title);
  view photos{view::type::list};
  for (const auto& p : x.photos) {
    view ph{view::type::object};
    ph.set("src", photo_url(p.small_name));
    const int long_side = std::max(1, std::max(p.width, p.height));
    const double scale = long_side > 320 ? 320.0 / long_side : 1.0;
    ph.set("width", std::to_string(std::max(1, static_cast<int>(p.width * scale + 0.5))));
    ph.set("height", std::to_string(std::max(1, static_cast<int>(p.height * scale + 0.5))));
    ph.set("alt", x.title);
    photos.push_back(ph);
  }
  v.set("photos", photos);
  v.set("shop_id", std::to_string(x.shop_id));
  v.set("shop_name", shop ? shop->name : std::string());
  v.set("county", county ? county->province + " " + county->name : std::string());
  v.set("category", std::string(category_word(ctx.lang, x.category)));
  v.set("description", x.description);
  v.set("in_stock", view(x.stock > 0));
  v.set("stock", std::to_string(x.stock));
  v.set("quantity", quantity);
  if (!quantity_error.empty()) v.set("quantity_error", quantity_error);
  co_return ctx.pages.render(ctx, st, "listing", x.title, std::move(v));
}

void add_browse_pages(page_table& t) {
  t.add(http::verb::get, "/", {home});
  t.add(http::verb::get, "/search", {search});
  t.add(http::verb::get, "/listings/{id}", {listing_page});
  t.add(http::verb::get, "/shops/{id}", {shop_page});
}

}  // namespace cunji::server::web
