#include "server/json_output.hpp"

#include <charconv>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

boost::json::object to_json(const village& v) {
  return {{"id", v.id},
          {"county_id", v.county_id},
          {"name", v.name},
          {"active_shops", v.active_shops},
          {"gmv_365d_fen", v.gmv_365d_fen},
          {"taobao_village", v.taobao_village},
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

namespace {
// The index of the first byte of `s` at or after `i` that JSON needs escaped (a quote, a
// backslash, a control character), or s.size(). Sixteen bytes at a time while they are clean.
std::size_t next_to_escape(std::string_view s, std::size_t i) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), ctrl_max = _mm_set1_epi8(0x1f);
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const __m128i ctrl = _mm_cmpeq_epi8(_mm_max_epu8(x, ctrl_max), ctrl_max);  // x <= 0x1f, unsigned
    const __m128i hit = _mm_or_si128(ctrl, _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)));
    if (const int mask = _mm_movemask_epi8(hit))
      return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '"' || c == '\\') return i;
  }
  return i;
}
}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = next_to_escape(s, 0); i < s.size(); i = next_to_escape(s, run)) {
    const auto c = static_cast<unsigned char>(s[i]);
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        const char u[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        out.append(u, sizeof u);
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

namespace {
void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}
void append_time(std::string& out, unix_seconds t) {
  out += '"';
  append_rfc3339(out, t);
  out += '"';
}
}  // namespace

void append_json(std::string& out, const listing& l) {
  out += "{\"id\":";
  append_int(out, l.id);
  out += ",\"shop_id\":";
  append_int(out, l.shop_id);
  out += ",\"village_id\":";
  append_int(out, l.village_id);
  out += ",\"county_id\":";
  append_int(out, l.county_id);
  out += l.poverty_relief ? ",\"poverty_relief\":true,\"title\":" : ",\"poverty_relief\":false,\"title\":";
  append_json_string(out, l.title);
  out += ",\"description\":";
  append_json_string(out, l.description);
  out += ",\"category\":";
  append_json_string(out, l.category);
  out += ",\"unit\":";
  append_json_string(out, l.unit);
  out += ",\"price_fen\":";
  append_int(out, l.price_fen);
  out += ",\"stock\":";
  append_int(out, l.stock);
  out += ",\"status\":";
  append_json_string(out, to_string(l.status));
  out += ",\"version\":";
  append_int(out, l.version);
  out += ",\"created_at\":";
  append_time(out, l.created_at);
  out += ",\"updated_at\":";
  append_time(out, l.updated_at);
  out += ",\"photos\":[";
  for (std::size_t i = 0; i < l.photos.size(); ++i) {
    if (i) out += ',';
    append_json(out, l.photos[i]);
  }
  out += "]}";
}

void append_json(std::string& out, const listing_photo& p) {
  out += "{\"id\":";
  append_int(out, p.id);
  out += ",\"width\":";
  append_int(out, p.width);
  out += ",\"height\":";
  append_int(out, p.height);
  out += ",\"small_url\":";
  append_json_string(out, photo_url(p.small_name));
  out += ",\"large_url\":";
  append_json_string(out, photo_url(p.large_name));
  out += '}';
}

std::string photo_url(std::string_view name) { return "/photos/" + std::string(name); }

std::string listing_page_json(const std::vector<listing>& items, const std::optional<std::string>& next_cursor) {
  std::string out;
  out.reserve(64 + items.size() * 512);
  out += "{\"items\":[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    append_json(out, items[i]);
  }
  out += "],\"next_cursor\":";
  if (next_cursor) append_json_string(out, *next_cursor);
  else out += "null";
  out += '}';
  return out;
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
  if (o.paid_with)
    pay = boost::json::object{{"id", nullable(o.paid_with->payment_id)},
                              {"method", to_string(o.paid_with->method)},
                              {"reference", nullable(o.paid_with->reference)}};
  boost::json::object out{
      {"id", o.id},
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
      {"purchase_id", nullable(o.purchase_id)},
      {"station_village_id", nullable(o.station_village_id)},
      {"created_at", format_rfc3339(o.created_at)},
      {"updated_at", format_rfc3339(o.updated_at)}};
  if (o.pickup_code) out["pickup_code"] = *o.pickup_code;  // only when it is the reader's to see
  return out;
}

boost::json::object to_json(const purchase& p) {
  boost::json::array orders;
  for (const auto& o : p.orders) orders.push_back(to_json(o));
  const auto m = money_of(p);
  return {{"id", p.id},
          {"placed_by", p.placed_by},
          {"buyer_account_id", nullable(p.buyer_account_id)},
          {"villager_id", nullable(p.villager_id)},
          {"orders", std::move(orders)},
          {"subtotal_fen", m.subtotal_fen},
          {"delivery_fee_fen", m.delivery_fee_fen},
          {"total_fen", m.total_fen},
          {"created_at", format_rfc3339(p.created_at)}};
}

boost::json::object to_json(const order_return& r) {
  return {{"id", r.id},
          {"order_id", r.order_id},
          {"status", to_string(r.status)},
          {"lost", r.lost},
          {"reason", r.reason},
          {"decision_reason", nullable(r.decision_reason)},
          {"refund_fen", r.refund_fen},
          {"restocked", r.restocked},
          {"created_at", format_rfc3339(r.created_at)},
          {"decided_at", r.decided_at ? boost::json::value(format_rfc3339(*r.decided_at)) : nullptr}};
}

boost::json::object to_json(const payment_record& p) {
  return {{"id", p.id},
          {"method", to_string(p.method)},
          {"status", to_string(p.status)},
          {"amount_fen", p.amount_fen},
          {"out_trade_no", p.out_trade_no},
          {"trade_no", nullable(p.trade_no)},
          {"created_at", format_rfc3339(p.created_at)},
          {"confirmed_at", p.confirmed_at ? boost::json::value(format_rfc3339(*p.confirmed_at)) : nullptr}};
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
          {"taobao_village_min_gmv_fen", s.taobao_village_min_gmv_fen},
          {"unpaid_timeout_minutes", s.unpaid_timeout_minutes},
          {"auto_deliver_days", s.auto_deliver_days},
          {"station_hold_days", s.station_hold_days}};
}

boost::json::object list_body(boost::json::array items, const std::optional<std::string>& next_cursor) {
  return {{"items", std::move(items)}, {"next_cursor", nullable(next_cursor)}};
}

}  // namespace cunji::server
