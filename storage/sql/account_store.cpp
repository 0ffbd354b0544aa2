// Accounts and sessions on SQLite (storage/accounts.hpp).
#include "storage/sql/accounts.hpp"
#include "storage/sql/stores.hpp"
#include "storage/sqlite/engine.hpp"

namespace cunji::storage {

namespace {

class sqlite_account_store final : public account_store {
 public:
  explicit sqlite_account_store(database& db) : e_(db) {}

  task<result<account>> register_account(registration r, std::string password_hash, unix_seconds now) override {
    auto cmd = [r = std::move(r), h = std::move(password_hash), now](connection& c) {
      return insert_account(c, r, h, now);
    };
    co_return co_await e_.write(std::move(cmd));
  }

  task<std::optional<account>> find(std::int64_t id) override {
    co_return e_.read([&](connection& c) { return find_account(c, id); });
  }

  task<login_attempt> begin_login(std::string phone, unix_seconds since, int limit) override {
    co_return e_.read([&](connection& c) {
      read_transaction snapshot(c);
      return login_attempt{recent_login_failures(c, phone, since, limit), find_credentials(c, phone)};
    });
  }

  task<void> record_login_failure(std::string phone, unix_seconds at) override {
    auto cmd = [phone = std::move(phone), at](connection& c) -> result<unit> {
      storage::record_login_failure(c, phone, at);
      return unit{};
    };
    co_await e_.write(std::move(cmd));
  }

  task<result<account>> start_session(token_hash h, std::int64_t account_id, unix_seconds now,
                                      unix_seconds expires_at) override {
    auto cmd = [h, account_id, now, expires_at](connection& c) -> result<account> {
      auto a = find_account(c, account_id);
      if (!a) return error{errc::unauthenticated, "Wrong phone number or password."};
      insert_session(c, h, account_id, now, expires_at);
      return *a;
    };
    co_return co_await e_.write(std::move(cmd));
  }

  task<void> end_session(token_hash h) override {
    auto cmd = [h](connection& c) -> result<unit> {
      delete_session(c, h);
      return unit{};
    };
    co_await e_.write(std::move(cmd));
  }

  task<std::optional<account>> account_by_session(token_hash h, unix_seconds now) override {
    co_return e_.read([&](connection& c) { return storage::account_by_session(c, h, now); });
  }

  task<result<account>> start_page_session(token_hash h, std::int64_t account_id, unix_seconds now,
                                           unix_seconds expires_at) override {
    auto cmd = [h, account_id, now, expires_at](connection& c) -> result<account> {
      auto a = find_account(c, account_id);
      if (!a) return error{errc::unauthenticated, "Wrong phone number or password."};
      delete_expired_page_sessions(c, now);
      insert_page_session(c, h, account_id, now, expires_at);
      return *a;
    };
    co_return co_await e_.write(std::move(cmd));
  }

  task<std::optional<page_session>> find_page_session(token_hash h, unix_seconds now, std::int64_t idle_s) override {
    co_return e_.read([&](connection& c) { return storage::find_page_session(c, h, now, idle_s); });
  }

  task<void> touch_page_session(token_hash h, unix_seconds now) override {
    auto cmd = [h, now](connection& c) -> result<unit> {
      storage::touch_page_session(c, h, now);
      return unit{};
    };
    co_await e_.write(std::move(cmd));
  }

  task<void> end_page_session(token_hash h) override {
    auto cmd = [h](connection& c) -> result<unit> {
      delete_page_session(c, h);
      return unit{};
    };
    co_await e_.write(std::move(cmd));
  }

  task<page<account>> list_accounts(account_filter f) override {
    co_return e_.read([&](connection& c) { return page_of(storage::list_accounts(c, f), f.page.limit); });
  }

  task<page<partner_summary>> list_partners(std::optional<std::int64_t> village_id, day_number today,
                                            page_request p) override {
    co_return e_.read(
        [&](connection& c) { return page_of(storage::list_partners(c, village_id, gmv_window(today), p), p.limit); });
  }

 private:
  engine e_;
};

}  // namespace

std::unique_ptr<account_store> make_account_store(database& db) { return std::make_unique<sqlite_account_store>(db); }

}  // namespace cunji::storage
