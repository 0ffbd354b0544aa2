#pragma once
// Rendered answers of public reads: bodies that depend on nothing but the request and the
// catalog (never on the caller), kept while storage::change_counters::catalog keeps the value
// loaded before they were read (storage/cache/versioned_cache.hpp). Keys name the route: "browse " +
// target, "listing " + id.
#include <string>

#include "storage/cache/versioned_cache.hpp"

namespace cunji::server {

struct cached_response {
  std::string body;  // application/json
  std::string etag;  // empty when the answer has none
};

using response_cache = storage::versioned_cache<cached_response>;

}  // namespace cunji::server
