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
// | payment                       | cash (station cash of the partner holding it, for cash      |
// |                               | taken at a station) +total; shop pending −proceeds; each    |
// |                               | partner pending −fee; commission −commission; delivery fees |
// |                               | −delivery fee; partner fees expense +fees                   |
// | delivery                      | shop pending +proceeds, shop available −proceeds; likewise  |
// |                               | each partner fee (pending +fee, available −fee)             |
// | refund of a paid order        | the payment's postings reversed, except that the money goes |
// | (cancelled, or returned to    | to refunds due (Alipay: owed to the buyer until the refund  |
// | the shop)                     | is sent) or out of the station cash (cash handed back)      |
// | return accepted (the order     | the refund above, and for a delivered order its delivery    |
// | refunded)                     | reversed too: shop available +proceeds, each partner        |
// |                               | available +fee (below zero when already paid out: later     |
// |                               | payouts net it)                                             |
// | late payment (a payment that  | cash +amount; refunds due −amount                           |
// | succeeds for cancelled orders)|                                                             |
// | refund sent (the provider     | refunds due +amount; cash −amount (the money leaves the     |
// | confirmed a refund owed)      | platform)                                                   |
// | payout                        | payee's available +amount; cash −amount                     |
// | hand-in (cash a partner brings| cash +amount; station cash of the partner −amount            |
// | to the platform)              |                                                             |
// | settlement (a payout to a     | partner available +kept; station cash of the partner −kept  |
// | partner keeps back the cash   | (see payout_split)                                          |
// | it still holds)               |                                                             |
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/order.hpp"

namespace cunji {

enum class ledger_account {
  cash,                  // money the platform holds (owner 0)
  station_cash,          // cash taken at a station, held by its partner until handed in (owner: partner)
  refunds_due,           // money owed back to buyers, not yet sent (owner 0)
  shop_pending,          // proceeds of a shop's orders paid but not yet delivered (owner: shop)
  shop_available,        // proceeds of delivered orders, not yet paid out (owner: shop)
  partner_pending,       // a partner's fees of orders paid but not yet delivered (owner: partner)
  partner_available,     // a partner's fees of delivered orders, not yet paid out (owner: partner)
  commission,            // the platform's commission earned (owner 0)
  delivery_fees,         // delivery fees earned (owner 0)
  partner_fees_expense,  // partner fees the platform pays out of its commission (owner 0)
};
inline constexpr ledger_account all_ledger_accounts[] = {ledger_account::cash,
                                                         ledger_account::station_cash,
                                                         ledger_account::refunds_due,
                                                         ledger_account::shop_pending,
                                                         ledger_account::shop_available,
                                                         ledger_account::partner_pending,
                                                         ledger_account::partner_available,
                                                         ledger_account::commission,
                                                         ledger_account::delivery_fees,
                                                         ledger_account::partner_fees_expense};

std::string_view to_string(ledger_account a) noexcept;
std::optional<ledger_account> parse_ledger_account(std::string_view s) noexcept;

struct posting {
  ledger_account account = ledger_account::cash;
  std::int64_t owner_id = 0;
  std::int64_t amount_fen = 0;  // debit +, credit −
  bool operator==(const posting&) const = default;
};

// The kinds of ledger entries, as stored.
enum class entry_kind { payment, delivery, refund, late_payment, payout, handin, settlement, refund_sent };
std::string_view to_string(entry_kind k) noexcept;

// Payment of `o` (its paid_with says how): money in; shop proceeds and partner fees owed
// (pending); the platform's commission and delivery fee earned, the partner fees its expense.
std::vector<posting> payment_postings(const order& o);
// Delivery: the pending proceeds and fees become available.
std::vector<posting> delivery_postings(const order& o);
// Refund of a paid order (cancelled or returned to the shop): the payment reversed, the money
// owed back to the buyer (refunds due) or handed back from the station cash.
std::vector<posting> refund_postings(const order& o);
// An accepted return (the order refunded; `o.delivered_at` says whether it was delivered): the
// refund, and the delivery reversed if there was one. One entry, of kind refund.
std::vector<posting> return_postings(const order& o);
// A payment that succeeded for orders cancelled meanwhile: the money is in, and owed back.
std::vector<posting> late_payment_postings(std::int64_t amount_fen);
// A refund owed that the provider confirmed sent: no longer owed, and out of the platform's cash.
std::vector<posting> refund_sent_postings(std::int64_t amount_fen);

enum class payee_type { shop, partner };
std::string_view to_string(payee_type t) noexcept;
// A payout of `amount_fen` from the payee's available balance.
std::vector<posting> payout_postings(payee_type t, std::int64_t payee_id, std::int64_t amount_fen);

// An admin records `amount_fen` of cash brought in by a partner: it leaves the partner's
// station cash for the platform's cash.
std::vector<posting> handin_postings(std::int64_t partner_id, std::int64_t amount_fen);
// A payout to a partner that keeps back `kept_fen` of its fees to settle the cash it holds: the
// fees owed shrink by what the partner already has in hand. A negative `kept_fen` settles cash
// the partner paid back out of its own pocket (held below zero): the platform owes it that.
std::vector<posting> settlement_postings(std::int64_t partner_id, std::int64_t kept_fen);

// A payout to a partner pays max(0, available − held): the rest of what is available settles
// the cash the partner holds, so cash is never withdrawable before it is handed in. Held below
// zero (cash refunded after it was handed in) is paid back with the fees: kept is then the
// negative held, and the payout is available + |held| (when that is above zero).
struct payout_split {
  std::int64_t kept_fen = 0;  // settles held cash (0 when the partner holds none; < 0: paid back)
  std::int64_t paid_fen = 0;  // paid out
  bool operator==(const payout_split&) const = default;
};
payout_split split_partner_payout(std::int64_t available_fen, std::int64_t held_fen) noexcept;

// What an order's postings net to in its current status: nothing while unpaid; the payment
// while it counts as a sale, plus the delivery once delivered; the payment and its refund once
// a paid order was cancelled, returned to the shop or refunded after a return. Accounts that net to zero are left out.
std::vector<posting> expected_order_postings(const order& o);

// Adds `b` into `a` per (account, owner) and drops what nets to zero; sorted.
std::vector<posting> net_postings(std::vector<posting> p);

// Sum of the amounts (zero for every balanced entry).
std::int64_t sum_fen(const std::vector<posting>& p) noexcept;

}  // namespace cunji
