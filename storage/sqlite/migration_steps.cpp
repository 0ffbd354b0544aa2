#include "storage/sqlite/migration_steps.hpp"

#include <stdexcept>
#include <string>

#include "core/ledger.hpp"
#include "core/order_state.hpp"
#include "storage/sql/phones.hpp"
#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

namespace {

// "('a', 'b', 'c')"
template <class Range>
std::string sql_list(const Range& values) {
  std::string out = "(";
  for (const auto& v : values) {
    if (out.size() > 1) out += ", ";
    out += "'" + std::string(to_string(v)) + "'";
  }
  return out + ")";
}

// 0008: order statuses, ledger entry kinds and ledger accounts as core lists them now.
void widen_checks(connection& c) {
  rewrite_table_definition(c, "orders", "CHECK (status IN ('placed', 'paid', 'shipped', 'delivered', 'cancelled'))",
                           "CHECK (status IN " + sql_list(all_order_statuses) + ")");
  const entry_kind kinds[] = {entry_kind::payment, entry_kind::delivery, entry_kind::refund, entry_kind::late_payment,
                              entry_kind::payout};
  rewrite_table_definition(c, "ledger_entries", "CHECK (kind IN ('payment', 'delivery', 'refund', 'payout'))",
                           "CHECK (kind IN " + sql_list(kinds) + ")");
  // platform_revenue stays allowed until migration 0009 has moved its postings.
  rewrite_table_definition(
      c, "ledger_postings",
      "CHECK (account IN ('cash', 'platform_revenue', 'shop_pending', 'shop_available',\n"
      "                                                 'partner_pending', 'partner_available'))",
      "CHECK (account IN " + sql_list(all_ledger_accounts).replace(0, 1, "('platform_revenue', ") + ")");
}

// 0009 moved the last platform_revenue postings: the account is gone.
void drop_platform_revenue(connection& c) {
  rewrite_table_definition(c, "ledger_postings", "CHECK (account IN ('platform_revenue', ", "CHECK (account IN (");
}

// 0012: the entry kinds of station cash (hand-ins and payout settlements).
void allow_handins(connection& c) {
  const entry_kind before[] = {entry_kind::payment, entry_kind::delivery, entry_kind::refund, entry_kind::late_payment,
                               entry_kind::payout};
  const entry_kind now[] = {entry_kind::payment, entry_kind::delivery, entry_kind::refund,    entry_kind::late_payment,
                            entry_kind::payout,  entry_kind::handin,   entry_kind::settlement};
  rewrite_table_definition(c, "ledger_entries", "CHECK (kind IN " + sql_list(before) + ")",
                           "CHECK (kind IN " + sql_list(now) + ")");
}

// 0017: the entry kind of refunds the provider confirmed sent.
void allow_refunds_sent(connection& c) {
  const entry_kind before[] = {entry_kind::payment,      entry_kind::delivery, entry_kind::refund,
                               entry_kind::late_payment, entry_kind::payout,   entry_kind::handin,
                               entry_kind::settlement};
  const entry_kind now[] = {entry_kind::payment, entry_kind::delivery, entry_kind::refund,     entry_kind::late_payment,
                            entry_kind::payout,  entry_kind::handin,   entry_kind::settlement, entry_kind::refund_sent};
  rewrite_table_definition(c, "ledger_entries", "CHECK (kind IN " + sql_list(before) + ")",
                           "CHECK (kind IN " + sql_list(now) + ")");
}

// 0019: payout settlements of cash paid back (a negative amount, reference 'payout').
void allow_payback_settlements(connection& c) {
  rewrite_table_definition(c, "cash_handins", "CHECK (amount_fen > 0)",
                           "CHECK (amount_fen > 0 OR (amount_fen < 0 AND reference = 'payout'))");
}

}  // namespace

void run_migration_step(connection& c, int version) {
  if (version == 8) widen_checks(c);
  if (version == 9) drop_platform_revenue(c);
  if (version == 11) normalize_stored_phones(c);  // core's normalize_phone, not written again in SQL
  if (version == 12) allow_handins(c);
  if (version == 17) allow_refunds_sent(c);
  if (version == 19) allow_payback_settlements(c);
}

void rewrite_table_definition(connection& c, std::string_view table, std::string_view from, std::string_view to) {
  std::string sql;
  {
    auto q = c.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?");
    q.bind(1, table);
    if (!q.step()) throw std::runtime_error("migration: no table " + std::string(table));
    sql = q.str(0);
  }
  const auto at = sql.find(from);
  if (at == std::string::npos || sql.find(from, at + 1) != std::string::npos)
    throw std::runtime_error("migration: the definition of " + std::string(table) + " is not the expected one");
  sql.replace(at, from.size(), to);
  std::int64_t cookie = 0;
  {
    auto q = c.prepare("PRAGMA schema_version");
    q.step();
    cookie = q.i64(0);
  }
  c.exec("PRAGMA writable_schema = ON");
  c.run("UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?", sql, table);
  c.exec("PRAGMA schema_version = " + std::to_string(cookie + 1));
  c.exec("PRAGMA writable_schema = OFF");
}

}  // namespace cunji::storage
