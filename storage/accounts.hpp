#pragma once
// Accounts and sessions at the storage seam (storage/store.hpp). Passwords arrive hashed (the
// server hashes them off its I/O threads); session tokens arrive as their hashes.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/account.hpp"
#include "core/sales.hpp"
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

// A live page session.
struct page_session {
  account who;
  unix_seconds last_seen_at = 0;
};

struct account_filter {
  std::optional<role> role_is;
  std::optional<std::int64_t> village_id;
  std::optional<std::string> q;  // a prefix of the name or of the phone
  page_request page;             // keys: {id}
};

// A partner as admins list them: its fees earned over the village window (the last 365 days)
// and the station cash it holds.
struct partner_summary : account {
  std::int64_t earnings_365d_fen = 0;
  std::int64_t cash_held_fen = 0;
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

  // Page sessions (a cookie of the web pages; never a bearer token). A session lives until
  // `expires_at` and while it is used at least once every `idle_s` seconds.

  // A new page session for an account that still exists (else unauthenticated); also deletes
  // page sessions that have expired.
  virtual task<result<account>> start_page_session(token_hash h, std::int64_t account_id, unix_seconds now,
                                                   unix_seconds expires_at) = 0;
  // The live page session of `h`: its account and when it was last marked used.
  virtual task<std::optional<page_session>> find_page_session(token_hash h, unix_seconds now, std::int64_t idle_s) = 0;
  // Marks the session used at `now` (the server does so at most once a minute or so).
  virtual task<void> touch_page_session(token_hash h, unix_seconds now) = 0;
  virtual task<void> end_page_session(token_hash h) = 0;

  // Every account, in id order (admins).
  virtual task<page<account>> list_accounts(account_filter f) = 0;
  // Partners, in id order, with their figures on `today` (admins).
  virtual task<page<partner_summary>> list_partners(std::optional<std::int64_t> village_id, day_number today,
                                                    page_request p) = 0;
};

}  // namespace cunji::storage
