// The fee schedule, balances, statements, payouts and the ledger check on PostgreSQL
// (storage/money.hpp). Payouts and hand-ins move money: SERIALIZABLE writes, so that two
// payout runs at once never pay the same balance twice (the later one is run again and finds it
// paid). Reads of several statements take one snapshot.
#include "core/policy.hpp"
#include "storage/paging.hpp"
#include "storage/postgresql/engine.hpp"
#include "storage/postgresql/sql/fee_schedule.hpp"
#include "storage/postgresql/sql/ledger.hpp"
#include "storage/postgresql/sql/stores.hpp"

namespace cunji::storage::pg {

namespace {

error no_balance() { return error{errc::forbidden, "Only farmers and partners have balances and statements."}; }

// The ledger check's cap on the mismatches it lists.
constexpr std::size_t max_mismatches = 100;

task<fee_schedule> replace_fee_schedule_in(connection& c, fee_schedule s, unix_seconds now) {
  co_await save_fee_schedule(c, s, now);
  co_return co_await load_fee_schedule(c);
}

task<balance> balance_in(connection& c, account caller) {
  if (caller.role == role::farmer) co_return co_await farmer_balance(c, caller.id);
  co_return co_await partner_balance(c, caller.id);
}

class pg_money_store final : public money_store {
 public:
  explicit pg_money_store(engine& e) : e_(e) {}

  task<fee_schedule> fee_schedule_in_force() override {
    co_return co_await e_.snapshot<fee_schedule>([](connection& c) { return load_fee_schedule(c); });
  }

  task<fee_schedule> replace_fee_schedule(fee_schedule s, unix_seconds now) override {
    co_return co_await e_.write<fee_schedule>([&](connection& c) { return replace_fee_schedule_in(c, s, now); });
  }

  task<result<balance>> balance_of(account caller) override {
    if (!has_balance(caller)) co_return no_balance();
    co_return co_await e_.snapshot<balance>([&](connection& c) { return balance_in(c, caller); });
  }

  task<result<page<statement_entry>>> statement(statement_query q) override {
    if (!has_balance(q.caller)) co_return no_balance();
    const auto type = q.caller.role == role::farmer ? payee_type::shop : payee_type::partner;
    auto rows = co_await e_.read<std::vector<statement_entry>>(
        [&](connection& c) { return payee_statement(c, type, q); });
    co_return page_of(std::move(rows), q.page.limit);
  }

  task<std::vector<payout_record>> run_payouts(unix_seconds now) override {
    co_return co_await e_.write<std::vector<payout_record>>([&](connection& c) { return pg::run_payouts(c, now); });
  }

  task<result<station_cash_report>> station_cash(account caller, std::int64_t partner_id, day_range period) override {
    if (!can_read_earnings_of(caller, partner_id)) co_return error{errc::not_found, "No such partner."};
    co_return co_await e_.snapshot<result<station_cash_report>>(
        [&](connection& c) { return read_station_cash(c, partner_id, period); });
  }

  task<answer> hand_in(handin_request r, std::optional<idempotency_key> key, renderer<cash_handin> render) override {
    const auto now = r.now;
    work_fn<cash_handin> work = [r = std::move(r)](connection& c) { return record_handin(c, r); };
    co_return co_await e_.idempotent<cash_handin>(std::move(key), std::move(work), std::move(render), now);
  }

  task<platform_figures> platform(day_range period) override {
    co_return co_await e_.snapshot<platform_figures>([&](connection& c) { return read_platform_figures(c, period); });
  }

  task<ledger_report> check_ledger() override {
    co_return co_await e_.snapshot<ledger_report>([](connection& c) { return pg::check_ledger(c, max_mismatches); });
  }

 private:
  engine& e_;
};

}  // namespace

std::unique_ptr<money_store> make_money_store(engine& e) { return std::make_unique<pg_money_store>(e); }

}  // namespace cunji::storage::pg
