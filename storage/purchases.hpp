#pragma once
// Purchases at the storage seam: one checkout across shops, placed in one all-or-nothing write
// (one order per shop, each placed as storage/orders.hpp places one), read whole, and paid in
// one write for all of its orders still placed. The rules are core's (core/purchase.hpp,
// core/ordering.hpp, core/policy.hpp, core/ledger.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/account.hpp"
#include "core/payment.hpp"
#include "core/purchase.hpp"
#include "storage/common.hpp"
#include "storage/orders.hpp"

namespace cunji::storage {

struct place_purchase_request {
  account caller;  // the placer
  std::vector<order_line_request> lines;
  delivery_method delivery = delivery_method::station_pickup;
  std::optional<std::string> address;
  std::optional<std::int64_t> villager_id;  // assisted buying (partners only)
  std::optional<std::int64_t> station_village_id;
  // Station pickup: a code per order to hand its parcel over with (the server draws one per
  // line, as there are at most as many orders as lines; the first ones are used).
  std::vector<std::string> pickup_codes;
  std::vector<field_error> invalid;  // answered (and stored under the key) as 422
  unix_seconds now = 0;
};

struct pay_purchase_request {
  account caller;
  std::int64_t purchase_id = 0;
  payment_method method = payment_method::alipay;
  // Alipay: as for one order (storage/payments.hpp), the amount signed is the sum of the totals
  // of the purchase's orders still placed; the write refuses (409) if that sum changed.
  std::string out_trade_no;
  std::int64_t signed_amount_fen = 0;
  std::vector<field_error> invalid;  // answered as 422 after the 404 and 403 checks
  unix_seconds now = 0;
};

// The purchase after a pay request, and the payment it made (pending: Alipay; succeeded: cash).
struct purchase_pay_outcome {
  purchase paid;
  payment_record payment;
};

class purchase_store {
 public:
  virtual ~purchase_store() = default;

  // One write for the whole purchase: every line is checked (422 naming `lines[i].listing_id`
  // for a listing that is missing or may not be ordered, and the other bad fields), stock is
  // taken only if every line of every shop has enough (else 409 insufficient_stock naming every
  // listing short, and nothing changes), then one order per shop is stored, each priced as if
  // placed alone. With a key, a repeat gets the first answer.
  virtual task<answer> place(place_purchase_request r, std::optional<idempotency_key> key,
                             renderer<purchase> render) = 0;

  // A purchase whose every order the caller may see (else not_found).
  virtual task<result<purchase>> get(std::int64_t id, account caller) = 0;

  // Pays every order of the purchase still placed, in one write: 404 unless the caller may see
  // every order, 403 unless it may pay every one (core::can_act), 422 for a method it may not use
  // (cash: partners only), 409 when no order is placed. Cash pays them at once (each posted as
  // its own payment would be); Alipay makes one pending payment for their sum, linked to each.
  virtual task<answer> pay(pay_purchase_request r, std::optional<idempotency_key> key,
                           renderer<purchase_pay_outcome> render) = 0;
};

}  // namespace cunji::storage
