// Accounts and sessions on PostgreSQL (storage/accounts.hpp).
#include "storage/paging.hpp"
#include "storage/postgresql/engine.hpp"
#include "storage/postgresql/sql/accounts.hpp"
#include "storage/postgresql/sql/stores.hpp"

namespace cunji::storage::pg {

namespace {

task<login_attempt> begin_login_in(connection& c, std::string phone, unix_seconds since, int limit) {
  login_attempt a;
  a.recent_failures = co_await recent_login_failures(c, phone, since, limit);
  a.found = co_await find_credentials(c, phone);
  co_return a;
}

task<result<account>> start_session_in(connection& c, token_hash h, std::int64_t account_id, unix_seconds now,
                                       unix_seconds expires_at) {
  auto a = co_await find_account(c, account_id);
  if (!a) co_return error{errc::unauthenticated, "Wrong phone number or password."};
  co_await insert_session(c, h, account_id, now, expires_at);
  co_return *a;
}

task<result<account>> start_page_session_in(connection& c, token_hash h, std::int64_t account_id, unix_seconds now,
                                            unix_seconds expires_at) {
  auto a = co_await find_account(c, account_id);
  if (!a) co_return error{errc::unauthenticated, "Wrong phone number or password."};
  co_await delete_expired_page_sessions(c, now);
  co_await insert_page_session(c, h, account_id, now, expires_at);
  co_return *a;
}

// The writes that answer nothing, as the engine's writes return a value.
task<bool> record_failure_in(connection& c, std::string phone, unix_seconds at) {
  co_await record_login_failure(c, std::move(phone), at);
  co_return true;
}

task<bool> end_session_in(connection& c, token_hash h) { co_return co_await delete_session(c, h); }

task<bool> touch_in(connection& c, token_hash h, unix_seconds now) {
  co_await touch_page_session(c, h, now);
  co_return true;
}

task<bool> end_page_session_in(connection& c, token_hash h) {
  co_await delete_page_session(c, h);
  co_return true;
}

task<page<account>> list_accounts_in(connection& c, account_filter f) {
  const int limit = f.page.limit;
  co_return page_of(co_await list_accounts(c, std::move(f)), limit);
}

task<page<partner_summary>> list_partners_in(connection& c, std::optional<std::int64_t> village_id, day_number today,
                                             page_request p) {
  const int limit = p.limit;
  co_return page_of(co_await list_partners(c, village_id, gmv_window(today), std::move(p)), limit);
}

// The writes run READ COMMITTED: each is one statement, or reads only what no use case changes
// (accounts are never deleted nor their phones changed, villages never deleted, phone_conflicts
// written by migrations alone), so SERIALIZABLE would give the same answers; it may also fail
// concurrent registrations that merely share index pages, write_attempts times in a row and
// then as a 500. Two registrations of one phone at once: the UNIQUE constraint lets one insert,
// the other is a conflict (accounts.cpp).
constexpr isolation writes = isolation::read_committed;

class pg_account_store final : public account_store {
 public:
  explicit pg_account_store(engine& e) : e_(e) {}

  task<result<account>> register_account(registration r, std::string password_hash, unix_seconds now) override {
    co_return co_await e_.write<result<account>>(
        [&](connection& c) { return insert_account(c, r, password_hash, now); }, writes);
  }

  task<std::optional<account>> find(std::int64_t id) override {
    co_return co_await e_.read<std::optional<account>>([&](connection& c) { return find_account(c, id); });
  }

  task<login_attempt> begin_login(std::string phone, unix_seconds since, int limit) override {
    co_return co_await e_.snapshot<login_attempt>(
        [&](connection& c) { return begin_login_in(c, phone, since, limit); });
  }

  task<void> record_login_failure(std::string phone, unix_seconds at) override {
    co_await e_.write<bool>([&](connection& c) { return record_failure_in(c, phone, at); }, writes);
  }

  task<result<account>> start_session(token_hash h, std::int64_t account_id, unix_seconds now,
                                      unix_seconds expires_at) override {
    co_return co_await e_.write<result<account>>(
        [&](connection& c) { return start_session_in(c, h, account_id, now, expires_at); }, writes);
  }

  task<void> end_session(token_hash h) override {
    co_await e_.write<bool>([&](connection& c) { return end_session_in(c, h); }, writes);
  }

  task<std::optional<account>> account_by_session(token_hash h, unix_seconds now) override {
    co_return co_await e_.read<std::optional<account>>(
        [&](connection& c) { return pg::account_by_session(c, h, now); });
  }

  task<result<account>> start_page_session(token_hash h, std::int64_t account_id, unix_seconds now,
                                           unix_seconds expires_at) override {
    co_return co_await e_.write<result<account>>(
        [&](connection& c) { return start_page_session_in(c, h, account_id, now, expires_at); }, writes);
  }

  task<std::optional<page_session>> find_page_session(token_hash h, unix_seconds now, std::int64_t idle_s) override {
    co_return co_await e_.read<std::optional<page_session>>(
        [&](connection& c) { return pg::find_page_session(c, h, now, idle_s); });
  }

  // Keeps the latest time, whichever of two touches lands last.
  task<void> touch_page_session(token_hash h, unix_seconds now) override {
    co_await e_.write<bool>([&](connection& c) { return touch_in(c, h, now); }, writes);
  }

  task<void> end_page_session(token_hash h) override {
    co_await e_.write<bool>([&](connection& c) { return end_page_session_in(c, h); }, writes);
  }

  task<page<account>> list_accounts(account_filter f) override {
    co_return co_await e_.read<page<account>>([&](connection& c) { return list_accounts_in(c, f); });
  }

  task<page<partner_summary>> list_partners(std::optional<std::int64_t> village_id, day_number today,
                                            page_request p) override {
    co_return co_await e_.read<page<partner_summary>>(
        [&](connection& c) { return list_partners_in(c, village_id, today, p); });
  }

 private:
  engine& e_;
};

}  // namespace

std::unique_ptr<account_store> make_account_store(engine& e) { return std::make_unique<pg_account_store>(e); }

}  // namespace cunji::storage::pg
