#pragma once
// Returns at the storage seam: asking for one (or reporting a parcel lost), deciding it, and
// reading them. The rules are core's (core/order_return.hpp: when; core/policy.hpp: who;
// core/ledger.hpp: the refund). Accepting moves the order to refunded in the same write.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/account.hpp"
#include "core/order_return.hpp"
#include "storage/common.hpp"

namespace cunji::storage {

struct return_request {
  account caller;  // the placer
  std::int64_t order_id = 0;
  bool lost = false;  // report-lost: a shipped parcel that never arrived
  std::string reason;
  std::vector<field_error> invalid;  // answered as 422 after the 404 and 403 checks
  unix_seconds now = 0;
};

struct return_decision_request {
  account caller;
  std::int64_t return_id = 0;
  return_decision decision = return_decision::accept;
  bool restock = false;                        // accept
  std::optional<std::string> decision_reason;  // reject
  std::vector<field_error> invalid;            // answered as 422 after the 404 and 403 checks
  unix_seconds now = 0;
};

// Whose returns: of orders the caller placed, or of its shops (the shops it owns or runs; an
// admin: every shop's).
enum class return_view { buyer, seller };

struct return_list_filter {
  account caller;
  return_view as = return_view::buyer;
  std::optional<return_status> status;
  page_request page;  // keys: {id}, newest first
};

class return_store {
 public:
  virtual ~return_store() = default;

  // Opens a return of the order: 404 unless the caller may see the order, 403 unless it placed
  // it, 422 for bad fields, 409 when the order is not delivered (lost: not shipped), outside
  // its window, or already has a return. With a key, a repeat gets the first answer.
  virtual task<answer> open(return_request r, std::optional<idempotency_key> key, renderer<order_return> render) = 0;

  // Accepts or rejects: 404 unless the caller may see the order, 403 unless it may decide
  // (core::can_decide_return), 422 for bad fields, 409 from a status the decision is not
  // allowed from (core::check_return_decision) or an order that can no longer be refunded.
  // Accepting refunds the order (and restocks it if asked) in the same write.
  virtual task<answer> decide(return_decision_request r, std::optional<idempotency_key> key,
                              renderer<order_return> render) = 0;

  // A return of an order the caller may see (else not_found).
  virtual task<result<order_return>> get(std::int64_t id, account caller) = 0;

  virtual task<result<page<order_return>>> list(return_list_filter f) = 0;
};

}  // namespace cunji::storage
