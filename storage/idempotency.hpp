#pragma once
// Stored answers of idempotent requests.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "core/time.hpp"

namespace cunji::storage {

class connection;

using request_hash = std::array<unsigned char, 32>;

struct idempotency_scope {
  std::int64_t account_id = 0;
  std::string endpoint;  // "POST /v1/orders/17/pay"
  std::string key;
};

struct stored_answer {
  request_hash hash{};
  int status = 0;
  std::string body;
};

std::optional<stored_answer> find_answer(connection& c, const idempotency_scope& s);
void store_answer(connection& c, const idempotency_scope& s, const stored_answer& a, unix_seconds now);

// Keys are kept at least this long (and purged by the writer's maintenance after it).
inline constexpr std::int64_t idempotency_ttl_s = 48 * 3600;

}  // namespace cunji::storage
