#pragma once
// Account, session and login-failure SQL on PostgreSQL (the SQLite engine's:
// storage/sql/accounts.hpp). Villages are checked with the regions SQL
// (storage/postgresql/sql/regions.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/account.hpp"
#include "core/error.hpp"
#include "core/sales.hpp"
#include "storage/accounts.hpp"

namespace cunji::storage::pg {

class connection;

// Inserts an account. Errors: conflict (phone taken, also by a concurrent registration),
// validation_failed (village_id unknown).
task<result<account>> insert_account(connection& c, registration r, std::string password_hash, unix_seconds now);

task<std::optional<account>> find_account(connection& c, std::int64_t id);

task<std::optional<credentials>> find_credentials(connection& c, std::string phone);

// Failed logins for `phone` after `since`, newest first, at most `limit`.
task<std::vector<unix_seconds>> recent_login_failures(connection& c, std::string phone, unix_seconds since, int limit);
task<void> record_login_failure(connection& c, std::string phone, unix_seconds at);

task<void> insert_session(connection& c, token_hash h, std::int64_t account_id, unix_seconds now,
                          unix_seconds expires_at);
// The account a live session belongs to.
task<std::optional<account>> account_by_session(connection& c, token_hash h, unix_seconds now);
// Returns true if a session was deleted.
task<bool> delete_session(connection& c, token_hash h);

task<void> insert_page_session(connection& c, token_hash h, std::int64_t account_id, unix_seconds now,
                               unix_seconds expires_at);
// Deletes page sessions whose absolute expiry has passed.
task<void> delete_expired_page_sessions(connection& c, unix_seconds now);
// A page session expiring after `now` and used after `now - idle_s`.
task<std::optional<page_session>> find_page_session(connection& c, token_hash h, unix_seconds now, std::int64_t idle_s);
task<void> touch_page_session(connection& c, token_hash h, unix_seconds now);
task<void> delete_page_session(connection& c, token_hash h);

// Accounts in id order after the page's keys, at most page.limit + 1.
task<std::vector<account>> list_accounts(connection& c, account_filter f);
// Partners likewise, with their fees over [window) and the station cash they hold.
task<std::vector<partner_summary>> list_partners(connection& c, std::optional<std::int64_t> village_id,
                                                 day_range window, page_request p);

}  // namespace cunji::storage::pg
