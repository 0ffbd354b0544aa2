#include "server/problem.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace cunji::server {

response json_response(http::status status, const json::value& body, unsigned version) {
  response res{status, version};
  res.set(http::field::content_type, "application/json");
  res.body() = json::serialize(body);
  res.prepare_payload();
  return res;
}

response json_text_response(http::status status, std::string body, unsigned version) {
  response res{status, version};
  res.set(http::field::content_type, "application/json");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

response empty_response(http::status status, unsigned version) {
  response res{status, version};
  res.prepare_payload();
  return res;
}

namespace {
std::string_view title_of(std::string_view type) {
  struct entry {
    std::string_view type, title;
  };
  static constexpr entry titles[] = {
      {"malformed_json", "Malformed JSON"},
      {"malformed_request", "Malformed request"},
      {"unauthenticated", "Authentication required"},
      {"forbidden", "Forbidden"},
      {"not_found", "Not found"},
      {"method_not_allowed", "Method not allowed"},
      {"conflict", "Conflict"},
      {"insufficient_stock", "Insufficient stock"},
      {"invalid_transition", "Invalid transition"},
      {"idempotency_key_reused", "Idempotency key reused"},
      {"precondition_failed", "Precondition failed"},
      {"payload_too_large", "Payload too large"},
      {"unsupported_media_type", "Unsupported media type"},
      {"validation_failed", "Validation failed"},
      {"rate_limited", "Too many requests"},
      {"request_header_too_large", "Request header fields too large"},
      {"internal", "Internal server error"},
      {"overloaded", "Service overloaded"},
      {"storage_full", "Storage full"},
      {"storage_unavailable", "Storage unavailable"},
  };
  for (const auto& e : titles)
    if (e.type == type) return e.title;
  return "Error";
}
}  // namespace

response problem(http::status status, std::string_view type, std::string_view detail,
                 const std::vector<field_error>& errors) {
  json::object o;
  o["type"] = type;
  o["title"] = title_of(type);
  o["status"] = static_cast<int>(status);
  o["detail"] = detail;
  if (!errors.empty()) {
    json::array arr;
    for (const auto& fe : errors) arr.push_back(json::object{{"field", fe.field}, {"message", fe.message}});
    o["errors"] = std::move(arr);
  }
  response res{status, 11};
  res.set(http::field::content_type, "application/problem+json");
  res.body() = json::serialize(o);
  res.prepare_payload();
  return res;
}

http::status status_of(errc code) noexcept {
  switch (code) {
    case errc::validation_failed: return http::status::unprocessable_entity;
    case errc::unauthenticated: return http::status::unauthorized;
    case errc::forbidden: return http::status::forbidden;
    case errc::not_found: return http::status::not_found;
    case errc::conflict:
    case errc::insufficient_stock:
    case errc::invalid_transition:
    case errc::idempotency_key_reused: return http::status::conflict;
    case errc::precondition_failed: return http::status::precondition_failed;
    case errc::rate_limited: return http::status::too_many_requests;
  }
  return http::status::internal_server_error;
}

std::string_view slug_of(errc code) noexcept {
  switch (code) {
    case errc::validation_failed: return "validation_failed";
    case errc::unauthenticated: return "unauthenticated";
    case errc::forbidden: return "forbidden";
    case errc::not_found: return "not_found";
    case errc::conflict: return "conflict";
    case errc::insufficient_stock: return "insufficient_stock";
    case errc::invalid_transition: return "invalid_transition";
    case errc::idempotency_key_reused: return "idempotency_key_reused";
    case errc::precondition_failed: return "precondition_failed";
    case errc::rate_limited: return "rate_limited";
  }
  return "internal";
}

response problem(const error& e) {
  auto res = problem(status_of(e.code), slug_of(e.code), e.detail, e.errors);
  if (!e.listing_ids.empty()) {
    auto body = json::parse(res.body()).as_object();
    json::array ids;
    for (auto id : e.listing_ids) ids.push_back(id);
    body["listing_ids"] = std::move(ids);
    res.body() = json::serialize(body);
    res.prepare_payload();
  }
  if (e.code == errc::rate_limited) res.set(http::field::retry_after, std::to_string(e.retry_after_s));
  if (e.code == errc::unauthenticated) res.set(http::field::www_authenticate, "Bearer");
  return res;
}

response storage_unavailable(bool disk_full) {
  auto res = disk_full ? problem(http::status::service_unavailable, "storage_full",
                                 "The server's disk is full, so this request could not be saved. Retry it later with "
                                 "the same Idempotency-Key.")
                       : problem(http::status::service_unavailable, "storage_unavailable",
                                 "The server could not write this request to its storage. Retry it later with the same "
                                 "Idempotency-Key.");
  res.set(http::field::retry_after, "5");
  return res;
}

}  // namespace cunji::server
