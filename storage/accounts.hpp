#pragma once
// Accounts and sessions at the storage seam (storage/store.hpp). Passwords arrive hashed (the
// server hashes them off its I/O threads); session tokens arrive as their hashes.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/account.hpp"
#include "storage/common.hpp"

namespace cunji::storage {

// SHA-256 of a bearer token: only this is stored.
using token_hash = std::array<unsigned char, 32>;

struct credentials {
  std::int64_t account_id = 0;
  std::string password_hash;
};

// What a login needs to know before it checks the password.
struct login_attempt {
  std::vector<unix_seconds> recent_failures;  // newest first, at most the throttle's count
  std::optional<credentials> found;           // none for an unknown phone
};

class account_store {
 public:
  virtual ~account_store() = default;

  // Errors: conflict (phone taken), validation_failed (village_id unknown).
  virtual task<result<account>> register_account(registration r, std::string password_hash, unix_seconds now) = 0;
  virtual task<std::optional<account>> find(std::int64_t id) = 0;

  // The failed logins of `phone` since `since` (at most `limit`) and its credentials.
  virtual task<login_attempt> begin_login(std::string phone, unix_seconds since, int limit) = 0;
  virtual task<void> record_login_failure(std::string phone, unix_seconds at) = 0;
  // A new session for an account that still exists (else unauthenticated).
  virtual task<result<account>> start_session(token_hash h, std::int64_t account_id, unix_seconds now,
                                              unix_seconds expires_at) = 0;
  virtual task<void> end_session(token_hash h) = 0;
  // The account of a live session.
  virtual task<std::optional<account>> account_by_session(token_hash h, unix_seconds now) = 0;
};

}  // namespace cunji::storage
