#include "core/order_return.hpp"

namespace cunji {

std::string_view to_string(return_status s) noexcept {
  switch (s) {
    case return_status::requested: return "requested";
    case return_status::accepted: return "accepted";
    case return_status::rejected: return "rejected";
  }
  return "requested";
}

std::optional<return_status> parse_return_status(std::string_view s) noexcept {
  for (auto v : {return_status::requested, return_status::accepted, return_status::rejected})
    if (to_string(v) == s) return v;
  return std::nullopt;
}

std::optional<error> check_return_window(const order& o, unix_seconds now) {
  if (o.status != order_status::delivered || !o.delivered_at)
    return error{errc::invalid_transition, "Only a delivered order can be returned."};
  if (now - *o.delivered_at > return_window_s)
    return error{errc::conflict, "A return is asked for within 7 days of delivery; this order was delivered earlier."};
  return std::nullopt;
}

std::optional<error> check_lost_report(const order& o, unix_seconds now) {
  if (o.status != order_status::shipped || !o.shipped_at)
    return error{errc::invalid_transition,
                 "Only a shipped order that has not reached its station can be reported lost."};
  if (now - *o.shipped_at < lost_after_shipped_s)
    return error{errc::conflict, "A parcel can be reported lost 7 days after it was shipped."};
  return std::nullopt;
}

std::optional<error> check_return_decision(return_status s, return_decision d, bool by_admin) {
  if (s == return_status::requested) return std::nullopt;
  if (s == return_status::rejected && d == return_decision::accept && by_admin) return std::nullopt;
  if (s == return_status::accepted) return error{errc::invalid_transition, "This return was accepted already."};
  return error{errc::invalid_transition, d == return_decision::accept
                                             ? "This return was rejected; only an admin can still accept it."
                                             : "This return was rejected already."};
}

}  // namespace cunji
