#pragma once
// How the SQLite engine's use cases (storage/sql/*_store.cpp) reach the database: reads on the
// calling thread's read-only connection, at once; writes as commands of the single writer,
// awaited; idempotent writes with their stored answers, looked up and stored inside the same
// command as the work, so concurrent duplicates are serialized by the writer and the later ones
// replay the first answer.
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <utility>

#include "storage/common.hpp"
#include "storage/paging.hpp"
#include "storage/sql/idempotency.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/transaction.hpp"

namespace cunji::storage {

class engine {
 public:
  explicit engine(database& db) : db_(db) {}

  // `fn(connection&)` on this thread's read-only connection (never across a suspension).
  template <class Fn>
  auto read(Fn fn) {
    return fn(db_.reader());
  }

  // Submits `fn`, a callable `R(connection&)`, to the writer; co_await it for R. A thrown
  // storage failure reaches the awaiting coroutine.
  template <class Fn>
  auto write(Fn fn) {
    return db_.writer().async_submit(std::move(fn), boost::asio::use_awaitable);
  }

  // The answer to an idempotent write: a stored one for a repeat of `key` (or the rendered
  // idempotency_key_reused for the same key with another body), else `work` (a callable
  // `result<T>(connection&)`) run inside a savepoint that a failed outcome rolls back, its
  // outcome rendered, and the answer stored under the key unless it is a 5xx.
  template <class T, class Work>
  task<answer> idempotent(std::optional<idempotency_key> key, Work work, renderer<T> render, unix_seconds now);

  database& db() noexcept { return db_; }

 private:
  template <class T>
  static std::optional<answer> replay(const std::optional<stored_answer>& a, const idempotency_key& key,
                                      const renderer<T>& render) {
    if (!a) return std::nullopt;
    if (a->digest != key.digest)
      return render(
          error{errc::idempotency_key_reused, "This Idempotency-Key was used with a different request body."});
    return answer{a->status, a->body, true};
  }

  database& db_;
};

template <class T, class Work>
task<answer> engine::idempotent(std::optional<idempotency_key> key, Work work, renderer<T> render, unix_seconds now) {
  // A repeat that finds its answer committed needs no writer.
  if (key) {
    auto a = replay(find_answer(db_.reader(), db_.answers(), *key), *key, render);
    // Only an answer already on disk (writer::all_durable, asked after the read); else the
    // writer's command below answers it once it is.
    if (a && db_.writer().all_durable()) co_return std::move(*a);
  }
  auto cmd = [this, key = std::move(key), work = std::move(work), render = std::move(render),
              now](connection& c) -> result<answer> {
    if (key) {
      if (auto a = replay(find_answer(c, db_.answers(), *key), *key, render)) return std::move(*a);
    }
    savepoint sp(c);
    auto outcome = work(c);
    if (outcome.ok()) sp.release();
    else sp.rollback();
    auto a = render(outcome);
    if (key && a.status < 500) store_answer(c, db_.answers(), *key, a, now);
    return a;
  };
  auto res = co_await write(std::move(cmd));
  co_return std::move(res.value());
}

}  // namespace cunji::storage
