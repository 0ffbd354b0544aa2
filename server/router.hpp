#pragma once
// Matches a method and a path against templates such as /v1/orders/{id}/pay.
#include <string>
#include <string_view>
#include <vector>

#include "server/http.hpp"

namespace cunji::server {

struct route_params {
  std::vector<std::pair<std::string_view, std::string>> values;
  // The value of `{name}`, or an empty view.
  std::string_view get(std::string_view name) const;
};

template <class Route>
class router {
 public:
  // `tmpl` must outlive the router (routes use string literals).
  void add(http::verb method, std::string_view tmpl, Route r) { entries_.push_back({method, tmpl, split(tmpl), std::move(r)}); }

  // Calls fn(method, template, route) for every route, in the order added.
  template <class Fn>
  void for_each(Fn fn) const {
    for (const auto& e : entries_) fn(e.method, e.tmpl, e.route);
  }

  struct match {
    const Route* route = nullptr;       // set on a full match
    std::string_view tmpl;              // the matched template (also for 405)
    std::string allow;                  // methods of the path when the method did not match
    route_params params;
  };

  match find(http::verb method, std::string_view path) const {
    match m;
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
      if (!m.allow.empty()) m.allow += ", ";
      m.allow += std::string(http::to_string(e.method));
      m.tmpl = e.tmpl;
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

  static std::vector<std::string_view> split(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i <= path.size()) {
      const auto j = path.find('/', i);
      const auto end = j == std::string_view::npos ? path.size() : j;
      if (end > i) out.push_back(path.substr(i, end - i));
      if (j == std::string_view::npos) break;
      i = j + 1;
    }
    return out;
  }

  static bool matches(const std::vector<std::string_view>& tmpl, const std::vector<std::string_view>& segs,
                      route_params& p) {
    if (tmpl.size() != segs.size()) return false;
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
      const auto t = tmpl[i];
      if (t.size() > 2 && t.front() == '{' && t.back() == '}') {
        p.values.emplace_back(t.substr(1, t.size() - 2), std::string(segs[i]));
      } else if (t != segs[i]) {
        return false;
      }
    }
    return true;
  }

  std::vector<entry> entries_;
};

// Splits the query string of a request target into decoded key/value pairs.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view target);
// The path part of a request target.
std::string_view target_path(std::string_view target);

}  // namespace cunji::server
