#include "server/compression.hpp"

#include <zlib.h>

#include <algorithm>
#include <stdexcept>

#include "server/metrics.hpp"
#include "server/response_cache.hpp"

namespace cunji::server {

namespace {

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// The next `sep`-separated piece of `s`, removed from it.
std::string_view next_piece(std::string_view& s, char sep) {
  const auto at = s.find(sep);
  const auto piece = s.substr(0, at);
  s.remove_prefix(at == std::string_view::npos ? s.size() : at + 1);
  return piece;
}

// A qvalue (RFC 9110 §12.4.2: "0" ["." 0*3DIGIT] / "1" ["." 0*3"0"]) in thousandths; -1 if malformed.
int parse_qvalue(std::string_view v) {
  if (v.empty() || (v[0] != '0' && v[0] != '1')) return -1;
  int q = (v[0] - '0') * 1000;
  if (v.size() == 1) return q;
  if (v[1] != '.' || v.size() > 5) return -1;
  int scale = 100;
  for (const char c : v.substr(2)) {
    if (c < '0' || c > '9') return -1;
    q += (c - '0') * scale;
    scale /= 10;
  }
  return q > 1000 ? -1 : q;
}

// The q-value of one element's parameters (`;q=0.5`), 1000 when absent, -1 when malformed.
int weight_of(std::string_view params) {
  int q = 1000;
  while (!params.empty()) {
    const auto param = trim(next_piece(params, ';'));
    const auto eq = param.find('=');
    if (eq == std::string_view::npos) continue;
    if (beast::iequals(trim(param.substr(0, eq)), "q")) q = parse_qvalue(trim(param.substr(eq + 1)));
  }
  return q;
}

std::string_view media_type_of(std::string_view content_type) {
  return trim(content_type.substr(0, content_type.find(';')));
}

bool iends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && beast::iequals(s.substr(s.size() - suffix.size()), suffix);
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && beast::iequals(s.substr(0, prefix.size()), prefix);
}

// The opaque part of an entity tag, without W/ (weak comparison ignores it).
std::string_view opaque_of(std::string_view tag) { return tag.starts_with("W/") ? tag.substr(2) : tag; }

}  // namespace

accepted_codings parse_accept_encoding(std::string_view value) {
  int gzip_q = -1, identity_q = -1, star_q = -1;  // -1: not named
  while (!value.empty()) {
    auto element = next_piece(value, ',');
    const auto semi = element.find(';');
    const auto coding = trim(element.substr(0, semi));
    if (coding.empty()) continue;
    const int q = weight_of(semi == std::string_view::npos ? std::string_view{} : element.substr(semi + 1));
    if (q < 0) continue;
    int* slot = nullptr;
    if (beast::iequals(coding, "gzip") || beast::iequals(coding, "x-gzip")) slot = &gzip_q;
    else if (beast::iequals(coding, "identity")) slot = &identity_q;
    else if (coding == "*") slot = &star_q;
    if (slot && *slot < 0) *slot = q;
  }
  accepted_codings out;
  out.gzip = gzip_q >= 0 ? gzip_q : std::max(star_q, 0);
  out.identity = identity_q >= 0 ? identity_q : (star_q >= 0 ? star_q : 1);
  return out;
}

accepted_codings accepted_by(const request& req) {
  const auto [first, last] = req.equal_range(http::field::accept_encoding);
  if (first == last) return {0, 1000};
  std::string joined;
  for (auto it = first; it != last; ++it) {
    if (!joined.empty()) joined += ',';
    joined.append(it->value().data(), it->value().size());
  }
  return parse_accept_encoding(joined);
}

bool is_compressible_type(std::string_view content_type) {
  const auto type = media_type_of(content_type);
  if (istarts_with(type, "image/")) return false;
  return istarts_with(type, "text/") || beast::iequals(type, "application/json") || iends_with(type, "+json") ||
         beast::iequals(type, "application/xml") || iends_with(type, "+xml") ||
         beast::iequals(type, "application/javascript");
}

namespace {
// One deflate state per thread, reset between bodies: a fresh one allocates about 270 KB, and
// with glibc's malloc (the tests'; the server links tcmalloc) that cost 300 µs and more, far
// more than compressing a page.
struct deflater {
  z_stream zs{};
  int level = Z_DEFAULT_COMPRESSION;
  deflater() {
    if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)  // 15 + 16: gzip framing
      throw std::runtime_error("deflateInit2 failed");
  }
  deflater(const deflater&) = delete;
  deflater& operator=(const deflater&) = delete;
  ~deflater() { deflateEnd(&zs); }
};
}  // namespace

std::string gzip(std::string_view data, int level) {
  thread_local deflater d;
  auto& zs = d.zs;
  deflateReset(&zs);
  if (level != d.level) {
    if (deflateParams(&zs, level, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("deflateParams failed");
    d.level = level;
  }
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);  // deflateBound leaves room for all of it at once
  if (rc != Z_STREAM_END) {
    deflateReset(&zs);
    throw std::runtime_error("deflate did not finish");
  }
  out.resize(zs.total_out);
  return out;
}

std::string gzip_etag(std::string_view etag) {
  if (etag.size() < 2 || etag.back() != '"') return std::string(etag);
  std::string out(etag.substr(0, etag.size() - 1));
  out += gzip_tag_suffix;
  out += '"';
  return out;
}

bool none_match_fails(std::string_view if_none_match, std::string_view etag) {
  const auto want = opaque_of(etag);
  std::string_view rest = if_none_match;
  for (;;) {
    while (!rest.empty() && (is_ows(rest.front()) || rest.front() == ',')) rest.remove_prefix(1);
    if (rest.empty()) return false;
    if (rest.front() == '*') return true;
    if (rest.starts_with("W/")) rest.remove_prefix(2);
    if (rest.empty() || rest.front() != '"') return false;  // malformed: no precondition
    const auto close = rest.find('"', 1);
    if (close == std::string_view::npos) return false;
    if (rest.substr(0, close + 1) == want) return true;
    rest.remove_prefix(close + 1);
  }
}

bool gzip_wanted(const request& req, std::size_t body_bytes) {
  return body_bytes >= gzip_min_bytes && accepted_by(req).prefer_gzip();
}

cached_response make_cached_response(std::string body, std::string etag, metrics& m) {
  cached_response c{std::move(body), std::move(etag), {}};
  if (c.body.size() >= gzip_min_bytes) {
    c.gzip = gzip(c.body);
    m.record_compression(c.body.size(), c.gzip.size());
  }
  return c;
}

response cached_answer(const request& req, http::status status, const cached_response& c) {
  response res{status, 11};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::vary, "Accept-Encoding");
  const bool zipped = !c.gzip.empty() && accepted_by(req).prefer_gzip();
  if (zipped) {
    res.set(http::field::content_encoding, "gzip");
    res.body() = c.gzip;
  } else {
    res.body() = c.body;
  }
  if (!c.etag.empty()) res.set(http::field::etag, zipped ? gzip_etag(c.etag) : c.etag);
  res.prepare_payload();
  return res;
}

}  // namespace cunji::server
