// The farmers' shop pages: /my/shops (the shops I manage; opening one when I have none), a
// shop with its listings (/my/shops/{id}), a new listing with a photo from the phone's camera
// (a multipart form: the photo is made into renditions as by POST /v1/listings/{id}/photos
// and stored with the listing in one write), and a listing's price and stock
// (/my/listings/{id}). The same use cases as the /v1 routes; who may is core/policy.hpp's.
#include "server/web/pages/farmer.hpp"

#include <charconv>
#include <map>
#include <span>

#include "core/policy.hpp"
#include "core/text.hpp"
#include "photos/renditions.hpp"
#include "server/app.hpp"
#include "server/crypto.hpp"
#include "server/query_params.hpp"
#include "server/web/pages/page_views.hpp"
#include "server/web/view_format.hpp"
#include "storage/store.hpp"

namespace cunji::server::web {

std::optional<storage::idempotency_key> farm_form_key(const page_context& ctx, std::string scope,
                                                      std::string_view what) {
  const auto key = ctx.body.str("key");
  if (key.empty() || key.size() > 255) return std::nullopt;
  return storage::idempotency_key{ctx.me->id, std::move(scope), std::string(key), sha256(what)};
}

net::awaitable<managed_shop> find_managed_shop(page_context& ctx, std::int64_t id) {
  auto s = co_await ctx.store().catalog().find_shop(id);
  if (!s) co_return managed_shop{std::nullopt, ctx.pages.error_page(ctx, http::status::not_found, "error.not_found")};
  if (!can_manage(*ctx.me, *s))
    co_return managed_shop{std::nullopt, ctx.pages.error_page(ctx, http::status::forbidden, "error.forbidden")};
  co_return managed_shop{std::move(s), std::nullopt};
}

namespace {

std::string id_text(std::int64_t id) { return std::to_string(id); }

// "0".."max" as a whole number (digits only).
std::optional<std::int64_t> parse_count(std::string_view s, std::int64_t max) {
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || s.front() == '-' || ec != std::errc{} || p != s.data() + s.size() || v > max) return std::nullopt;
  return v;
}

// --- my shops ------------------------------------------------------------------------------

struct shop_form {
  std::string name, description, name_error, form_error;
};

net::awaitable<response> render_shops(page_context& ctx, http::status st, const shop_form& in) {
  if (!can_open_shop(*ctx.me)) co_return ctx.pages.error_page(ctx, http::status::forbidden, "error.forbidden");
  storage::shop_filter f;
  f.managed_by = ctx.me->id;
  f.page.limit = 50;
  const auto page = co_await ctx.store().catalog().list_shops(std::move(f));
  view rows{view::type::list};
  for (const auto& s : page.items) {
    view v{view::type::object};
    v.set("id", id_text(s.id));
    v.set("name", s.name);
    rows.push_back(v);
  }
  view v{view::type::object};
  v.set("shops", rows);
  v.set("has_shops", view(!page.items.empty()));
  // A farmer opens its own shop here; a partner opens one for a villager (not on these pages).
  v.set("can_open", view(page.items.empty() && ctx.me->role == role::farmer));
  v.set("form_key", new_form_key());
  v.set("name", in.name);
  v.set("description", in.description);
  if (!in.name_error.empty()) v.set("name_error", in.name_error);
  if (!in.form_error.empty()) v.set("form_error", in.form_error);
  co_return ctx.pages.render(ctx, st, "farm_shops", ctx.t("farm.shops_title"), std::move(v));
}

// Not a temporary: GCC 12 destroys a braced temporary argument of a coroutine call twice.
const shop_form no_shop_form{};

net::awaitable<response> shops_get(page_context& ctx) {
  co_return co_await render_shops(ctx, http::status::ok, no_shop_form);
}

net::awaitable<response> shop_open(page_context& ctx) {
  shop_form in{std::string(text::trim(ctx.body.str("name"))), std::string(ctx.body.str("description")), {}, {}};
  auto key = farm_form_key(ctx, "PAGE POST /my/shops", in.name + '\n' + in.description);
  if (!key) co_return ctx.pages.error_page(ctx, http::status::forbidden, "error.forbidden");
  storage::shop_opening o{*ctx.me, in.name, in.description, std::nullopt, ctx.now()};
  if (check_name(in.name, shop_name_max)) in.name_error = std::string(ctx.t("form.required"));
  if (check_description(in.description)) in.form_error = std::string(ctx.t("form.too_long"));
  if (!in.name_error.empty() || !in.form_error.empty()) {
    if (in.form_error.empty()) in.form_error = std::string(ctx.t("error.form"));
    co_return co_await render_shops(ctx, http::status::unprocessable_entity, in);
  }
  storage::renderer<shop> render = [](const result<shop>& r) {
    return r ? page_answer(201, id_text(r->id)) : page_problem(r.err());
  };
  const auto a = co_await ctx.store().catalog().open_shop(std::move(o), std::move(key), std::move(render));
  if (a.status == 201) co_return ctx.pages.redirect(ctx, "/my/shops/" + a.body);
  if (a.status == 403) co_return ctx.pages.error_page(ctx, http::status::forbidden, "error.forbidden");
  std::string detail;
  answer_errors(a, &detail);
  in.form_error = std::string(ctx.t("error.conflict")) + detail;
  co_return co_await render_shops(ctx, static_cast<http::status>(a.status), in);
}

// --- one shop ------------------------------------------------------------------------------

net::awaitable<response> shop_get(page_context& ctx) {
  const auto id = ctx.path_id().value_or(0);
  auto m = co_await find_managed_shop(ctx, id);
  if (m.stop) co_return std::move(*m.stop);
  query_params qp(ctx.req.target());
  storage::listing_query q;
  q.shop_id = id;
  q.limit = 30;
  if (qp.str("cursor"))
    if (auto c = qp.cursor_for("ln", 1)) q.after = c->keys;
  const auto page = co_await ctx.store().catalog().browse(std::move(q));
  view rows{view::type::list};
  for (const auto& l : page.items) {
    view v{view::type::object};
    v.set("id", id_text(l.id));
    v.set("title", short_text(l.title, 40));
    v.set("price", price_per_unit(ctx.lang, l.price_fen, l.unit));
    v.set("stock", std::to_string(l.stock));
    rows.push_back(v);
  }
  view v{view::type::object};
  v.set("id", id_text(id));
  v.set("name", m.s->name);
  v.set("listings", rows);
  v.set("has_listings", view(!page.items.empty()));
  if (ctx.query("created")) v.set("notice", std::string(ctx.t("farm.listed_ok")));
  if (ctx.query("saved")) v.set("notice", std::string(ctx.t("farm.saved_ok")));
  if (auto next = next_cursor("ln", page.next_keys)) v.set("next_href", with_param(ctx.req.target(), "cursor", *next));
  co_return ctx.pages.render(ctx, http::status::ok, "farm_shop", m.s->name, std::move(v));
}

// --- a new listing -------------------------------------------------------------------------

struct listing_form {
  std::string title, description, category, unit, price, stock;
  std::map<std::string, std::string> errors;  // by field name of the form
  std::string form_error;
};

view choices(lang l, std::span<const std::string_view> codes, std::string_view selected, bool units) {
  view list{view::type::list};
  for (const auto c : codes) {
    view v{view::type::object};
    v.set("code", std::string(c));
    v.set("word", std::string(units ? unit_word(l, c) : category_word(l, c)));
    v.set("selected", view(c == selected));
    list.push_back(v);
  }
  return list;
}

response render_new(page_context& ctx, http::status st, const shop& s, const listing_form& in) {
  view v{view::type::object};
  v.set("shop_id", id_text(s.id));
  v.set("shop_name", s.name);
  v.set("form_key", new_form_key());
  v.set("title", in.title);
  v.set("description", in.description);
  v.set("categories", choices(ctx.lang, categories, in.category, false));
  v.set("units", choices(ctx.lang, units, in.unit.empty() ? "jin" : in.unit, true));
  v.set("price", in.price);
  v.set("stock", in.stock);
  for (const auto& [field, message] : in.errors) v.set(field + "_error", message);
  if (!in.form_error.empty()) v.set("form_error", in.form_error);
  return ctx.pages.render(ctx, st, "farm_listing_new", ctx.t("farm.new_listing"), std::move(v));
}

// Reads and checks the fields (as the /v1 route does), into `in` and the storage patch.
storage::listing_patch read_listing(page_context& ctx, listing_form& in) {
  const auto& b = ctx.body;
  in = {std::string(b.str("title")),
        std::string(b.str("description")),
        std::string(b.str("category")),
        std::string(b.str("unit")),
        std::string(b.str("price")),
        std::string(b.str("stock")),
        {},
        {}};
  storage::listing_patch p;
  p.title = std::string(text::trim(in.title));
  if (p.title->empty()) in.errors["title"] = ctx.t("form.required");
  else if (check_title(*p.title)) in.errors["title"] = ctx.t("form.too_long");
  if (check_description(in.description)) in.errors["description"] = ctx.t("form.too_long");
  p.description = in.description;
  if (!is_category(in.category)) in.errors["category"] = ctx.t("form.invalid");
  if (!is_unit(in.unit)) in.errors["unit"] = ctx.t("form.invalid");
  p.category = in.category;
  p.unit = in.unit;
  p.price_fen = parse_yuan(in.price);
  if (!p.price_fen || check_price(*p.price_fen)) in.errors["price"] = ctx.t("farm.price_range");
  const auto stock = parse_count(in.stock, stock_max);
  if (!stock) in.errors["stock"] = ctx.t("farm.stock_range");
  p.stock = stock;
  return p;
}

net::awaitable<response> listing_new(page_context& ctx) {
  auto m = co_await find_managed_shop(ctx, ctx.path_id().value_or(0));
  if (m.stop) co_return std::move(*m.stop);
  listing_form in;
  in.stock = "1";
  co_return render_new(ctx, http::status::ok, *m.s, in);
}

// The photo's renditions, made on the image pool as for POST /v1/listings/{id}/photos; a
// message key when the photo cannot be used.
net::awaitable<result<photos::renditions>> make_photo(page_context& ctx, std::string_view bytes) {
  const auto type = photos::sniff(bytes);
  if (!type) co_return error{errc::validation_failed, "farm.photo_type"};
  const auto slot = ctx.app.take_photo_job_slot();
  if (!slot) co_return error{errc::rate_limited, "error.unavailable"};
  auto job = [bytes, media = *type] { return std::optional(photos::make_renditions(bytes, media)); };
  auto made = co_await ctx.app.on_photo_pool(std::move(job));
  if (!*made) co_return error{errc::validation_failed, "farm.photo_type"};
  co_return std::move(made->value());
}

net::awaitable<response> listing_create(page_context& ctx) {
  const auto shop_id = ctx.path_id().value_or(0);
  auto m = co_await find_managed_shop(ctx, shop_id);
  if (m.stop) co_return std::move(*m.stop);
  listing_form in;
  storage::listing_creation l;
  l.fields = read_listing(ctx, in);
  const form_file* photo = nullptr;
  for (const auto& f : ctx.files)
    if (f.name == "photo") photo = &f;
  const auto digest = sha256(photo ? photo->bytes : std::string_view{});
  const std::string what = in.title + '\n' + in.description + '\n' + in.category + '\n' + in.unit + '\n' + in.price +
                           '\n' + in.stock + '\n' + std::string(digest.begin(), digest.end());
  auto key = farm_form_key(ctx, "PAGE POST /my/shops/" + id_text(shop_id) + "/listings", what);
  if (!key) co_return ctx.pages.error_page(ctx, http::status::forbidden, "error.forbidden");
  const auto done = [&](std::string_view listing_id) {
    return ctx.pages.redirect(ctx, "/my/shops/" + id_text(shop_id) + "?created=" + std::string(listing_id));
  };
  if (auto stored = co_await ctx.store().stored_answer(*key); stored && stored->status == 201)
    co_return done(stored->body);  // a double tap: no second decoding
  if (!in.errors.empty()) {
    in.form_error = ctx.t("error.form");
    co_return render_new(ctx, http::status::unprocessable_entity, *m.s, in);
  }
  if (photo) {
    auto made = co_await make_photo(ctx, photo->bytes);
    if (!made) {
      const bool busy = made.err().code == errc::rate_limited;
      if (!busy) in.errors["photo"] = ctx.t(made.err().detail);
      in.form_error = ctx.t(busy ? "error.unavailable" : "error.form");
      co_return render_new(ctx, busy ? http::status::service_unavailable : http::status::unprocessable_entity, *m.s,
                           in);
    }
    storage::photo_upload u;
    u.small = {std::move(made->small.name), std::move(made->small.bytes)};
    u.large = {std::move(made->large.name), std::move(made->large.bytes)};
    u.width = made->large.width;
    u.height = made->large.height;
    l.photo = std::move(u);
  }
  l.shop_id = shop_id;
  l.caller = *ctx.me;
  l.now = ctx.now();
  storage::renderer<listing> render = [](const result<listing>& r) {
    return r ? page_answer(201, id_text(r->id)) : page_problem(r.err());
  };
  const auto a = co_await ctx.store().catalog().create_listing(std::move(l), std::move(key), std::move(render));
  if (a.status == 201) co_return done(a.body);
  std::string detail;
  for (const auto& e : answer_errors(a, &detail))
    in.errors[e.field == "price_fen" ? "price" : e.field] = ctx.t("form.invalid");
  in.form_error = std::string(ctx.t(a.status == 422 ? "error.form" : "error.conflict"));
  if (a.status != 422) in.form_error += detail;
  co_return render_new(ctx, static_cast<http::status>(a.status), *m.s, in);
}

// --- a listing's price and stock -----------------------------------------------------------

struct stock_form {
  std::string price, stock;
  std::map<std::string, std::string> errors;
  std::string form_error;
};

// The listing `id` and its shop if the visitor manages it; otherwise the page to answer.
net::awaitable<std::pair<std::optional<listing>, std::optional<response>>> managed_listing(page_context& ctx) {
  auto l = co_await ctx.store().catalog().find_listing(ctx.path_id().value_or(0), ctx.me);
  if (!l) co_return std::pair{std::nullopt, ctx.pages.error_page(ctx, http::status::not_found, "error.not_found")};
  auto m = co_await find_managed_shop(ctx, l->shop_id);
  if (m.stop) co_return std::pair{std::nullopt, std::move(m.stop)};
  co_return std::pair{std::move(l.value()), std::nullopt};
}

response render_edit(page_context& ctx, http::status st, const listing& l, const stock_form& in) {
  view v{view::type::object};
  v.set("id", id_text(l.id));
  v.set("shop_id", id_text(l.shop_id));
  v.set("title", l.title);
  v.set("unit", std::string(unit_word(ctx.lang, l.unit)));
  v.set("price", in.price);
  v.set("stock", in.stock);
  for (const auto& [field, message] : in.errors) v.set(field + "_error", message);
  if (!in.form_error.empty()) v.set("form_error", in.form_error);
  if (!l.photos.empty()) {
    view card = listing_card(ctx.lang, l);
    v.set("photo", *card.get("photo"));
  }
  return ctx.pages.render(ctx, st, "farm_listing_edit", ctx.t("farm.edit_title"), std::move(v));
}

net::awaitable<response> listing_edit(page_context& ctx) {
  auto found = co_await managed_listing(ctx);  // no structured binding: GCC 12 coroutines
  if (found.second) co_return std::move(*found.second);
  const auto& l = found.first;
  stock_form in;
  in.price = yuan(l->price_fen).substr(std::string_view("¥").size());  // as typed: 12.50
  in.stock = std::to_string(l->stock);
  co_return render_edit(ctx, http::status::ok, *l, in);
}

// Setting a price and a stock is idempotent in itself: a double tap sets the same values twice.
net::awaitable<response> listing_save(page_context& ctx) {
  auto found = co_await managed_listing(ctx);  // no structured binding: GCC 12 coroutines
  if (found.second) co_return std::move(*found.second);
  const auto& l = found.first;
  stock_form in{std::string(ctx.body.str("price")), std::string(ctx.body.str("stock")), {}, {}};
  storage::listing_update u;
  u.listing_id = l->id;
  u.caller = *ctx.me;
  u.now = ctx.now();
  u.patch.price_fen = parse_yuan(in.price);
  if (!u.patch.price_fen || check_price(*u.patch.price_fen)) in.errors["price"] = ctx.t("farm.price_range");
  u.patch.stock = parse_count(in.stock, stock_max);
  if (!u.patch.stock) in.errors["stock"] = ctx.t("farm.stock_range");
  if (!in.errors.empty()) {
    in.form_error = ctx.t("error.form");
    co_return render_edit(ctx, http::status::unprocessable_entity, *l, in);
  }
  const auto res = co_await ctx.store().catalog().update_listing(std::move(u));
  if (res) co_return ctx.pages.redirect(ctx, "/my/shops/" + id_text(l->shop_id) + "?saved=1");
  in.form_error = std::string(ctx.t("error.conflict")) + res.err().detail;
  co_return render_edit(ctx, http::status::conflict, *l, in);
}

}  // namespace

void add_farmer_pages(page_table& t) {
  t.add(http::verb::get, "/my/shops", {shops_get, true});
  t.add(http::verb::post, "/my/shops", {shop_open, true});
  t.add(http::verb::get, "/my/shops/{id}", {shop_get, true});
  t.add(http::verb::get, "/my/shops/{id}/listings/new", {listing_new, true});
  // A phone's photo: up to the photo limit of POST /v1/listings/{id}/photos, and the form.
  t.add(http::verb::post, "/my/shops/{id}/listings",
        {listing_create, true, true, photos::limits{}.max_bytes + 64 * 1024});
  t.add(http::verb::get, "/my/listings/{id}", {listing_edit, true});
  t.add(http::verb::post, "/my/listings/{id}", {listing_save, true});
  add_farmer_money_pages(t);
}

}  // namespace cunji::server::web
