// Listing photos: shop managers upload and delete them; anyone fetches a rendition by name.
// Decoding and encoding (photos/renditions.hpp) run on the image pool, at most photo_threads at
// once, with at most photo_jobs_max uploads admitted (running or waiting): beyond, 503.
#include <optional>
#include <string_view>

#include "photos/renditions.hpp"
#include "server/app.hpp"
#include "server/json_output.hpp"
#include "server/problem.hpp"
#include "storage/catalog.hpp"

namespace cunji::server {

namespace {

response no_photo() { return problem(http::status::not_found, "not_found", "No such photo."); }

response overloaded() {
  auto res = problem(http::status::service_unavailable, "overloaded",
                     "Too many photos are being processed; retry shortly.");
  res.set(http::field::retry_after, "1");
  return res;
}

net::awaitable<response> upload_photo(context& ctx) {
  const auto listing_id = ctx.path_id().value_or(0);
  // 404, 403 and 409 before any decoding.
  const auto target = co_await ctx.store().catalog().check_photo_upload(listing_id, *ctx.caller);
  if (!target) co_return problem(target.err());
  const auto type = photos::parse_media_type(ctx.req[http::field::content_type]);  // checked by dispatch
  if (!type) co_return problem(http::status::unsupported_media_type, "unsupported_media_type", "Send an image.");
  const auto slot = ctx.app.take_photo_job_slot();
  if (!slot) co_return overloaded();
  const std::string_view bytes(ctx.req.body());  // the request outlives the job
  const auto media = *type;
  // In an optional: an awaited result must be default-constructible, cunji::result is not.
  auto job = [bytes, media] { return std::optional(photos::make_renditions(bytes, media)); };
  auto outcome = co_await ctx.app.on_photo_pool(std::move(job));
  auto& made = *outcome;
  if (!made) co_return problem(made.err());
  storage::photo_upload u;
  u.listing_id = listing_id;
  u.caller = *ctx.caller;
  u.small = {std::move(made->small.name), std::move(made->small.bytes)};
  u.large = {std::move(made->large.name), std::move(made->large.bytes)};
  u.width = made->large.width;
  u.height = made->large.height;
  u.now = ctx.now();
  const auto res = co_await ctx.store().catalog().add_photo(std::move(u));
  if (!res) co_return problem(res.err());
  std::string body;
  append_json(body, res.value());
  co_return json_text_response(http::status::created, std::move(body));
}

net::awaitable<response> delete_photo(context& ctx) {
  const auto listing_id = ctx.path_id().value_or(0);
  const auto photo_id = ctx.path_id("photo_id").value_or(0);
  const auto res = co_await ctx.store().catalog().remove_photo(listing_id, photo_id, *ctx.caller, ctx.now());
  if (!res) co_return problem(res.err());
  co_return empty_response(http::status::no_content);
}

// A rendition's bytes never change (its name is their hash): cached for a year, immutable.
net::awaitable<response> get_photo(context& ctx) {
  std::string name(ctx.params.get("name"));
  if (!photos::is_rendition_name(name)) co_return no_photo();
  const auto type = photos::content_type_of(name);
  auto bytes = co_await ctx.store().catalog().photo_bytes(std::move(name));
  if (!bytes) co_return no_photo();
  response res{http::status::ok, 11};
  res.set(http::field::content_type, type);
  res.set(http::field::cache_control, "public, max-age=31536000, immutable");
  res.body() = std::move(*bytes);
  res.prepare_payload();
  co_return res;
}

}  // namespace

void add_photo_routes(route_table& t) {
  route upload{auth_mode::required, body_mode::image, upload_photo};
  upload.body_limit = photos::limits{}.max_bytes;  // 8 MiB, whatever the server's limit
  t.add(http::verb::post, "/v1/listings/{id}/photos", upload);
  t.add(http::verb::delete_, "/v1/listings/{id}/photos/{photo_id}",
        {auth_mode::required, body_mode::none, delete_photo});
  t.add(http::verb::get, "/photos/{name}", {auth_mode::none, body_mode::none, get_photo});
}

}  // namespace cunji::server
