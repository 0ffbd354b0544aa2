#include "core/ledger.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

namespace cunji {

std::string_view to_string(ledger_account a) noexcept {
  switch (a) {
    case ledger_account::cash: return "cash";
    case ledger_account::station_cash: return "station_cash";
    case ledger_account::refunds_due: return "refunds_due";
    case ledger_account::shop_pending: return "shop_pending";
    case ledger_account::shop_available: return "shop_available";
    case ledger_account::partner_pending: return "partner_pending";
    case ledger_account::partner_available: return "partner_available";
    case ledger_account::commission: return "commission";
    case ledger_account::delivery_fees: return "delivery_fees";
    case ledger_account::partner_fees_expense: return "partner_fees_expense";
  }
  return "cash";
}

std::optional<ledger_account> parse_ledger_account(std::string_view s) noexcept {
  for (auto a : all_ledger_accounts)
    if (to_string(a) == s) return a;
  return std::nullopt;
}

std::string_view to_string(entry_kind k) noexcept {
  switch (k) {
    case entry_kind::payment: return "payment";
    case entry_kind::delivery: return "delivery";
    case entry_kind::refund: return "refund";
    case entry_kind::late_payment: return "late_payment";
    case entry_kind::payout: return "payout";
    case entry_kind::handin: return "handin";
    case entry_kind::settlement: return "settlement";
    case entry_kind::refund_sent: return "refund_sent";
  }
  return "payment";
}

std::string_view to_string(payee_type t) noexcept { return t == payee_type::shop ? "shop" : "partner"; }

namespace {
// Where the money of a payment went in: the station cash of the partner who took it, or the
// platform's cash.
posting money_in(const order& o, std::int64_t amount) {
  if (o.paid_with && o.paid_with->collected_by)
    return {ledger_account::station_cash, *o.paid_with->collected_by, amount};
  return {ledger_account::cash, 0, amount};
}
}  // namespace

// They sum to zero: total − proceeds − fees − commission − delivery + fees
// = total − (subtotal − commission) − commission − delivery = 0.
std::vector<posting> payment_postings(const order& o) {
  std::vector<posting> p{money_in(o, o.money.total_fen),
                         {ledger_account::shop_pending, o.shop_id, -o.money.shop_proceeds_fen}};
  std::int64_t fees = 0;
  for (const auto& f : o.money.partner_fees) {
    p.push_back({ledger_account::partner_pending, f.partner_id, -f.amount_fen});
    fees += f.amount_fen;
  }
  p.push_back({ledger_account::commission, 0, -o.money.platform_commission_fen});
  p.push_back({ledger_account::delivery_fees, 0, -o.money.delivery_fee_fen});
  p.push_back({ledger_account::partner_fees_expense, 0, fees});
  return p;
}

std::vector<posting> delivery_postings(const order& o) {
  std::vector<posting> p{{ledger_account::shop_pending, o.shop_id, o.money.shop_proceeds_fen},
                         {ledger_account::shop_available, o.shop_id, -o.money.shop_proceeds_fen}};
  for (const auto& f : o.money.partner_fees) {
    p.push_back({ledger_account::partner_pending, f.partner_id, f.amount_fen});
    p.push_back({ledger_account::partner_available, f.partner_id, -f.amount_fen});
  }
  return p;
}

std::vector<posting> refund_postings(const order& o) {
  auto p = payment_postings(o);
  for (auto& x : p) x.amount_fen = -x.amount_fen;
  // Alipay's money goes back through Alipay: owed to the buyer until the refund is sent.
  if (o.paid_with && o.paid_with->method == payment_method::alipay) p.front().account = ledger_account::refunds_due;
  return p;
}

std::vector<posting> return_postings(const order& o) {
  auto p = refund_postings(o);
  if (o.delivered_at)
    for (auto x : delivery_postings(o)) {
      x.amount_fen = -x.amount_fen;
      p.push_back(x);
    }
  return net_postings(std::move(p));
}

std::vector<posting> late_payment_postings(std::int64_t amount_fen) {
  return {{ledger_account::cash, 0, amount_fen}, {ledger_account::refunds_due, 0, -amount_fen}};
}

std::vector<posting> refund_sent_postings(std::int64_t amount_fen) {
  return {{ledger_account::refunds_due, 0, amount_fen}, {ledger_account::cash, 0, -amount_fen}};
}

std::vector<posting> payout_postings(payee_type t, std::int64_t payee_id, std::int64_t amount_fen) {
  const auto available = t == payee_type::shop ? ledger_account::shop_available : ledger_account::partner_available;
  return {{available, payee_id, amount_fen}, {ledger_account::cash, 0, -amount_fen}};
}

std::vector<posting> handin_postings(std::int64_t partner_id, std::int64_t amount_fen) {
  return {{ledger_account::cash, 0, amount_fen}, {ledger_account::station_cash, partner_id, -amount_fen}};
}

std::vector<posting> settlement_postings(std::int64_t partner_id, std::int64_t kept_fen) {
  return {{ledger_account::partner_available, partner_id, kept_fen},
          {ledger_account::station_cash, partner_id, -kept_fen}};
}

payout_split split_partner_payout(std::int64_t available_fen, std::int64_t held_fen) noexcept {
  if (held_fen < 0) {  // the partner is owed the cash it paid back, with its fees
    const auto paid = available_fen - held_fen;
    return paid > 0 ? payout_split{held_fen, paid} : payout_split{};
  }
  if (available_fen <= 0) return {};
  const auto kept = std::min(held_fen, available_fen);
  return {kept, available_fen - kept};
}

std::vector<posting> expected_order_postings(const order& o) {
  if (!o.paid_with) return {};
  auto p = payment_postings(o);
  auto add = [&p](const std::vector<posting>& more) { p.insert(p.end(), more.begin(), more.end()); };
  if (o.status == order_status::delivered) add(delivery_postings(o));
  if (o.status == order_status::cancelled || o.status == order_status::returned_to_shop) add(refund_postings(o));
  if (o.status == order_status::refunded) {
    if (o.delivered_at) add(delivery_postings(o));
    add(return_postings(o));
  }
  return net_postings(std::move(p));
}

std::vector<posting> net_postings(std::vector<posting> p) {
  std::map<std::pair<ledger_account, std::int64_t>, std::int64_t> sums;
  for (const auto& x : p) sums[{x.account, x.owner_id}] += x.amount_fen;
  std::vector<posting> out;
  for (const auto& [key, amount] : sums)
    if (amount != 0) out.push_back({key.first, key.second, amount});
  return out;
}

std::int64_t sum_fen(const std::vector<posting>& p) noexcept {
  std::int64_t s = 0;
  for (const auto& x : p) s += x.amount_fen;
  return s;
}

}  // namespace cunji
