// Listings: shop managers create and edit them; anyone browses and searches the active ones.
#include <algorithm>
#include <charconv>
#include <memory>

#include "core/text.hpp"
#include "server/app.hpp"
#include "server/compression.hpp"
#include "server/finish.hpp"
#include "server/json_input.hpp"
#include "server/json_output.hpp"
#include "server/problem.hpp"
#include "server/query_params.hpp"
#include "storage/catalog.hpp"

namespace cunji::server {

namespace {

response no_listing() { return problem(error{errc::not_found, "No such listing."}); }

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Appends the entity tags of a comma-separated list (`"a", W/"b"`) to `out`; false if an
// element is not one (RFC 9110: [W/] DQUOTE *etagc DQUOTE). Empty elements are allowed.
bool split_entity_tags(std::string_view list, std::vector<std::string_view>& out) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto tag = trim_ows(list.substr(0, comma));
    if (!tag.empty()) {
      const auto opaque = tag.starts_with("W/") ? tag.substr(2) : tag;
      if (opaque.size() < 2 || opaque.front() != '"' || opaque.back() != '"') return false;
      for (const char ch : opaque.substr(1, opaque.size() - 2)) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x21 || c == '"' || c == 0x7F) return false;  // etagc: %x21 / %x23-7E / obs-text
      }
      out.push_back(tag);
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return true;
}

// Reads the listing fields present in `f` into a patch, checking each value.
storage::listing_patch read_listing_fields(fields& f, bool creating) {
  storage::listing_patch p;
  p.title = f.trimmed("title", creating);
  p.description = f.str("description", false);
  p.category = f.str("category", creating);
  p.unit = f.str("unit", creating);
  p.price_fen = f.integer("price_fen", creating, price_min_fen, price_max_fen);
  p.stock = f.integer("stock", creating, 0, stock_max);
  if (p.title) f.check("title", check_title(*p.title));
  if (p.description) f.check("description", check_description(*p.description));
  if (p.category && !is_category(*p.category)) f.add("category", "is not a known category");
  if (p.unit && !is_unit(*p.unit)) f.add("unit", "is not a known unit");
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
// `version` (server/response_cache.hpp), and answers with it. Its gzip bytes are made only for
// a client that asks for gzip: most clients of the API send no Accept-Encoding, and compressing
// every uncached answer for them doubled the CPU of a filtered browse.
net::awaitable<response> remember(context& ctx, std::string key, std::uint64_t version, std::string body,
                                  std::string etag) {
  cached_response c{std::move(body), std::move(etag), {}};
  if (gzip_wanted(ctx.req, c.body.size())) c.gzip = co_await gzip_body(ctx.app, c.body);
  auto entry = std::make_shared<const cached_response>(std::move(c));
  ctx.app.responses().store(std::move(key), version, entry, entry->bytes());
  co_return cached_answer(ctx.req, http::status::ok, *entry);
}

// The answer from a cache hit. The first gzip client of an entry made for an identity client
// compresses it once and stores the entry again with its gzip bytes.
net::awaitable<response> answer_hit(context& ctx, std::string key, std::uint64_t version,
                                    std::shared_ptr<const cached_response> hit) {
  if (hit->gzip.empty() && gzip_wanted(ctx.req, hit->body.size()))
    co_return co_await remember(ctx, std::move(key), version, hit->body, hit->etag);
  co_return cached_answer(ctx.req, http::status::ok, *hit);
}

response listing_response(http::status status, const listing& l) {
  std::string body;
  append_json(body, l);
  return listing_response(status, std::move(body), listing_etag(l.id, l.version));
}

net::awaitable<response> create_listing(context& ctx) {
  storage::listing_creation l;
  l.shop_id = ctx.path_id().value_or(0);
  l.caller = *ctx.caller;
  fields f(ctx.body_object(), {"title", "description", "category", "unit", "price_fen", "stock", "status"});
  l.fields = read_listing_fields(f, true);
  l.invalid = std::move(f.errors());
  l.now = ctx.now();
  const auto res = co_await ctx.store().catalog().create_listing(std::move(l));
  if (!res) co_return problem(res.err());
  co_return listing_response(http::status::created, res.value());
}

// Anyone may read a listing that is not a draft, and reads the same answer: those answers are
// cached (server/response_cache.hpp). A draft's depends on the caller and never is.
net::awaitable<response> get_listing(context& ctx) {
  const auto id = ctx.path_id();
  if (!id) co_return no_listing();
  const auto version = ctx.store().changes().catalog();  // before reading
  auto key = "listing " + std::to_string(*id);
  if (auto hit = ctx.app.responses().find(key, version))
    co_return co_await answer_hit(ctx, std::move(key), version, std::move(hit));
  const auto l = co_await ctx.store().catalog().find_listing(*id, ctx.caller);
  if (!l) co_return problem(l.err());
  if (l->status == listing_status::draft) co_return listing_response(http::status::ok, l.value());
  std::string body;
  append_json(body, l.value());
  auto etag = listing_etag(l->id, l->version);
  co_return co_await remember(ctx, std::move(key), version, std::move(body), std::move(etag));
}

// The If-Match header of a request for listing `id`.
struct if_match_header {
  bool malformed = false;  // neither "*" nor a list of quoted entity tags: 400
  // The versions of the listed tags that name this listing, possibly none (the answer is then
  // 412); nullopt without the header or with "*" (no precondition). Any tag of a list may match
  // (RFC 9110, If-Match); weak tags never do. The tag of a gzip answer ("12-3-gzip") names
  // the same version as the identity one: both representations are of that version.
  std::optional<std::vector<std::int64_t>> versions;
};

if_match_header read_if_match(const request& req, std::int64_t id) {
  const auto [first, last] = req.equal_range(http::field::if_match);
  if (first == last) return {};
  std::vector<std::string_view> tags;
  bool star = false;
  for (auto it = first; it != last; ++it) {
    const std::string_view v(it->value().data(), it->value().size());
    if (trim_ows(v) == "*") star = true;
    else if (!split_entity_tags(v, tags)) return {true, std::nullopt};
  }
  if (star && tags.empty()) return {};                    // "*": no precondition
  if (star || tags.empty()) return {true, std::nullopt};  // "*" stands alone; a list names a tag
  const std::string prefix = "\"" + std::to_string(id) + "-";
  std::vector<std::int64_t> versions;
  for (const auto tag : tags) {
    if (!tag.starts_with(prefix)) continue;  // weak, or another listing's
    auto num = tag.substr(prefix.size(), tag.size() - prefix.size() - 1);
    if (num.ends_with(gzip_tag_suffix)) num.remove_suffix(gzip_tag_suffix.size());  // the gzip answer's tag
    std::int64_t ver = 0;
    const auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), ver);
    if (ec == std::errc{} && p == num.data() + num.size()) versions.push_back(ver);
  }
  return {false, std::move(versions)};
}

net::awaitable<response> patch_listing(context& ctx) {
  storage::listing_update u;
  u.listing_id = ctx.path_id().value_or(0);
  auto if_match = read_if_match(ctx.req, u.listing_id);
  if (if_match.malformed)
    co_return problem(http::status::bad_request, "malformed_request",
                      "If-Match must be * or a list of quoted entity tags such as \"12-3\".");
  u.caller = *ctx.caller;
  fields f(ctx.body_object(), {"title", "description", "category", "unit", "price_fen", "stock", "status"});
  u.patch = read_listing_fields(f, false);
  u.invalid = std::move(f.errors());
  u.if_match = std::move(if_match.versions);
  u.now = ctx.now();
  const auto res = co_await ctx.store().catalog().update_listing(std::move(u));
  if (res) co_return listing_response(http::status::ok, res.value());
  auto failed = problem(res.err());
  // A 412 names the listing's current entity tag, to read it again with.
  if (res.err().code == errc::precondition_failed && res.err().current_version)
    failed.set(http::field::etag, listing_etag(ctx.path_id().value_or(0), *res.err().current_version));
  co_return failed;
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
  const auto version = ctx.store().changes().catalog();  // before reading
  std::string key = "browse ";
  key += ctx.req.target();
  if (auto hit = ctx.app.responses().find(key, version))
    co_return co_await answer_hit(ctx, std::move(key), version, std::move(hit));
  query_params qp(ctx.req.target());
  storage::listing_query q;
  const auto text = qp.str("q");
  if (text) {
    const auto len = cunji::text::utf8_length(*text);
    if (!len) qp.add("q", "must be valid UTF-8");
    else if (*len > query_max_chars) qp.add("q", "must be at most 100 characters");
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
  const auto page = co_await ctx.store().catalog().browse(std::move(q));
  auto body = listing_page_json(page.items, next_cursor(spec->tag, page.next_keys));
  co_return co_await remember(ctx, std::move(key), version, std::move(body), {});
}

}  // namespace

void add_listing_routes(route_table& t) {
  t.add(http::verb::post, "/v1/shops/{id}/listings", {auth_mode::required, body_mode::required, create_listing});
  t.add(http::verb::get, "/v1/listings", {auth_mode::none, body_mode::none, browse});
  t.add(http::verb::get, "/v1/listings/{id}", {auth_mode::optional, body_mode::none, get_listing});
  t.add(http::verb::patch, "/v1/listings/{id}", {auth_mode::required, body_mode::required, patch_listing});
}

}  // namespace cunji::server
