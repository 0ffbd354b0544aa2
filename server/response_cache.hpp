#pragma once
// Rendered answers of public reads: bodies that depend on nothing but the request and the
// catalog (never on the caller), kept while storage::change_counters::catalog keeps the value
// loaded before they were read (storage/cache/versioned_cache.hpp). Keys name the route: "browse " +
// target, "listing " + id. An entry keeps its gzip bytes next to the identity ones, made once, for
// the first client that asks for gzip (server/routes/listings.cpp), so a cached read is not
// compressed again.
#include <string>

#include "storage/cache/versioned_cache.hpp"

namespace cunji::server {

struct cached_response {
  std::string body;  // application/json
  std::string etag;  // empty when the answer has none; that of the identity body
  std::string gzip;  // the body gzip-compressed; empty below gzip_min_bytes or until a client asks
  std::size_t bytes() const noexcept { return body.size() + etag.size() + gzip.size(); }
};

using response_cache = storage::versioned_cache<cached_response>;

}  // namespace cunji::server
