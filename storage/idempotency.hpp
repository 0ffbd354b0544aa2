#pragma once
// Stored answers of idempotent requests.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

struct sqlite3;

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
// Deletes the records older than idempotency_ttl_s (the writer's maintenance).
void purge_expired_answers(connection& c, unix_seconds now);

// The lookup hash of a record (idempotency_records.key_hash): 64 bits of endpoint and key.
std::int64_t idempotency_key_hash(std::string_view endpoint, std::string_view key) noexcept;
// Registers it as the SQL function cunji_key_hash(endpoint, key) (migration 0005 uses it).
void register_idempotency_functions(sqlite3* db);

// Keys are kept at least this long (and purged by the writer's maintenance after it).
inline constexpr std::int64_t idempotency_ttl_s = 48 * 3600;

}  // namespace cunji::storage
