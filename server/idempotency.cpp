#include "server/idempotency.hpp"

#include <stdexcept>

#include "server/crypto.hpp"

namespace cunji::server {

namespace {
// The route template with its parameters put in: "POST /v1/orders/17/pay". Only ids the route
// parsed make it, so every spelling of one path that reaches a handler has one scope.
std::string scope_of(const context& ctx) {
  std::string scope(ctx.req.method_string());
  scope += ' ';
  std::string_view t = ctx.route;
  while (!t.empty()) {
    const auto open = t.find('{');
    if (open == std::string_view::npos) {
      scope += t;
      break;
    }
    const auto close = t.find('}', open);
    scope += t.substr(0, open);
    scope += ctx.params.get(t.substr(open + 1, close - open - 1));
    t.remove_prefix(close + 1);
  }
  return scope;
}
}  // namespace

result<std::optional<storage::idempotency_key>> read_idempotency(const context& ctx) {
  if (!ctx.idempotent) throw std::logic_error("an Idempotency-Key read on a route not marked idempotent");
  const auto it = ctx.req.find("Idempotency-Key");
  if (it == ctx.req.end()) return std::optional<storage::idempotency_key>{};
  const auto key = it->value();
  if (key.empty() || key.size() > 255) return validation({{"Idempotency-Key", "must be 1..255 characters"}});
  return std::optional<storage::idempotency_key>{
      storage::idempotency_key{ctx.caller->id, scope_of(ctx), std::string(key), sha256(ctx.req.body())}};
}

storage::answer to_answer(const response& r) { return {static_cast<int>(r.result_int()), r.body(), false}; }

response to_response(const storage::answer& a) {
  response res{static_cast<http::status>(a.status), 11};
  res.set(http::field::content_type, a.status < 400 ? "application/json" : "application/problem+json");
  if (a.replayed) res.set("Idempotent-Replayed", "true");
  res.body() = a.body;
  res.prepare_payload();
  return res;
}

}  // namespace cunji::server
