#include "core/fees.hpp"

#include "core/catalog.hpp"

namespace cunji {

std::vector<field_error> validate(const fee_schedule& s) {
  std::vector<field_error> errors;
  auto rate = [&](const std::string& field, std::int64_t bps) {
    if (bps < 0 || bps > max_bps) errors.push_back({field, "must be 0..10000 basis points"});
  };
  rate("platform_commission_bps", s.platform_commission_bps);
  rate("poverty_county_commission_bps", s.poverty_county_commission_bps);
  rate("assisted_buying_fee_bps", s.assisted_buying_fee_bps);
  rate("assisted_selling_fee_bps", s.assisted_selling_fee_bps);
  for (const auto& [category, bps] : s.category_commission_bps) {
    if (!is_category(category)) errors.push_back({"category_commission_bps." + category, "is not a known category"});
    else rate("category_commission_bps." + category, bps);
  }
  if (s.address_delivery_fee_fen < 0 || s.address_delivery_fee_fen > max_delivery_fee_fen)
    errors.push_back({"address_delivery_fee_fen", "must be 0..10000000 fen"});
  if (s.taobao_village_min_shops < 0) errors.push_back({"taobao_village_min_shops", "must be 0 or more"});
  if (s.taobao_village_min_gmv_fen < 0) errors.push_back({"taobao_village_min_gmv_fen", "must be 0 or more"});
  auto range = [&](const char* field, std::int64_t v, std::int64_t lo, std::int64_t hi) {
    if (v < lo || v > hi)
      errors.push_back({field, "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi)});
  };
  range("unpaid_timeout_minutes", s.unpaid_timeout_minutes, 1, 1440);
  range("auto_deliver_days", s.auto_deliver_days, 3, 30);
  range("station_hold_days", s.station_hold_days, 1, 60);
  return errors;
}

std::int64_t commission_bps(const fee_schedule& s, bool poverty_relief, const std::string& category) {
  if (poverty_relief) return s.poverty_county_commission_bps;
  if (auto it = s.category_commission_bps.find(category); it != s.category_commission_bps.end()) return it->second;
  return s.platform_commission_bps;
}

std::string_view to_string(delivery_method m) noexcept {
  return m == delivery_method::address ? "address" : "station_pickup";
}

std::string_view to_string(partner_fee_kind k) noexcept {
  return k == partner_fee_kind::assisted_selling ? "assisted_selling" : "assisted_buying";
}

std::optional<delivery_method> parse_delivery_method(std::string_view s) noexcept {
  if (s == "station_pickup") return delivery_method::station_pickup;
  if (s == "address") return delivery_method::address;
  return std::nullopt;
}

std::optional<partner_fee_kind> parse_partner_fee_kind(std::string_view s) noexcept {
  if (s == "assisted_buying") return partner_fee_kind::assisted_buying;
  if (s == "assisted_selling") return partner_fee_kind::assisted_selling;
  return std::nullopt;
}

std::int64_t order_money::platform_net_fen() const noexcept {
  std::int64_t net = platform_commission_fen + delivery_fee_fen;
  for (const auto& f : partner_fees) net -= f.amount_fen;
  return net;
}

order_money price_order(std::vector<priced_line>& lines, const pricing_input& in, const fee_schedule& s) {
  order_money m;
  for (auto& l : lines) {
    l.line_total_fen = l.unit_price_fen * l.quantity;
    l.commission_fen = apply_bps(l.line_total_fen, commission_bps(s, in.poverty_relief, l.category));
    m.subtotal_fen += l.line_total_fen;
    m.platform_commission_fen += l.commission_fen;
  }
  m.delivery_fee_fen = in.delivery == delivery_method::address ? s.address_delivery_fee_fen : 0;
  m.total_fen = m.subtotal_fen + m.delivery_fee_fen;
  m.shop_proceeds_fen = m.subtotal_fen - m.platform_commission_fen;
  if (in.assisting_buyer_partner)
    m.partner_fees.push_back({*in.assisting_buyer_partner, partner_fee_kind::assisted_buying,
                              apply_bps(m.subtotal_fen, s.assisted_buying_fee_bps)});
  if (in.shop_partner)
    m.partner_fees.push_back(
        {*in.shop_partner, partner_fee_kind::assisted_selling, apply_bps(m.subtotal_fen, s.assisted_selling_fee_bps)});
  return m;
}

}  // namespace cunji
