#pragma once
// A horizontal bar chart drawn on the server as inline SVG (no script, no style attribute), and
// the same numbers as a table. The model computes integer coordinates; the reports template
// draws them with escaped variables only, so labels (county names are data) stay text.
//
// Geometry (SVG user units, viewBox 0 0 chart_width height): a legend row, then one row per bar:
// its label right-aligned before label_end, the bar from bar_x, at most bar_max wide (the
// largest value fills it), its value text after the bar's end.
#include <cstdint>
#include <string>
#include <vector>

#include "server/web/templates.hpp"

namespace cunji::server::web {

inline constexpr int chart_width = 520;
inline constexpr int label_end = 116;
inline constexpr int bar_x = 122;
inline constexpr int bar_max = 290;
inline constexpr int legend_height = 28;
inline constexpr int row_height = 28;
inline constexpr int bar_height = 20;
inline constexpr int chart_font = 14;
// A longer label is cut (the table has it whole): 6 CJK characters and "…" fit before label_end.
inline constexpr std::size_t chart_label_chars = 6;

struct chart_bar {
  std::string label;               // the row's name: a county, a month
  std::string href;                // the label's link in the table, if any
  std::int64_t value = 0;          // drawn; 0 and below draw no bar
  std::string value_text;          // shown after the bar ("¥12.50")
  bool marked = false;             // filled with the chart's pattern (a poverty county)
  std::vector<std::string> cells;  // the table's columns after the label
};

struct bar_chart {
  std::string id;                    // unique on the page: prefixes the ids of title, desc, pattern
  std::string heading, title, desc;  // desc says what the pattern marks and that a table follows
  std::string marked_legend;         // the pattern's legend ("": none, when nothing is marked)
  std::string plain_legend;          // the plain bars' legend ("": none)
  std::vector<std::string> columns;  // the table's headers, the label's first
  std::vector<chart_bar> bars;
};

// The drawn widths of `values`: value * bar_max / the largest value, rounded; a positive value
// too small to show gets 1; 0, negatives and an all-zero chart get 0.
std::vector<int> bar_widths(const std::vector<std::int64_t>& values);

// The chart as the reports template reads it: {id, heading, title, desc, width, height, font,
// label_end, bar_x, bar_height, pattern_id, legends: [{x, text_x, fill, text}], columns,
// has_bars, bars: [{label, short_label, y, text_y, width, value_x, fill, value_text, href,
// cells}]}. Every number is a decimal string; fill is a colour or url(#<pattern_id>).
view chart_view(const bar_chart& c);

}  // namespace cunji::server::web
