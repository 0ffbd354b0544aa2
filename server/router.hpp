#pragma once
// Matches a method and a path against templates such as /v1/orders/{id}/pay.
#include <string>
#include <string_view>
#include <vector>

#include "server/http.hpp"

namespace cunji::server {

// `{id}` and `{..._id}` name ids.
bool is_id_param(std::string_view name) noexcept;
// A positive int64 in decimal without a sign or leading zeros: "7", never "07" or "+7".
bool is_canonical_id(std::string_view s) noexcept;

struct route_params {
  std::vector<std::pair<std::string_view, std::string>> values;
  // The value of `{name}`, or an empty view.
  std::string_view get(std::string_view name) const;
};

// Paths are canonical: `/` then segments, none empty (so no trailing slash and no `//`), and
// an id parameter (`{id}`, `{..._id}`) matches only a positive integer without leading zeros.
// Any other spelling matches nothing (404). HEAD matches the GET route of its path.
template <class Route>
class router {
 public:
  // `tmpl` must outlive the router (routes use string literals).
  void add(http::verb method, std::string_view tmpl, Route r) {
    entries_.push_back({method, tmpl, split(tmpl), std::move(r)});
  }

  // Calls fn(method, template, route) for every route, in the order added.
  template <class Fn>
  void for_each(Fn fn) const {
    for (const auto& e : entries_) fn(e.method, e.tmpl, e.route);
  }

  struct match {
    const Route* route = nullptr;  // set on a full match
    std::string_view tmpl;         // the matched template (also for 405)
    std::string allow;             // methods of the path when the method did not match
    route_params params;
  };

  match find(http::verb method, std::string_view path) const {
    match m;
    const entry* get = nullptr;  // the GET route of the path, for HEAD
    route_params get_params;
    const auto segs = split(path);
    for (const auto& e : entries_) {
      route_params p;
      if (!matches(e.segments, segs, p)) continue;
      if (e.method == method) {
        m.route = &e.route;
        m.tmpl = e.tmpl;
        m.params = std::move(p);
        m.allow.clear();
        return m;
      }
      if (e.method == http::verb::get && !get) {
        get = &e;
        get_params = p;
      }
      allow(m.allow, e.method);
      if (e.method == http::verb::get) allow(m.allow, http::verb::head);
      m.tmpl = e.tmpl;
    }
    if (method == http::verb::head && get) {
      m.route = &get->route;
      m.tmpl = get->tmpl;
      m.params = std::move(get_params);
      m.allow.clear();
    }
    return m;
  }

 private:
  struct entry {
    http::verb method;
    std::string_view tmpl;
    std::vector<std::string_view> segments;
    Route route;
  };

  static void allow(std::string& list, http::verb v) {
    const auto text = http::to_string(v);
    const std::string_view name(text.data(), text.size());
    for (std::string_view rest = list; !rest.empty();) {
      const auto comma = rest.find(", ");
      if (rest.substr(0, comma) == name) return;
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 2);
    }
    if (!list.empty()) list += ", ";
    list += std::string(name);
  }

  // The segments after the leading `/`, empty ones kept; none for a path without it.
  static std::vector<std::string_view> split(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.empty() || path.front() != '/') return out;
    path.remove_prefix(1);
    for (;;) {
      const auto j = path.find('/');
      out.push_back(path.substr(0, j));
      if (j == std::string_view::npos) break;
      path.remove_prefix(j + 1);
    }
    return out;
  }

  static bool matches(const std::vector<std::string_view>& tmpl, const std::vector<std::string_view>& segs,
                      route_params& p) {
    if (tmpl.size() != segs.size()) return false;
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
      const auto t = tmpl[i];
      if (t.size() > 2 && t.front() == '{' && t.back() == '}') {
        const auto name = t.substr(1, t.size() - 2);
        if (segs[i].empty() || (is_id_param(name) && !is_canonical_id(segs[i]))) return false;
        p.values.emplace_back(name, std::string(segs[i]));
      } else if (t != segs[i]) {
        return false;
      }
    }
    return true;
  }

  std::vector<entry> entries_;
};

// True if every percent-escape of `target` (path and query) is `%` and two hex digits and the
// decoded target is valid UTF-8; a request whose target is not is 400 `malformed_request`.
bool is_well_formed_target(std::string_view target);

// Splits the query string of a request target into decoded key/value pairs.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view target);
// The path part of a request target.
std::string_view target_path(std::string_view target);

}  // namespace cunji::server
