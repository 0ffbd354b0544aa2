#pragma once
// The money history of the parity tests (money_history.hpp) applied to either engine, and every
// answer of the money and reports areas as text, so that two databases' answers compare as
// strings: the same history on both engines (money_parity_test.cpp), or a history moved from
// SQLite to PostgreSQL (migrate_data_test.cpp).
#include <catch2/catch.hpp>

#include "postgresql/money_history.hpp"
#include "storage/postgresql/sql/reports.hpp"
#include "storage/sql/ledger.hpp"
#include "storage/sql/reports.hpp"
#include "storage/sqlite/connection.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"  // GCC 12, for designated initializers

namespace cunji::test {

using namespace cunji::storage;

// The reports' history, then a refund owed for a late payment, hand-ins, and payout runs that
// settle held cash, keep all of a partner's fees back, and pay it.
inline std::vector<money_step> history() {
  std::vector<money_step> out{
      std::string(market_sql) +
      "; UPDATE fee_schedule SET taobao_village_min_shops = 1, taobao_village_min_gmv_fen = 5000"};
  auto add = [&out](const sale& s) {
    for (auto& step : sale_steps(s)) out.push_back(std::move(step));
  };
  for (const auto& s : report_sales()) add(s);
  const auto t = std::to_string(t0 + 5 * one_day);
  out.emplace_back(
      "INSERT INTO payments (id, method, status, amount_fen, out_trade_no, started_by, created_at) VALUES "
      "(1, 'alipay', 'succeeded', 900, 'T1', 3, " +
      t + ")");
  out.emplace_back(
      "INSERT INTO refunds (id, payment_id, amount_fen, status, out_request_no, created_at) VALUES "
      "(1, 1, 900, 'pending', 'R1', " +
      t + ")");
  entry_links late;
  late.payment_id = 1;
  out.emplace_back(post_step{entry_kind::late_payment, late, late_payment_postings(900), t0 + 5 * one_day});
  out.emplace_back(handin_step{2, 500, t0 + 11 * one_day});
  out.emplace_back(payouts_step{t0 + 12 * one_day});
  const partner_fee selling{2, partner_fee_kind::assisted_selling, 500};
  add({.id = 9,
       .shop = 3,
       .placed_by = 6,
       .buyer = 6,
       .status = order_status::delivered,
       .fee = selling,
       .at = t0 + 12 * one_day});
  out.emplace_back(payouts_step{t0 + 13 * one_day});
  out.emplace_back(handin_step{2, 140, t0 + 14 * one_day});
  add({.id = 10,
       .shop = 3,
       .placed_by = 6,
       .buyer = 6,
       .subtotal_fen = 2'000,
       .commission_fen = 100,
       .status = order_status::delivered,
       .fee = partner_fee{2, partner_fee_kind::assisted_selling, 300},
       .at = t0 + 14 * one_day});
  out.emplace_back(payouts_step{t0 + 15 * one_day});
  return out;
}

inline void apply_steps(connection& c, const std::vector<money_step>& steps) {
  for (const auto& s : steps) {
    if (const auto* sql = std::get_if<std::string>(&s)) {
      c.exec(*sql);
    } else if (const auto* p = std::get_if<post_step>(&s)) {
      storage::post(c, p->kind, p->about, p->postings, p->at);
    } else if (const auto* h = std::get_if<handin_step>(&s)) {
      handin_request r;
      r.caller.id = 4;
      r.caller.role = role::admin;
      r.partner_id = h->partner_id;
      r.amount_fen = h->amount_fen;
      r.now = h->at;
      REQUIRE(storage::record_handin(c, r).ok());
    } else {
      c.exec("BEGIN");
      storage::run_payouts(c, std::get<payouts_step>(s).at);
      c.exec("COMMIT");
    }
  }
}

// Every answer as one line of text, so that two engines' answers compare as strings.
inline std::string n(std::int64_t v) { return std::to_string(v); }
inline std::string dump(const balance& b) {
  return "balance " + n(b.pending_fen) + " " + n(b.available_fen) + " " + n(b.paid_out_fen) + "\n";
}
inline std::string dump(const std::vector<statement_entry>& rows) {
  std::string out = "statement\n";
  for (const auto& e : rows)
    out += "  " + n(e.id) + " " + n(e.order_id.value_or(-1)) + " " + n(e.payout_id.value_or(-1)) + " " + e.kind + " " +
           n(e.amount_fen) + " " + n(e.created_at) + "\n";
  return out;
}
inline std::string dump(const result<station_cash_report>& r) {
  if (!r.ok()) return "station cash: error\n";
  std::string out = "station cash " + n(r->held_fen) + " " + n(r->collected_fen) + " " + n(r->handed_in_fen) + " " +
                    n(r->refunded_fen) + "\n";
  for (const auto& d : r->days)
    out += "  " + n(d.day) + " " + n(d.collected_fen) + " " + n(d.handed_in_fen) + " " + n(d.refunded_fen) + "\n";
  return out;
}
inline std::string dump(const platform_figures& f) {
  return "platform " + n(f.commission_fen) + " " + n(f.delivery_fees_fen) + " " + n(f.partner_fees_fen) + " " +
         n(f.net_revenue_fen) + " " + n(f.cash_fen) + " " + n(f.station_cash_held_fen) + " " + n(f.payouts_fen) + "\n";
}
inline std::string dump(const std::vector<county_report_row>& rows) {
  std::string out = "counties\n";
  for (const auto& r : rows)
    out += "  " + n(r.county_id) + " " + r.name + " " + n(r.poverty_stricken) + " " + n(r.gmv_fen) + " " + n(r.orders) +
           " " + n(r.distinct_buyers) + " " + n(r.active_shops) + " " + n(r.taobao_villages) + "\n";
  return out;
}
inline std::string dump(const poverty_relief_report& r) {
  std::string out = "poverty " + n(r.gmv_fen) + " " + n(r.orders) + " " + n(r.distinct_buyers) + " " + n(r.shops);
  for (const auto& c : r.counties) out += " " + n(c.county_id) + ":" + n(c.gmv_fen);
  return out + "\n";
}
inline std::string dump(const partner_earnings& e) {
  return "earnings " + n(e.assisted_buying_fen) + " " + n(e.assisted_selling_fen) + " " + n(e.orders) + "\n";
}
inline std::string dump(const std::vector<month_figures>& months) {
  std::string out = "months\n";
  for (const auto& m : months)
    out += "  " + n(m.month) + " " + n(m.gmv_fen) + " " + n(m.orders) + " " + n(m.poverty_relief_gmv_fen) + " " +
           n(m.active_shops) + " " + n(m.taobao_village) + "\n";
  return out;
}
inline std::string dump(const ledger_report& r) {
  std::string out = "ledger " + n(r.balanced) + " " + n(r.postings) + " " + n(r.sum_fen) + " " + n(r.orders_checked) +
                    "\n";
  for (const auto& m : r.mismatches) out += "  " + m + "\n";
  return out;
}

inline constexpr day_number today = d0 + 12;
inline const std::vector<day_range> periods{{d0 - 5, d0 + 11}, {d0 - 60, d0 + 30}};
inline const month_range months{month_of_day(d0) - 13, month_of_day(d0) + 1};

inline statement_query statement_of(std::int64_t id, role r, std::optional<unix_seconds> from = std::nullopt) {
  statement_query q;
  q.caller.id = id;
  q.caller.role = r;
  q.from = from;
  q.page.limit = 3;
  return q;
}
// Pages of three of a farmer's statement, a partner's, and a farmer's from t0 on.
inline const std::vector<statement_query> statements{statement_of(1, role::farmer), statement_of(2, role::partner),
                                                     statement_of(5, role::farmer, t0 + 12 * one_day)};
inline const std::vector<std::int64_t> farmers{1, 5}, counties{1, 2}, villages{1, 2, 3};

// Every read of the money and reports areas on SQLite ...
inline std::string everything(connection& c) {
  std::string out;
  for (const auto farmer : farmers) out += dump(farmer_balance(c, farmer));
  out += dump(partner_balance(c, 2));
  for (auto q : statements) {
    const auto type = q.caller.role == role::farmer ? payee_type::shop : payee_type::partner;
    for (auto rows = payee_statement(c, type, q);; rows = payee_statement(c, type, q)) {
      out += dump(rows);
      if (rows.size() <= 3) break;
      q.page.after = {rows[2].id};
    }
  }
  for (const auto& p : periods) {
    out += dump(read_station_cash(c, 2, p)) + dump(read_platform_figures(c, p)) + dump(county_report(c, p, today)) +
           dump(poverty_report(c, p)) + dump(partner_earnings_report(c, 2, p));
  }
  for (const auto county : counties) out += dump(county_monthly(c, county, months));
  for (const auto village : villages) out += dump(village_monthly(c, village, months, today));
  return out;
}

// ... and on PostgreSQL (one co_await per statement, and no temporary alive across one).
inline task<std::string> everything(pg::connection& c) {
  std::string out;
  for (const auto farmer : farmers) out += dump(co_await pg::farmer_balance(c, farmer));
  out += dump(co_await pg::partner_balance(c, 2));
  for (auto q : statements) {
    const auto type = q.caller.role == role::farmer ? payee_type::shop : payee_type::partner;
    for (;;) {
      const auto rows = co_await pg::payee_statement(c, type, q);
      out += dump(rows);
      if (rows.size() <= 3) break;
      q.page.after = {rows[2].id};
    }
  }
  for (const auto& p : periods) {
    out += dump(co_await pg::read_station_cash(c, 2, p));
    out += dump(co_await pg::read_platform_figures(c, p));
    out += dump(co_await pg::county_report(c, p, today));
    out += dump(co_await pg::poverty_report(c, p));
    out += dump(co_await pg::partner_earnings_report(c, 2, p));
  }
  for (const auto county : counties) out += dump(co_await pg::county_monthly(c, county, months));
  for (const auto village : villages) out += dump(co_await pg::village_monthly(c, village, months, today));
  co_return out;
}

}  // namespace cunji::test

#pragma GCC diagnostic pop
