#pragma once
// RFC 9457 problem responses: every error the API returns.
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "server/http.hpp"

namespace cunji::server {

// `type` is one of the API's slugs (docs/http.md) (e.g. "validation_failed"); the title is derived from it.
response problem(http::status status, std::string_view type, std::string_view detail,
                 const std::vector<field_error>& errors = {});

// The response for a domain error: status and slug from its code; 429 gets Retry-After,
// 401 gets WWW-Authenticate.
response problem(const error& e);

// 503 with Retry-After when storage cannot take a write: `storage_full` for a full disk,
// `storage_unavailable` for an I/O error. Reads may still work.
response storage_unavailable(bool disk_full);

http::status status_of(errc code) noexcept;
std::string_view slug_of(errc code) noexcept;

}  // namespace cunji::server
