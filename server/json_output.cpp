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

boost::json::object list_body(boost::json::array items, const std::optional<std::string>& next_cursor) {
  return {{"items", std::move(items)}, {"next_cursor", nullable(next_cursor)}};
}

}  // namespace cunji::server
