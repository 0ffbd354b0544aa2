// Listings: shop managers create and edit them; anyone browses and searches the active ones.
#include <algorithm>
#include <charconv>
#include <memory>

#include "core/text.hpp"
#include "server/app.hpp"
#include "server/json_input.hpp"
#include "server/json_output.hpp"
#include "server/problem.hpp"
#include "server/query_params.hpp"
#include "storage/search/listing_search.hpp"
#include "storage/sql/catalog.hpp"

namespace cunji::server {

namespace {

response no_listing() { return problem(error{errc::not_found, "No such listing."}); }

// Reads the listing fields present in `f` into a patch, checking each value.
storage::listing_patch read_listing_fields(fields& f, bool creating) {
  storage::listing_patch p;
  p.title = f.str("title", creating);
  p.description = f.str("description", false);
  p.category = f.str("category", creating);
  p.unit = f.str("unit", creating);
  p.price_fen = f.integer("price_fen", creating);
  p.stock = f.integer("stock", creating);
  if (p.title) f.check("title", check_title(*p.title));
  if (p.description) f.check("description", check_description(*p.description));
  if (p.category && !is_category(*p.category)) f.add("category", "is not a known category");
  if (p.unit && !is_unit(*p.unit)) f.add("unit", "is not a known unit");
  if (p.price_fen) f.check("price_fen", check_price(*p.price_fen));
  if (p.stock) f.check("stock", check_stock(*p.stock));
  if (auto st = f.str("status", false)) {
    p.status = parse_listing_status(*st);
    if (!p.status || (creating && p.status == listing_status::archived))
      f.add("status", creating ? "must be active or draft" : "must be active, draft or archived");
  }
  return p;
}

response listing_response(http::status status, std::string body, std::string_view etag) {
  auto res = json_text_response(status, std::move(body));
  res.set(http::field::etag, etag);
  return res;
}

// Keeps a rendered public answer under `key`, computed after loading catalog counter value
// `version` (server/response_cache.hpp), and returns it for answering now.
std::shared_ptr<const cached_response> remember(context& ctx, std::string key, std::uint64_t version,
                                                cached_response rendered) {
  auto entry = std::make_shared<const cached_response>(std::move(rendered));
  ctx.a.responses().store(std::move(key), version, entry, entry->body.size() + entry->etag.size());
  return entry;
}

response listing_response(http::status status, const listing& l) {
  std::string body;
  append_json(body, l);
  return listing_response(status, std::move(body), listing_etag(l.id, l.version));
}

net::awaitable<response> create_listing(context& ctx) {
  const auto shop_id = ctx.path_id();
  auto s = shop_id ? storage::find_shop(ctx.a.db().reader(), *shop_id) : std::nullopt;
  if (!s) co_return problem(error{errc::not_found, "No such shop."});
  if (!can_manage(*ctx.caller, *s))
    co_return problem(error{errc::forbidden, "Only the shop's owner or the partner running it can add listings."});
  fields f(ctx.body_object(), {"title", "description", "category", "unit", "price_fen", "stock", "status"});
  const auto p = read_listing_fields(f, true);
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));
  storage::new_listing l{*p.title, p.description.value_or(""), *p.category, *p.unit, *p.price_fen, *p.stock,
                         p.status.value_or(listing_status::active)};
  auto cmd = [sid = s->id, l, now = ctx.a.now()](storage::connection& c) -> result<listing> {
    const auto cur = storage::find_shop(c, sid);
    if (!cur) return error{errc::not_found, "No such shop."};
    return storage::insert_listing(c, *cur, l, now);
  };
  auto res = co_await ctx.a.write(std::move(cmd));
  if (!res) co_return problem(res.err());
  co_return listing_response(http::status::created, res.value());
}

// Anyone may read a listing that is not a draft, and reads the same answer: those answers are
// cached (server/response_cache.hpp). A draft's depends on the caller and never is.
net::awaitable<response> get_listing(context& ctx) {
  const auto id = ctx.path_id();
  if (!id) co_return no_listing();
  const auto version = ctx.a.db().changes().catalog();  // before reading
  auto key = "listing " + std::to_string(*id);
  if (const auto hit = ctx.a.responses().find(key, version))
    co_return listing_response(http::status::ok, hit->body, hit->etag);
  auto& db = ctx.a.db().reader();
  auto l = storage::find_listing(db, *id);
  if (!l) co_return no_listing();
  if (l->status == listing_status::draft) {
    const auto s = storage::find_shop(db, l->shop_id);
    if (!s || !can_view(ctx.caller, *s, *l)) co_return no_listing();
    co_return listing_response(http::status::ok, *l);
  }
  cached_response rendered;
  append_json(rendered.body, *l);
  rendered.etag = listing_etag(l->id, l->version);
  const auto entry = remember(ctx, std::move(key), version, std::move(rendered));
  co_return listing_response(http::status::ok, entry->body, entry->etag);
}

// The versions named by an If-Match header for listing `id`: nullopt when there is no header
// or it is "*" (no precondition); else the versions of the listed tags that name this listing,
// possibly none (the answer is then 412). Any tag of a list may match (RFC 9110, If-Match).
std::optional<std::vector<std::int64_t>> if_match_versions(const request& req, std::int64_t id) {
  const auto it = req.find(http::field::if_match);
  if (it == req.end()) return std::nullopt;
  std::string_view v = it->value();
  if (v == "*") return std::nullopt;
  const std::string prefix = "\"" + std::to_string(id) + "-";
  std::vector<std::int64_t> versions;
  while (!v.empty()) {
    const auto comma = v.find(',');
    auto tag = v.substr(0, comma);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.size() > prefix.size() + 1 && tag.substr(0, prefix.size()) == prefix && tag.back() == '"') {
      const auto num = tag.substr(prefix.size(), tag.size() - prefix.size() - 1);
      std::int64_t ver = 0;
      const auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), ver);
      if (ec == std::errc{} && p == num.data() + num.size()) versions.push_back(ver);
    }
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  return versions;
}

net::awaitable<response> patch_listing(context& ctx) {
  const auto id = ctx.path_id();
  auto& db = ctx.a.db().reader();
  auto l = id ? storage::find_listing(db, *id) : std::nullopt;
  if (!l) co_return no_listing();
  const auto s = storage::find_shop(db, l->shop_id);
  if (!s || !can_view(ctx.caller, *s, *l)) co_return no_listing();
  if (!can_manage(*ctx.caller, *s))
    co_return problem(error{errc::forbidden, "Only the shop's owner or the partner running it can edit listings."});
  fields f(ctx.body_object(), {"title", "description", "category", "unit", "price_fen", "stock", "status"});
  const auto p = read_listing_fields(f, false);
  if (!f.ok()) co_return problem(validation(std::move(f.errors())));
  const auto versions = if_match_versions(ctx.req, *id);
  if (versions && versions->empty())
    co_return problem(error{errc::precondition_failed, "The listing has changed since it was read (If-Match)."});
  auto cmd = [id = *id, p, versions, now = ctx.a.now()](storage::connection& c) -> result<listing> {
    // The precondition holds if the current version is any of the listed ones; checked here,
    // in the write transaction, so no other edit can come in between.
    std::optional<std::int64_t> expected;
    if (versions) {
      const auto cur = storage::find_listing(c, id);
      if (!cur) return error{errc::not_found, "No such listing."};
      const bool listed = std::find(versions->begin(), versions->end(), cur->version) != versions->end();
      expected = listed ? cur->version : versions->front();
    }
    return storage::update_listing(c, id, p, expected, now);
  };
  auto res = co_await ctx.a.write(std::move(cmd));
  if (!res) co_return problem(res.err());
  co_return listing_response(http::status::ok, res.value());
}

struct sort_spec {
  std::string_view name;
  storage::listing_sort sort;
  std::string_view tag;
  std::size_t keys;
};
constexpr sort_spec sorts[] = {
    {"newest", storage::listing_sort::newest, "ln", 1},
    {"price_asc", storage::listing_sort::price_asc, "lpa", 2},
    {"price_desc", storage::listing_sort::price_desc, "lpd", 2},
    {"relevance", storage::listing_sort::relevance, "lr", 3},
};

// The answer depends on the target and the catalog alone (no caller: the route takes no token),
// so it is cached by target (server/response_cache.hpp).
net::awaitable<response> browse(context& ctx) {
  const auto version = ctx.a.db().changes().catalog();  // before reading
  std::string key = "browse ";
  key += ctx.req.target();
  if (const auto hit = ctx.a.responses().find(key, version)) co_return json_text_response(http::status::ok, hit->body);
  query_params qp(ctx.req.target());
  storage::listing_query q;
  const auto text = qp.str("q");
  if (text) {
    const auto len = cunji::text::utf8_length(*text);
    if (!len)
      qp.add("q", "must be valid UTF-8");
    else if (*len > query_max_chars)
      qp.add("q", "must be at most 100 characters");
  }
  q.category = qp.str("category");
  if (q.category && !is_category(*q.category)) qp.add("category", "is not a known category");
  q.county_id = qp.id("county_id");
  q.village_id = qp.id("village_id");
  q.shop_id = qp.id("shop_id");
  q.poverty_relief_only = qp.boolean("poverty_relief").value_or(false);
  q.min_price_fen = qp.integer("min_price_fen", 0, price_max_fen);
  q.max_price_fen = qp.integer("max_price_fen", 0, price_max_fen);
  q.in_stock_only = qp.boolean("in_stock").value_or(false);
  q.limit = qp.limit();
  const bool has_text = text && !text->empty();
  const auto sort_name = qp.str("sort").value_or(has_text ? "relevance" : "newest");
  const sort_spec* spec = nullptr;
  for (const auto& s : sorts)
    if (s.name == sort_name) spec = &s;
  if (!spec) qp.add("sort", "must be relevance, newest, price_asc or price_desc");
  if (spec && spec->sort == storage::listing_sort::relevance && !has_text) spec = &sorts[0];
  std::optional<cursor> after;
  if (spec) after = qp.cursor_for(spec->tag, spec->keys);
  if (!qp.ok()) co_return problem(validation(std::move(qp.errors())));

  q.sort = spec->sort;
  if (after) q.after = after->keys;
  if (has_text) q.text = *text;
  auto& db = ctx.a.db();
  const auto page = storage::browse_listings(db.reader(), q, &db.rankings());
  const auto entry =
      remember(ctx, std::move(key), version, {listing_page_json(page.items, next_cursor(spec->tag, page.next_keys)), {}});
  co_return json_text_response(http::status::ok, entry->body);
}

}  // namespace

void add_listing_routes(route_table& t) {
  t.add(http::verb::post, "/v1/shops/{id}/listings", {auth_mode::required, body_mode::required, create_listing});
  t.add(http::verb::get, "/v1/listings", {auth_mode::none, body_mode::none, browse});
  t.add(http::verb::get, "/v1/listings/{id}", {auth_mode::optional, body_mode::none, get_listing});
  t.add(http::verb::patch, "/v1/listings/{id}", {auth_mode::required, body_mode::required, patch_listing});
}

}  // namespace cunji::server
