#pragma once
// Idempotency-Key on the writes that create (the routes marked `idempotent`): the key the
// storage use case stores its answer under, and answers as responses. The use case
// looks the key up and stores the answer inside the same write as the work (storage/store.hpp).
#include <optional>

#include "core/error.hpp"
#include "server/app.hpp"
#include "storage/common.hpp"

namespace cunji::server {

// The Idempotency-Key of the request (nullopt without the header), scoped to the caller and to
// the route with its ids — never to the raw path. A malformed header (not 1..255 characters)
// is a 422 error naming it. Only routes marked `idempotent` may call it (else it throws: a 500).
result<std::optional<storage::idempotency_key>> read_idempotency(const context& ctx);

// A response as the answer to store and replay (status and body), and back. A replayed answer
// carries `Idempotent-Replayed: true`.
storage::answer to_answer(const response& r);
response to_response(const storage::answer& a);

// A renderer for a use case's outcome: `ok` for success, the problem for an error.
template <class T, class Render>
storage::renderer<T> answer_with(Render render) {
  return [render = std::move(render)](const result<T>& r) { return to_answer(render(r)); };
}

}  // namespace cunji::server
