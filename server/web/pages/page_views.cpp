#include "server/web/pages/page_views.hpp"

#include "server/crypto.hpp"
#include "server/json_output.hpp"
#include "server/router.hpp"
#include "server/web/forms.hpp"
#include "server/web/view_format.hpp"

namespace cunji::server::web {

namespace {
constexpr int small_side = 320;  // photos/renditions.hpp: the small rendition's long side
}

view listing_card(lang l, const listing& x) {
  view v{view::type::object};
  v.set("id", std::to_string(x.id));
  v.set("title", short_text(x.title, 36));
  v.set("price", price_per_unit(l, x.price_fen, x.unit));
  v.set("relief_badge", view(x.poverty_relief));
  if (!x.photos.empty()) {
    const auto& p = x.photos.front();
    const int long_side = std::max(1, std::max(p.width, p.height));
    const double scale = long_side > small_side ? static_cast<double>(small_side) / long_side : 1.0;
    view photo{view::type::object};
    photo.set("src", photo_url(p.small_name));
    photo.set("width", std::to_string(std::max(1, static_cast<int>(p.width * scale + 0.5))));
    photo.set("height", std::to_string(std::max(1, static_cast<int>(p.height * scale + 0.5))));
    v.set("photo", photo);
  }
  return v;
}

view cards(lang l, const std::vector<listing>& xs) {
  view list{view::type::list};
  for (const auto& x : xs) list.push_back(listing_card(l, x));
  return list;
}

std::string with_param(std::string_view target, std::string_view name, std::string_view value) {
  std::string out(target_path(target));
  char sep = '?';
  for (const auto& [k, v] : parse_query(target)) {
    if (k == name) continue;
    out += sep + url_encode(k) + "=" + url_encode(v);
    sep = '&';
  }
  out += sep + url_encode(name) + "=" + url_encode(value);
  return out;
}

std::string new_form_key() { return new_token(); }

}  // namespace cunji::server::web

#include <boost/json/parse.hpp>

#include "server/idempotency.hpp"
#include "server/problem.hpp"

namespace cunji::server::web {

storage::answer page_answer(int ok_status, std::string text) { return {ok_status, std::move(text), false}; }
storage::answer page_problem(const error& e) { return to_answer(problem(e)); }

std::vector<field_error> answer_errors(const storage::answer& a, std::string* detail) {
  std::vector<field_error> out;
  std::error_code ec;
  const auto doc = boost::json::parse(a.body, ec);
  if (ec || !doc.is_object()) return out;
  const auto& o = doc.as_object();
  if (detail)
    if (const auto* d = o.if_contains("detail"); d && d->is_string()) *detail = std::string(d->as_string());
  if (const auto* errs = o.if_contains("errors"); errs && errs->is_array())
    for (const auto& e : errs->as_array())
      if (e.is_object() && e.as_object().contains("field"))
        out.push_back({std::string(e.at("field").as_string()),
                       e.as_object().contains("message") ? std::string(e.at("message").as_string()) : ""});
  return out;
}

}  // namespace cunji::server::web
