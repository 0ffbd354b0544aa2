#pragma once
// Content coding of responses (RFC 9110 §8.4, §12.5.3): text answers (JSON, problems, HTML,
// plain text) of at least gzip_min_bytes go out gzip-compressed to requests whose
// Accept-Encoding prefers gzip; images and anything already encoded never are. Every answer of a
// compressible type carries `Vary: Accept-Encoding`, and a compressed answer's entity tag is the
// identity one with "-gzip" inside the quotes, so the two representations never share one.
#include <cstddef>
#include <string>
#include <string_view>

#include "server/http.hpp"

namespace cunji::server {

class metrics;
struct cached_response;

// Bodies below this many bytes go out as they are: under one TCP segment gzip saves no round
// trip, and JSON this small shrinks by a few hundred bytes at most (docs/performance.md).
inline constexpr std::size_t gzip_min_bytes = 1024;
// zlib's level 1: a 20-item search page comes out 14% larger than at level 6 (1,087 against 955
// bytes) for half the CPU time, and either fits one TCP segment (docs/performance.md).
inline constexpr int gzip_level = 1;

// What one request's Accept-Encoding accepts: q-values in thousandths (0 = refused).
struct accepted_codings {
  int gzip = 0;         // gzip or x-gzip, else `*`; 0 when neither is named
  int identity = 1000;  // identity, else `*`; unnamed: 1, acceptable but the least wanted
  // gzip is acceptable and at least as wanted as identity.
  bool prefer_gzip() const noexcept { return gzip > 0 && gzip >= identity; }
};

// Parses an Accept-Encoding value (several header lines joined with ","): codings are
// case-insensitive, whitespace around elements and parameters is ignored, and an element whose
// q-value is malformed is ignored. The first mention of a coding counts.
accepted_codings parse_accept_encoding(std::string_view value);
// The request's Accept-Encoding lines parsed together; without the header, identity only.
accepted_codings accepted_by(const request& req);
// Whether an answer of `body_bytes` goes to `req` gzip-compressed: large enough
// (gzip_min_bytes), and the client prefers gzip. The type is the caller's to check.
bool gzip_wanted(const request& req, std::size_t body_bytes);

// Whether a Content-Type may be compressed: text/*, JSON (and +json), XML (and +xml),
// JavaScript; never image/*.
bool is_compressible_type(std::string_view content_type);

// `data` as one gzip member (RFC 1952) at `level`.
std::string gzip(std::string_view data, int level = gzip_level);
inline constexpr std::string_view gzip_tag_suffix = "-gzip";
// The entity tag of the gzip representation: `"12-3"` -> `"12-3-gzip"`, `W/"x"` -> `W/"x-gzip"`.
std::string gzip_etag(std::string_view etag);
// Whether an If-None-Match value names `etag` (weak comparison, RFC 9110 §13.1.2), or is `*`.
bool none_match_fails(std::string_view if_none_match, std::string_view etag);

// The cache entry of a rendered JSON answer: its gzip bytes made now, once, when it is at least
// gzip_min_bytes (counted in `m`). Handlers use gzip_body (server/finish.hpp), which moves large
// bodies off the connection's thread; this is for answers made once per process.
cached_response make_cached_response(std::string body, std::string etag, metrics& m);
// A cached answer in the coding `req` prefers: the stored gzip bytes (never compressed again) or
// the identity body, with Vary and the representation's entity tag.
response cached_answer(const request& req, http::status status, const cached_response& c);

}  // namespace cunji::server
