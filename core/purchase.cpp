#include "core/purchase.hpp"

#include <algorithm>

namespace cunji {

purchase_money money_of(const purchase& p) noexcept {
  purchase_money m;
  for (const auto& o : p.orders) {
    m.subtotal_fen += o.money.subtotal_fen;
    m.delivery_fee_fen += o.money.delivery_fee_fen;
    m.total_fen += o.money.total_fen;
  }
  return m;
}

std::vector<shop_group> group_by_shop(const std::vector<std::optional<listing>>& listings) {
  std::vector<shop_group> groups;
  for (std::size_t i = 0; i < listings.size(); ++i) {
    if (!listings[i]) continue;
    const auto shop_id = listings[i]->shop_id;
    auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& x) { return x.shop_id == shop_id; });
    if (g == groups.end()) g = groups.insert(groups.end(), shop_group{shop_id, {}});
    g->positions.push_back(i);
  }
  return groups;
}

std::vector<field_error> missing_listings(const std::vector<std::optional<listing>>& listings,
                                          const std::string& items) {
  std::vector<field_error> out;
  for (std::size_t i = 0; i < listings.size(); ++i)
    if (!listings[i]) out.push_back({items + "[" + std::to_string(i) + "].listing_id", "is not an active listing"});
  return out;
}

bool can_see_all(const account& caller, const std::vector<order_parties>& orders) noexcept {
  return !orders.empty() &&
         std::all_of(orders.begin(), orders.end(), [&](const auto& p) { return can_see(caller, p); });
}

}  // namespace cunji
