#include "server/web/bar_chart.hpp"

#include <algorithm>
#include <cmath>

#include "server/web/view_format.hpp"

namespace cunji::server::web {

std::vector<int> bar_widths(const std::vector<std::int64_t>& values) {
  std::int64_t top = 0;
  for (const auto v : values) top = std::max(top, v);
  std::vector<int> out;
  out.reserve(values.size());
  for (const auto v : values) {
    if (v <= 0 || top <= 0) {
      out.push_back(0);
      continue;
    }
    // In long double: value * bar_max would overflow int64 for large values; the ratio is at
    // most 1, so the result fits an int.
    const auto w = std::llround(static_cast<long double>(v) / static_cast<long double>(top) * bar_max);
    out.push_back(std::max(1, static_cast<int>(w)));
  }
  return out;
}

namespace {

constexpr std::string_view plain_fill = "#2a6b2a";

std::string num(int v) { return std::to_string(v); }

view text_list(const std::vector<std::string>& xs) {
  view list{view::type::list};
  for (const auto& x : xs) {
    view o{view::type::object};
    o.set("text", x);
    list.push_back(o);
  }
  return list;
}

view bar_view(const bar_chart& c, const chart_bar& b, std::size_t row, int width) {
  const int y = legend_height + static_cast<int>(row) * row_height;
  view v{view::type::object};
  v.set("label", b.label);
  v.set("short_label", short_text(b.label, chart_label_chars));
  if (!b.href.empty()) v.set("href", b.href);
  v.set("y", num(y));
  v.set("text_y", num(y + bar_height - 5));
  v.set("width", num(width));
  v.set("value_x", num(bar_x + width + 6));
  v.set("fill", b.marked ? "url(#" + c.id + "-p)" : std::string(plain_fill));
  v.set("value_text", b.value_text);
  v.set("cells", text_list(b.cells));
  return v;
}

// The legend's swatches, left to right: plain bars, then the pattern (each only when named).
view legends_of(const bar_chart& c) {
  view list{view::type::list};
  int x = 0;
  for (const auto& [text, fill] :
       {std::pair{c.plain_legend, std::string(plain_fill)}, std::pair{c.marked_legend, "url(#" + c.id + "-p)"}}) {
    if (text.empty()) continue;
    view o{view::type::object};
    o.set("x", num(x));
    o.set("text_x", num(x + 22));
    o.set("fill", fill);
    o.set("text", text);
    list.push_back(o);
    x += chart_width / 2;
  }
  return list;
}

}  // namespace

view chart_view(const bar_chart& c) {
  std::vector<std::int64_t> values;
  for (const auto& b : c.bars) values.push_back(b.value);
  const auto widths = bar_widths(values);
  view bars{view::type::list};
  for (std::size_t i = 0; i < c.bars.size(); ++i) bars.push_back(bar_view(c, c.bars[i], i, widths[i]));
  view v{view::type::object};
  v.set("id", c.id);
  v.set("heading", c.heading);
  v.set("title", c.title);
  v.set("desc", c.desc);
  v.set("height", num(legend_height + static_cast<int>(c.bars.size()) * row_height));
  v.set("width", num(chart_width));
  v.set("font", num(chart_font));
  v.set("label_end", num(label_end));
  v.set("bar_x", num(bar_x));
  v.set("bar_height", num(bar_height));
  v.set("pattern_id", c.id + "-p");
  v.set("legends", legends_of(c));
  v.set("columns", text_list(c.columns));
  v.set("has_bars", view(!c.bars.empty()));
  v.set("bars", bars);
  return v;
}

}  // namespace cunji::server::web
