#pragma once
// What every area of the storage seam (storage/store.hpp) shares: awaitable results, stored
// answers of idempotent requests, pages, and the exception for a database that fails.
#include <array>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "storage/failure.hpp"

namespace cunji::storage {

template <class T>
using task = boost::asio::awaitable<T>;

// SHA-256 of a request body, to tell a replay from another request under the same key.
using request_digest = std::array<unsigned char, 32>;

// A request sent with an Idempotency-Key: who sent it, to which operation on which objects
// (the route template and its ids, e.g. "POST /v1/orders/{id}/pay 17" — never the raw path),
// the key, and the digest of its body.
struct idempotency_key {
  std::int64_t caller = 0;
  std::string scope;
  std::string key;
  request_digest digest{};
};

// An answer as the client receives it: HTTP status and body. Idempotent use cases store the
// answers of 2xx and 4xx outcomes with their key and give them again (`replayed`) to a repeat.
struct answer {
  int status = 0;
  std::string body;
  bool replayed = false;
};

// Turns a use case's outcome into the answer to store and send; called inside the write, so
// the stored answer is exactly the one sent. An outcome of errc::idempotency_key_reused is
// rendered too (the same key with another body).
template <class T>
using renderer = std::function<answer(const result<T>&)>;

// A page of a list in keyset order: the items and, when there is more, the keys of the last
// item, from which the next page continues (the server wraps them in an opaque cursor).
template <class T>
struct page {
  std::vector<T> items;
  std::vector<std::int64_t> next_keys;
};

// Where a list continues: the keys of the previous page's last item (empty: from the start).
struct page_request {
  std::vector<std::int64_t> after;
  int limit = 20;
};

}  // namespace cunji::storage
