#include "server/json_output.hpp"

namespace cunji::server {

namespace {
template <class T>
boost::json::value nullable(const std::optional<T>& v) {
  if (v) return boost::json::value(*v);
  return nullptr;
}
}  // namespace

boost::json::object to_json(const account& a) {
  return {{"id", a.id},
          {"role", to_string(a.role)},
          {"name", a.name},
          {"phone", a.phone},
          {"village_id", nullable(a.village_id)},
          {"created_at", format_rfc3339(a.created_at)}};
}

boost::json::object to_json(const county& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"province", c.province},
          {"poverty_stricken", c.poverty_stricken},
          {"created_at", format_rfc3339(c.created_at)}};
}

boost::json::object to_json(const village& v, const taobao_village_thresholds& t) {
  return {{"id", v.id},
          {"county_id", v.county_id},
          {"name", v.name},
          {"active_shops", v.active_shops},
          {"gmv_365d_fen", v.gmv_365d_fen},
          {"taobao_village", is_taobao_village(v.active_shops, v.gmv_365d_fen, t)},
          {"created_at", format_rfc3339(v.created_at)}};
}

boost::json::object to_json(const villager& v) {
  return {{"id", v.id},
          {"village_id", v.village_id},
          {"name", v.name},
          {"phone", nullable(v.phone)},
          {"registered_by", v.registered_by},
          {"created_at", format_rfc3339(v.created_at)}};
}

boost::json::object to_json(const shop& s) {
  return {{"id", s.id},
          {"village_id", s.village_id},
          {"county_id", s.county_id},
          {"name", s.name},
          {"description", s.description},
          {"status", to_string(s.status)},
          {"owner_account_id", nullable(s.owner_account_id)},
          {"villager_id", nullable(s.villager_id)},
          {"partner_id", nullable(s.partner_id)},
          {"created_at", format_rfc3339(s.created_at)}};
}

boost::json::object to_json(const listing& l) {
  return {{"id", l.id},
          {"shop_id", l.shop_id},
          {"village_id", l.village_id},
          {"county_id", l.county_id},
          {"poverty_relief", l.poverty_relief},
          {"title", l.title},
          {"description", l.description},
          {"category", l.category},
          {"unit", l.unit},
          {"price_fen", l.price_fen},
          {"stock", l.stock},
          {"status", to_string(l.status)},
          {"version", l.version},
          {"created_at", format_rfc3339(l.created_at)},
          {"updated_at", format_rfc3339(l.updated_at)}};
}

boost::json::object to_json(const order& o) {
  boost::json::array items;
  for (const auto& i : o.items)
    items.push_back({{"listing_id", i.listing_id},
                     {"title", i.title},
                     {"unit", i.unit},
                     {"unit_price_fen", i.unit_price_fen},
                     {"quantity", i.quantity},
                     {"line_total_fen", i.line_total_fen}});
  boost::json::array fees;
  for (const auto& f : o.money.partner_fees)
    fees.push_back({{"partner_id", f.partner_id}, {"kind", to_string(f.kind)}, {"amount_fen", f.amount_fen}});
  boost::json::value pay = nullptr;
  if (o.paid_with) pay = boost::json::object{{"method", o.paid_with->method}, {"reference", nullable(o.paid_with->reference)}};
  return {{"id", o.id},
          {"shop_id", o.shop_id},
          {"village_id", o.village_id},
          {"county_id", o.county_id},
          {"poverty_relief", o.poverty_relief},
          {"status", to_string(o.status)},
          {"placed_by", o.placed_by},
          {"buyer_account_id", nullable(o.buyer_account_id)},
          {"villager_id", nullable(o.villager_id)},
          {"items", std::move(items)},
          {"subtotal_fen", o.money.subtotal_fen},
          {"delivery", boost::json::object{{"method", to_string(o.delivery)}, {"address", nullable(o.address)}}},
          {"delivery_fee_fen", o.money.delivery_fee_fen},
          {"total_fen", o.money.total_fen},
          {"platform_commission_fen", o.money.platform_commission_fen},
          {"shop_proceeds_fen", o.money.shop_proceeds_fen},
          {"partner_fees", std::move(fees)},
          {"payment", std::move(pay)},
          {"tracking", nullable(o.tracking)},
          {"cancel_reason", nullable(o.cancel_reason)},
          {"created_at", format_rfc3339(o.created_at)},
          {"updated_at", format_rfc3339(o.updated_at)}};
}

boost::json::object to_json(const fee_schedule& s) {
  boost::json::object cats;
  for (const auto& [k, v] : s.category_commission_bps) cats[k] = v;
  return {{"platform_commission_bps", s.platform_commission_bps},
          {"category_commission_bps", std::move(cats)},
          {"poverty_county_commission_bps", s.poverty_county_commission_bps},
          {"assisted_buying_fee_bps", s.assisted_buying_fee_bps},
          {"assisted_selling_fee_bps", s.assisted_selling_fee_bps},
          {"address_delivery_fee_fen", s.address_delivery_fee_fen},
          {"taobao_village_min_shops", s.taobao_village_min_shops},
          {"taobao_village_min_gmv_fen", s.taobao_village_min_gmv_fen}};
}

boost::json::object list_body(boost::json::array items, const std::optional<std::string>& next_cursor) {
  return {{"items", std::move(items)}, {"next_cursor", nullable(next_cursor)}};
}

}  // namespace cunji::server
