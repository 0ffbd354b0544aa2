#pragma once
// The ledger's rules: its accounts, and the postings of every money event. Pure: storage writes
// what these functions return and the self-check (storage::check_ledger) compares the books
// with them.
//
// Double entry: every event is one entry whose postings sum to zero. A posting's amount is a
// debit when positive and a credit when negative; the balance of a liability account (what the
// platform owes a shop or a partner) is therefore negative, and what is owed is its negation.
//
// | event                         | postings                                                    |
// |-------------------------------|-------------------------------------------------------------|
// | payment                       | cash +total; shop pending −proceeds; each partner pending   |
// |                               | −fee; platform revenue −(commission + delivery − fees)      |
// | delivery                      | shop pending +proceeds, shop available −proceeds; likewise  |
// |                               | each partner fee (pending +fee, available −fee)             |
// | cancellation of a paid order  | the payment's postings, reversed (a refund)                 |
// | payout                        | payee's available +amount; cash −amount                     |
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/order.hpp"

namespace cunji {

enum class ledger_account {
  cash,               // money the platform holds (owner 0)
  shop_pending,       // proceeds of a shop's orders paid but not yet delivered (owner: shop)
  shop_available,     // proceeds of delivered orders, not yet paid out (owner: shop)
  partner_pending,    // a partner's fees of orders paid but not yet delivered (owner: partner)
  partner_available,  // a partner's fees of delivered orders, not yet paid out (owner: partner)
  platform_revenue,   // what the platform keeps (owner 0)
};

std::string_view to_string(ledger_account a) noexcept;
std::optional<ledger_account> parse_ledger_account(std::string_view s) noexcept;

struct posting {
  ledger_account account = ledger_account::cash;
  std::int64_t owner_id = 0;
  std::int64_t amount_fen = 0;  // debit +, credit −
  bool operator==(const posting&) const = default;
};

// The kinds of ledger entries, as stored.
enum class entry_kind { payment, delivery, refund, payout };
std::string_view to_string(entry_kind k) noexcept;

// Payment: cash in; shop proceeds and partner fees owed (pending); the platform's net earned.
std::vector<posting> payment_postings(const order& o);
// Delivery: the pending proceeds and fees become available.
std::vector<posting> delivery_postings(const order& o);
// Cancellation of a paid order: the payment's postings reversed.
std::vector<posting> refund_postings(const order& o);

enum class payee_type { shop, partner };
std::string_view to_string(payee_type t) noexcept;
// A payout of `amount_fen` from the payee's available balance.
std::vector<posting> payout_postings(payee_type t, std::int64_t payee_id, std::int64_t amount_fen);

// What an order's postings net to in its current status: payment if it counts as a sale,
// plus delivery if delivered; nothing otherwise (placed, or cancelled: paid and refunded).
// Accounts that net to zero are left out.
std::vector<posting> expected_order_postings(const order& o);

// Adds `b` into `a` per (account, owner) and drops what nets to zero; sorted.
std::vector<posting> net_postings(std::vector<posting> p);

// Sum of the amounts (zero for every balanced entry).
std::int64_t sum_fen(const std::vector<posting>& p) noexcept;

}  // namespace cunji
