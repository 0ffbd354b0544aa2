#pragma once
// Idempotency-Key handling for the writes that create (POST /v1/orders, POST .../pay).
// The stored answer is checked and written inside the same writer command as the work, so two
// requests with one key are serialized by the writer: the second finds the first's answer.
#include <optional>
#include <string>

#include "core/error.hpp"
#include "server/app.hpp"
#include "server/problem.hpp"
#include "storage/sql/idempotency.hpp"
#include "storage/sqlite/transaction.hpp"

namespace cunji::server {

struct idempotent_request {
  std::optional<storage::idempotency_scope> scope;  // none without the header
  storage::request_hash hash{};
};

// Reads the Idempotency-Key header (1..255 characters; else a 422 error).
result<idempotent_request> read_idempotency(const context& ctx);

// The answer to give now if the key already has one: a replay, or 409 for another body.
std::optional<response> stored_response(const idempotent_request& idem, const std::optional<storage::stored_answer>& a);

// An answer as it is stored and replayed.
storage::stored_answer to_answer(const response& r, const storage::request_hash& h);

// Wraps `work` (result<T>(connection&), making no changes when it fails) and `render`
// (response(const result<T>&)) into a writer command that replays a stored answer, or runs the
// work, renders it and stores 2xx and 4xx answers under the key, all in one transaction.
// The command's result is the response to send.
template <class Work, class Render>
auto idempotent_command(storage::answer_index& answers, idempotent_request idem, Work work, Render render,
                        unix_seconds now) {
  return [&answers, idem = std::move(idem), work = std::move(work), render = std::move(render),
          now](storage::connection& c) -> result<response> {
    if (idem.scope) {
      if (auto replay = stored_response(idem, storage::find_answer(c, answers, *idem.scope))) return std::move(*replay);
    }
    storage::savepoint sp(c);  // a failed work leaves no change behind
    auto outcome = work(c);
    if (outcome.ok())
      sp.release();
    else
      sp.rollback();
    response res = render(outcome);
    if (idem.scope && res.result_int() < 500)
      storage::store_answer(c, answers, *idem.scope, to_answer(res, idem.hash), now);
    return res;
  };
}

}  // namespace cunji::server
