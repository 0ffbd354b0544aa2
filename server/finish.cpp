#include "server/finish.hpp"

#include "server/app.hpp"
#include "server/compression.hpp"

namespace cunji::server {

namespace {

bool has_body_status(const response& res) {
  const auto s = res.result();
  return res.result_int() >= 200 && s != http::status::no_content && s != http::status::not_modified;
}

void add_vary_accept_encoding(response& res) {
  const auto vary = res[http::field::vary];
  if (vary.empty()) res.set(http::field::vary, "Accept-Encoding");
  else if (vary.find("Accept-Encoding") == std::string_view::npos && vary != "*")
    res.set(http::field::vary, std::string(vary) + ", Accept-Encoding");
}

// An If-None-Match of a GET or HEAD names the 200 answer's ETag: it becomes 304, keeping the
// header fields a cache needs (ETag, Vary, Cache-Control) and none of the body's.
bool answer_not_modified(const request& req, response& res) {
  if (req.method() != http::verb::get && req.method() != http::verb::head) return false;
  if (res.result() != http::status::ok) return false;
  const auto etag = res[http::field::etag];
  const auto inm = req[http::field::if_none_match];
  if (etag.empty() || inm.empty() || !none_match_fails(inm, etag)) return false;
  res.result(http::status::not_modified);
  res.body().clear();
  res.erase(http::field::content_type);
  res.erase(http::field::content_length);
  res.erase(http::field::content_encoding);
  return true;
}

// The answer to HEAD: the GET answer's status and headers, Content-Length included, no body.
void drop_body(response& res) {
  const auto length = res.body().size();
  res.body().clear();
  if (!res[http::field::content_length].empty()) res.content_length(length);
}

// Once the coding is settled: the gzip count, Content-Length, and HEAD's empty body.
void complete(application& app, const request& req, response& res) {
  if (res[http::field::content_encoding] == "gzip") app.stats().record_gzip_response();
  res.prepare_payload();
  if (req.method() == http::verb::head) drop_body(res);
}

std::string gzip_counted(application& app, const std::string& body) {
  auto out = gzip(body);
  app.stats().record_compression(body.size(), out.size());
  return out;
}

}  // namespace

net::awaitable<std::string> gzip_body(application& app, const std::string& body) {
  if (body.size() < gzip_offload_bytes) co_return gzip_counted(app, body);
  auto job = [&app, &body] { return gzip_counted(app, body); };
  co_return co_await app.on_cpu(std::move(job));
}

finish_step finish_response(application& app, const request& req, response& res) {
  const bool head = req.method() == http::verb::head;
  bool compress = false;
  if (has_body_status(res) && res[http::field::content_encoding].empty() &&
      is_compressible_type(res[http::field::content_type])) {
    add_vary_accept_encoding(res);
    compress = gzip_wanted(req, res.body().size());
    if (compress) {
      res.set(http::field::content_encoding, "gzip");
      if (const auto etag = res[http::field::etag]; !etag.empty()) res.set(http::field::etag, gzip_etag(etag));
    }
  }
  if (answer_not_modified(req, res)) return finish_step::done;
  if (compress && head) {
    res.body().clear();
    res.erase(http::field::content_length);
    return finish_step::done;
  }
  if (compress) {
    if (res.body().size() >= gzip_offload_bytes) return finish_step::compress_off_thread;
    res.body() = gzip_counted(app, res.body());
  }
  complete(app, req, res);
  return finish_step::done;
}

net::awaitable<void> finish_compressing(application& app, const request& req, response& res) {
  auto zipped = co_await gzip_body(app, res.body());
  res.body() = std::move(zipped);
  complete(app, req, res);
}

}  // namespace cunji::server
