#include "core/ordering.hpp"

#include <algorithm>
#include <set>

#include "core/policy.hpp"

namespace cunji {

namespace {
std::string line_field(const placement& p, const std::string& items, std::size_t i, const char* name) {
  const auto at = i < p.positions.size() ? p.positions[i] : i;
  return items + "[" + std::to_string(at) + "]." + name;
}

void check_parties(const placement& p, const std::string& items, std::vector<field_error>& errors) {
  auto shop_error = [&](const std::string& message) {
    if (p.positions.empty()) return errors.push_back({"shop_id", message});
    for (std::size_t i = 0; i < p.lines.size(); ++i) errors.push_back({line_field(p, items, i, "listing_id"), message});
  };
  if (!p.shop_row || p.shop_row->status != shop_status::active) shop_error("is not an open shop");
  else if (is_self_dealing(p.placer, p.villager_id, *p.shop_row))
    shop_error("is a shop of the buyer's own (its owner, its villager or the partner running it)");
  if (auto e = villager_error(p.placer, p.villager_id, p.villager_row)) errors.push_back(std::move(*e));
}
}  // namespace

std::optional<field_error> villager_error(const account& placer, std::optional<std::int64_t> villager_id,
                                          const std::optional<villager>& row) {
  if (!villager_id || (row && can_order_for(placer, *row))) return std::nullopt;
  return field_error{"villager_id", "is not a villager of your village"};
}

bool is_self_dealing(const account& placer, std::optional<std::int64_t> villager_id, const shop& s) noexcept {
  const bool placer_is_seller = s.owner_account_id == placer.id || s.partner_id == placer.id;
  const bool villager_is_seller = villager_id && s.villager_id == villager_id;
  return placer_is_seller || villager_is_seller;
}

result<std::vector<checked_line>> check_placement(const placement& p, const std::string& items) {
  std::vector<field_error> errors;
  check_parties(p, items, errors);
  std::vector<checked_line> lines;
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < p.lines.size(); ++i) {
    const auto& line = p.lines[i];
    const auto field = line_field(p, items, i, "listing_id");
    if (!seen.insert(line.listing_id).second) {
      errors.push_back({field, "appears twice in the order"});
      continue;
    }
    const auto& l = i < p.listings.size() ? p.listings[i] : std::nullopt;
    if (!l || l->status != listing_status::active || l->shop_id != p.shop_id) {
      errors.push_back({field, "is not an active listing of this shop"});
      continue;
    }
    lines.push_back({*l, line.quantity});
  }
  if (!errors.empty()) return validation(std::move(errors));

  error short_of{errc::insufficient_stock, "Not enough stock for some listings; nothing was ordered."};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].l.stock < lines[i].quantity) {
      short_of.listing_ids.push_back(lines[i].l.id);
      short_of.errors.push_back(
          {line_field(p, items, i, "quantity"), "only " + std::to_string(lines[i].l.stock) + " left"});
    }
  }
  if (!short_of.listing_ids.empty()) return short_of;
  return lines;
}

std::optional<std::int64_t> station_for(const account& placer, std::optional<std::int64_t> named) noexcept {
  return named ? named : placer.village_id;
}

order make_order(const account& placer, const shop& s, const std::vector<checked_line>& lines, const order_terms& t,
                 const fee_schedule& schedule, unix_seconds now) {
  std::vector<priced_line> priced;
  for (const auto& line : lines) priced.push_back({line.l.price_fen, line.quantity, line.l.category, 0, 0});
  pricing_input in;
  in.poverty_relief = !lines.empty() && lines.front().l.poverty_relief;
  in.delivery = t.delivery;
  if (t.villager_id) in.assisting_buyer_partner = placer.id;
  in.shop_partner = s.partner_id;

  order o;
  o.money = price_order(priced, in, schedule);
  std::sort(o.money.partner_fees.begin(), o.money.partner_fees.end(),
            [](const auto& a, const auto& b) { return to_string(a.kind) < to_string(b.kind); });
  o.shop_id = s.id;
  o.village_id = s.village_id;
  o.county_id = s.county_id;
  o.poverty_relief = in.poverty_relief;
  o.status = order_status::placed;
  o.placed_by = placer.id;
  if (!t.villager_id) o.buyer_account_id = placer.id;
  o.villager_id = t.villager_id;
  o.delivery = t.delivery;
  if (t.delivery == delivery_method::address) o.address = t.address;
  if (t.delivery == delivery_method::station_pickup) {
    o.station_village_id = t.station;
    o.pickup_code = t.pickup_code;
  }
  o.created_at = o.updated_at = now;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& l = lines[i].l;
    const auto& p = priced[i];
    o.items.push_back(
        {l.id, l.title, l.unit, l.category, p.unit_price_fen, p.quantity, p.line_total_fen, p.commission_fen});
  }
  return o;
}

}  // namespace cunji
