#include "server/idempotency.hpp"

#include "server/crypto.hpp"

namespace cunji::server {

result<idempotent_request> read_idempotency(const context& ctx) {
  idempotent_request out;
  const auto it = ctx.req.find("Idempotency-Key");
  if (it == ctx.req.end()) return out;
  const auto key = it->value();
  if (key.empty() || key.size() > 255)
    return validation({{"Idempotency-Key", "must be 1..255 characters"}});
  out.scope = storage::idempotency_scope{ctx.caller->id,
                                         std::string(ctx.req.method_string()) + " " +
                                             std::string(target_path(ctx.req.target())),
                                         std::string(key)};
  out.hash = sha256(ctx.req.body());
  return out;
}

std::optional<response> stored_response(const idempotent_request& idem, const std::optional<storage::stored_answer>& a) {
  if (!a) return std::nullopt;
  if (a->hash != idem.hash)
    return problem(error{errc::idempotency_key_reused,
                         "This Idempotency-Key was used with a different request body."});
  response res{static_cast<http::status>(a->status), 11};
  res.set(http::field::content_type, a->status < 400 ? "application/json" : "application/problem+json");
  res.set("Idempotent-Replayed", "true");
  res.body() = a->body;
  res.prepare_payload();
  return res;
}

storage::stored_answer to_answer(const response& r, const storage::request_hash& h) {
  return storage::stored_answer{h, static_cast<int>(r.result_int()), r.body()};
}

}  // namespace cunji::server
