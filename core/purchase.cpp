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

namespace {
void add_unique(std::vector<field_error>& to, const std::vector<field_error>& more) {
  for (const auto& e : more)
    if (std::none_of(to.begin(), to.end(), [&](const auto& x) { return x.field == e.field && x.message == e.message; }))
      to.push_back(e);
}
}  // namespace

result<checked_shops> check_purchase(const purchase_placement& p) {
  auto invalid = missing_listings(p.listings, "lines");
  error short_of{errc::insufficient_stock, "Not enough stock for some listings; nothing was ordered."};
  checked_shops out;
  for (const auto& g : group_by_shop(p.listings)) {
    placement one;
    one.placer = p.placer;
    one.shop_id = g.shop_id;
    const auto s = std::find_if(p.shops.begin(), p.shops.end(), [&](const auto& x) { return x.id == g.shop_id; });
    if (s != p.shops.end()) one.shop_row = *s;
    one.villager_id = p.villager_id;
    one.villager_row = p.villager_row;
    one.positions = g.positions;
    for (const auto i : one.positions) {
      one.lines.push_back(p.lines[i]);
      one.listings.push_back(p.listings[i]);
    }
    auto checked = check_placement(one, "lines");
    if (checked) {
      out.emplace_back(*one.shop_row, std::move(checked.value()));
    } else if (checked.err().code == errc::validation_failed) {
      add_unique(invalid, checked.err().errors);
    } else if (checked.err().code == errc::insufficient_stock) {
      const auto& e = checked.err();
      short_of.listing_ids.insert(short_of.listing_ids.end(), e.listing_ids.begin(), e.listing_ids.end());
      short_of.errors.insert(short_of.errors.end(), e.errors.begin(), e.errors.end());
    } else {
      return std::move(checked).err();
    }
  }
  // Also when no line names a listing (no shop's lines to check it with); named once.
  if (auto e = villager_error(p.placer, p.villager_id, p.villager_row)) add_unique(invalid, {*e});
  if (p.station_error) invalid.push_back(*p.station_error);
  if (!invalid.empty()) return validation(std::move(invalid));
  if (!short_of.listing_ids.empty()) return short_of;
  return out;
}

bool can_see_all(const account& caller, const std::vector<order_parties>& orders) noexcept {
  return !orders.empty() &&
         std::all_of(orders.begin(), orders.end(), [&](const auto& p) { return can_see(caller, p); });
}

}  // namespace cunji
