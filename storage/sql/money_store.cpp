// The fee schedule, balances, statements, payouts and the ledger check on SQLite
// (storage/money.hpp).
#include "core/policy.hpp"
#include "storage/sql/fee_schedule.hpp"
#include "storage/sql/ledger.hpp"
#include "storage/sql/stores.hpp"
#include "storage/sqlite/engine.hpp"

namespace cunji::storage {

namespace {

error no_balance() { return error{errc::forbidden, "Only farmers and partners have balances and statements."}; }

class sqlite_money_store final : public money_store {
 public:
  explicit sqlite_money_store(database& db) : e_(db) {}

  task<fee_schedule> fee_schedule_in_force() override {
    co_return e_.read([](connection& c) { return load_fee_schedule(c); });
  }

  task<fee_schedule> replace_fee_schedule(fee_schedule s, unix_seconds now) override {
    auto cmd = [s = std::move(s), now](connection& c) -> result<fee_schedule> {
      save_fee_schedule(c, s, now);
      return load_fee_schedule(c);
    };
    co_return (co_await e_.write(std::move(cmd))).value();
  }

  task<result<balance>> balance_of(account caller) override {
    if (!has_balance(caller)) co_return no_balance();
    co_return e_.read([&](connection& c) {
      read_transaction snapshot(c);
      return caller.role == role::farmer ? farmer_balance(c, caller.id) : partner_balance(c, caller.id);
    });
  }

  task<result<page<statement_entry>>> statement(statement_query q) override {
    if (!has_balance(q.caller)) co_return no_balance();
    const auto type = q.caller.role == role::farmer ? payee_type::shop : payee_type::partner;
    co_return e_.read([&](connection& c) { return page_of(payee_statement(c, type, q), q.page.limit); });
  }

  task<std::vector<payout_record>> run_payouts(unix_seconds now) override {
    auto cmd = [now](connection& c) -> result<std::vector<payout_record>> { return storage::run_payouts(c, now); };
    co_return (co_await e_.write(std::move(cmd))).value();
  }

  task<result<station_cash_report>> station_cash(account caller, std::int64_t partner_id, day_range period) override {
    if (!can_read_earnings_of(caller, partner_id)) co_return error{errc::not_found, "No such partner."};
    co_return e_.read([&](connection& c) {
      read_transaction snapshot(c);
      return read_station_cash(c, partner_id, period);
    });
  }

  task<answer> hand_in(handin_request r, std::optional<idempotency_key> key, renderer<cash_handin> render) override {
    const auto now = r.now;
    auto work = [r = std::move(r)](connection& c) { return record_handin(c, r); };
    co_return co_await e_.idempotent<cash_handin>(std::move(key), std::move(work), std::move(render), now);
  }

  task<platform_figures> platform(day_range period) override {
    co_return e_.read([&](connection& c) {
      read_transaction snapshot(c);
      return read_platform_figures(c, period);
    });
  }

  task<ledger_report> check_ledger() override {
    co_return e_.read([](connection& c) { return storage::check_ledger(c); });
  }

 private:
  engine e_;
};

}  // namespace

std::unique_ptr<money_store> make_money_store(database& db) { return std::make_unique<sqlite_money_store>(db); }

}  // namespace cunji::storage
