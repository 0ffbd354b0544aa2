#pragma once
// Returns after the sale: a placer asks to give back a delivered order (or a parcel lost on its
// way), the shop side decides, and an accepted return refunds the order's total.
//
//   requested ──accept──▶ accepted   (the order → refunded: core/ledger.hpp return_postings)
//       │
//       └──reject──▶ rejected ──accept (an admin overriding)──▶ accepted
//
// An order has at most one return: after a rejection the placer asks an admin, who accepts the
// same return. Who may do what is core/policy.hpp's (can_request_return, can_decide_return).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/order.hpp"
#include "core/time.hpp"

namespace cunji {

enum class return_status { requested, accepted, rejected };
std::string_view to_string(return_status s) noexcept;
std::optional<return_status> parse_return_status(std::string_view s) noexcept;

struct order_return {
  std::int64_t id = 0;
  std::int64_t order_id = 0;
  std::int64_t shop_id = 0;
  std::int64_t requested_by = 0;
  return_status status = return_status::requested;
  bool lost = false;  // opened by report-lost: the parcel never arrived
  std::string reason;
  std::optional<std::string> decision_reason;
  std::int64_t refund_fen = 0;  // the order's total
  bool restocked = false;
  unix_seconds created_at = 0;
  std::optional<unix_seconds> decided_at;
};

inline constexpr unix_seconds return_window_s = 7 * 86'400;       // after delivery
inline constexpr unix_seconds lost_after_shipped_s = 7 * 86'400;  // before a parcel may be reported lost
inline constexpr std::size_t max_return_reason_chars = 500;       // the placer's reason, the shop side's

// May `o` be returned at `now` (delivered, at most 7 days ago)? 409 otherwise.
std::optional<error> check_return_window(const order& o, unix_seconds now);
// May `o` be reported lost at `now` (shipped, not at a station, at least 7 days ago)? 409 otherwise.
std::optional<error> check_lost_report(const order& o, unix_seconds now);

enum class return_decision { accept, reject };
// May a return in status `s` take `d`, by an admin or not? Accepted is final; a rejected
// return is accepted only by an admin overriding the shop side. 409 otherwise.
std::optional<error> check_return_decision(return_status s, return_decision d, bool by_admin);

}  // namespace cunji
