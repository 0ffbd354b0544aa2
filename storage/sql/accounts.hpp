#pragma once
// Account, session and login-failure SQL.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/account.hpp"
#include "core/error.hpp"
#include "storage/accounts.hpp"

namespace cunji::storage {

class connection;

// Inserts an account. Errors: conflict (phone taken), validation_failed (village_id unknown).
result<account> insert_account(connection& c, const registration& r, const std::string& password_hash,
                               unix_seconds now);

std::optional<account> find_account(connection& c, std::int64_t id);

std::optional<credentials> find_credentials(connection& c, const std::string& phone);

// Failed logins for `phone` after `since`, newest first, at most `limit`.
std::vector<unix_seconds> recent_login_failures(connection& c, const std::string& phone, unix_seconds since, int limit);
void record_login_failure(connection& c, const std::string& phone, unix_seconds at);

void insert_session(connection& c, const token_hash& h, std::int64_t account_id, unix_seconds now,
                    unix_seconds expires_at);
// The account a live session belongs to.
std::optional<account> account_by_session(connection& c, const token_hash& h, unix_seconds now);
// Returns true if a session was deleted.
bool delete_session(connection& c, const token_hash& h);

void insert_page_session(connection& c, const token_hash& h, std::int64_t account_id, unix_seconds now,
                         unix_seconds expires_at);
// Deletes page sessions whose absolute expiry has passed.
void delete_expired_page_sessions(connection& c, unix_seconds now);
// A page session expiring after `now` and used after `now - idle_s`.
std::optional<page_session> find_page_session(connection& c, const token_hash& h, unix_seconds now,
                                              std::int64_t idle_s);
void touch_page_session(connection& c, const token_hash& h, unix_seconds now);
void delete_page_session(connection& c, const token_hash& h);

bool village_exists(connection& c, std::int64_t id);

// Accounts in id order after the page's keys, at most page.limit + 1.
std::vector<account> list_accounts(connection& c, const account_filter& f);
// Partners likewise, with their fees over [window) and the station cash they hold.
std::vector<partner_summary> list_partners(connection& c, std::optional<std::int64_t> village_id, day_range window,
                                           const page_request& p);

}  // namespace cunji::storage
