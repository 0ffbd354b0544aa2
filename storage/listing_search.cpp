// Browsing and searching listings: one SQL text per combination of filters (all values bound),
// keyset pagination, and an index or the FTS index behind every query.
#include <bit>
#include <variant>

#include "storage/catalog.hpp"
#include "storage/sqlite.hpp"

namespace cunji::storage {

extern const char* const listing_select;
const char* const listing_select =
    "l.id, l.shop_id, l.village_id, l.county_id, c.poverty_stricken, l.title, l.description, l.category, l.unit, "
    "l.price_fen, l.stock, l.status, l.version, l.created_at, l.updated_at";

listing read_listing_row(const query& q, int k) {
  listing l;
  l.id = q.i64(k + 0);
  l.shop_id = q.i64(k + 1);
  l.village_id = q.i64(k + 2);
  l.county_id = q.i64(k + 3);
  l.poverty_relief = q.i64(k + 4) != 0;
  l.title = q.str(k + 5);
  l.description = q.str(k + 6);
  l.category = q.str(k + 7);
  l.unit = q.str(k + 8);
  l.price_fen = q.i64(k + 9);
  l.stock = q.i64(k + 10);
  l.status = parse_listing_status(q.text(k + 11)).value_or(listing_status::draft);
  l.version = q.i64(k + 12);
  l.created_at = q.i64(k + 13);
  l.updated_at = q.i64(k + 14);
  return l;
}

namespace {

using value = std::variant<std::int64_t, double, std::string>;

// Title matches weigh ten times description matches.
constexpr const char* score_expr = "bm25(listings_fts, 10.0, 1.0)";

void add_filters(const listing_query& q, std::string& sql, std::vector<value>& args) {
  if (q.category) {
    sql += " AND l.category = ?";
    args.emplace_back(*q.category);
  }
  if (q.county_id) {
    sql += " AND l.county_id = ?";
    args.emplace_back(*q.county_id);
  }
  if (q.village_id) {
    sql += " AND l.village_id = ?";
    args.emplace_back(*q.village_id);
  }
  if (q.shop_id) {
    sql += " AND l.shop_id = ?";
    args.emplace_back(*q.shop_id);
  }
  if (q.poverty_relief_only) sql += " AND c.poverty_stricken = 1";
  if (q.min_price_fen) {
    sql += " AND l.price_fen >= ?";
    args.emplace_back(*q.min_price_fen);
  }
  if (q.max_price_fen) {
    sql += " AND l.price_fen <= ?";
    args.emplace_back(*q.max_price_fen);
  }
  if (q.in_stock_only) sql += " AND l.stock > 0";
}

void bind_values(query& st, const std::vector<value>& args) {
  int i = 0;
  for (const auto& a : args) std::visit([&](const auto& v) { st.bind(++i, v); }, a);
}

std::int64_t max_listing_id(connection& c) {
  auto q = c.prepare("SELECT coalesce(max(id), 0) FROM listings");
  q.step();
  return q.i64(0);
}

std::optional<double> score_of(connection& c, const std::string& match, std::int64_t id) {
  auto q = c.prepare(std::string("SELECT ") + score_expr +
                     " FROM listings_fts WHERE listings_fts MATCH ? AND rowid = ?");
  q.bind(1, match).bind(2, id);
  if (!q.step()) return std::nullopt;
  return q.f64(0);
}

listing_page relevance_page(connection& c, const listing_query& q) {
  // Keyset: [snapshot max id, bit pattern of the last score, last id].
  std::int64_t snapshot = 0;
  std::optional<std::pair<double, std::int64_t>> after;
  if (q.after && q.after->size() == 3) {
    snapshot = (*q.after)[0];
    const auto last_id = (*q.after)[2];
    const auto score = score_of(c, *q.match, last_id).value_or(std::bit_cast<double>((*q.after)[1]));
    after = std::pair{score, last_id};
  } else {
    snapshot = max_listing_id(c);
  }
  std::vector<value> args;
  std::string sql = std::string("SELECT ") + listing_select + ", " + score_expr +
                    " AS score FROM listings_fts CROSS JOIN listings l ON l.id = listings_fts.rowid "
                    "JOIN counties c ON c.id = l.county_id WHERE listings_fts MATCH ? AND l.visible = 1 AND l.id <= ?";
  args.emplace_back(*q.match);
  args.emplace_back(snapshot);
  add_filters(q, sql, args);
  if (after) {
    sql += " AND (score > ? OR (score = ? AND l.id > ?))";
    args.emplace_back(after->first);
    args.emplace_back(after->first);
    args.emplace_back(after->second);
  }
  sql += " ORDER BY score, l.id LIMIT ?";
  args.emplace_back(static_cast<std::int64_t>(q.limit) + 1);
  auto st = c.prepare(sql);
  bind_values(st, args);
  listing_page page;
  double last_score = 0;
  while (st.step()) {
    if (static_cast<int>(page.items.size()) == q.limit) {
      const auto& last = page.items.back();
      page.next_keys = {snapshot, std::bit_cast<std::int64_t>(last_score), last.id};
      break;
    }
    page.items.push_back(read_listing_row(st, 0));
    last_score = st.f64(15);
  }
  return page;
}

}  // namespace

listing_page browse_listings(connection& c, const listing_query& q) {
  if (q.sort == listing_sort::relevance && q.match) return relevance_page(c, q);

  std::vector<value> args;
  std::string sql = std::string("SELECT ") + listing_select + " FROM ";
  if (q.match) {
    // The FTS index drives: CROSS JOIN fixes the join order.
    sql += "listings_fts CROSS JOIN listings l ON l.id = listings_fts.rowid JOIN counties c ON c.id = l.county_id "
           "WHERE listings_fts MATCH ? AND l.visible = 1";
    args.emplace_back(*q.match);
  } else {
    sql += "listings l JOIN counties c ON c.id = l.county_id WHERE l.visible = 1";
  }
  add_filters(q, sql, args);
  const bool has_after = q.after && q.after->size() == (q.sort == listing_sort::newest ? 1u : 2u);
  switch (q.sort) {
    case listing_sort::price_asc:
      if (has_after) {
        sql += " AND (l.price_fen, l.id) > (?, ?)";
        args.emplace_back((*q.after)[0]);
        args.emplace_back((*q.after)[1]);
      }
      sql += " ORDER BY l.price_fen, l.id";
      break;
    case listing_sort::price_desc:
      if (has_after) {
        sql += " AND (l.price_fen, l.id) < (?, ?)";
        args.emplace_back((*q.after)[0]);
        args.emplace_back((*q.after)[1]);
      }
      sql += " ORDER BY l.price_fen DESC, l.id DESC";
      break;
    case listing_sort::newest:
    case listing_sort::relevance:  // relevance without a query: newest
      if (has_after) {
        sql += " AND l.id < ?";
        args.emplace_back((*q.after)[0]);
      }
      sql += " ORDER BY l.id DESC";
      break;
  }
  sql += " LIMIT ?";
  args.emplace_back(static_cast<std::int64_t>(q.limit) + 1);
  auto st = c.prepare(sql);
  bind_values(st, args);
  listing_page page;
  while (st.step()) {
    if (static_cast<int>(page.items.size()) == q.limit) {
      const auto& last = page.items.back();
      if (q.sort == listing_sort::price_asc || q.sort == listing_sort::price_desc)
        page.next_keys = {last.price_fen, last.id};
      else
        page.next_keys = {last.id};
      break;
    }
    page.items.push_back(read_listing_row(st, 0));
  }
  return page;
}

}  // namespace cunji::storage
