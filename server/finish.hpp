#pragma once
// The last step of every routed answer before it is written: the content coding
// (server/compression.hpp), If-None-Match, Content-Length, and HEAD.
#include <cstddef>

#include "server/http.hpp"

namespace cunji::server {

class application;

// Bodies at least this large are compressed on the CPU pool, not on the connection's thread
// (level 1 takes about 1 ms for 64 KiB of JSON here; docs/performance.md).
inline constexpr std::size_t gzip_offload_bytes = 64 * 1024;

// `body` gzip-compressed, counted in the metrics: on this thread below gzip_offload_bytes, on
// the CPU pool from there on (the caller resumes on its own executor).
net::awaitable<std::string> gzip_body(application& app, const std::string& body);

// Makes `res` the answer to `req`:
// - a compressible answer (not 1xx/204/304, not encoded yet) gets `Vary: Accept-Encoding`, and is
//   gzip-compressed when it has at least gzip_min_bytes and the request prefers gzip; its ETag
//   then becomes the gzip one;
// - a 200 to GET or HEAD whose ETag (as sent, after the coding is chosen) an If-None-Match names
//   becomes 304 with the same ETag and Vary, no body;
// - HEAD gets GET's header fields without the body. A HEAD answer that would be compressed is
//   not (the work would be thrown away): it names the gzip coding and ETag but no Content-Length,
//   which is then unknown (RFC 9110 §9.3.2 allows omitting it). Cached answers keep their gzip
//   bytes, so their HEAD answers do carry the Content-Length of GET's.
// It does all of it on this thread (no coroutine frame per answer) unless the body is to be
// gzip-compressed and has gzip_offload_bytes or more: then it answers compress_off_thread, having
// set the header fields, and finish_compressing does the rest.
enum class finish_step { done, compress_off_thread };
finish_step finish_response(application& app, const request& req, response& res);
net::awaitable<void> finish_compressing(application& app, const request& req, response& res);

}  // namespace cunji::server
