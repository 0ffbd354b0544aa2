#include "storage/postgresql/sql/listing_rows.hpp"

#include "storage/photo_column.hpp"
#include "storage/postgresql/row_set.hpp"

namespace cunji::storage::pg {

const char* const listing_cols =
    "l.id, l.shop_id, l.village_id, l.county_id, c.poverty_stricken, l.title, l.description, l.category, l.unit, "
    "l.price_fen, l.stock, l.status, l.version, l.created_at, l.updated_at";

const std::string listing_with_photos_cols =
    std::string(listing_cols) +
    ", (SELECT string_agg(p.position || chr(31) || p.id || chr(31) || p.width || chr(31) || p.height || chr(31) || "
    "p.small_name || chr(31) || p.large_name, chr(30)) FROM listing_photos p WHERE p.listing_id = l.id)";

listing read_listing(const row_set& r, int i) {
  listing l;
  l.id = r.i64(i, 0);
  l.shop_id = r.i64(i, 1);
  l.village_id = r.i64(i, 2);
  l.county_id = r.i64(i, 3);
  l.poverty_relief = r.i64(i, 4) != 0;
  l.title = r.str(i, listing_title_col);
  l.description = r.str(i, listing_description_col);
  l.category = r.str(i, 7);
  l.unit = r.str(i, 8);
  l.price_fen = r.i64(i, 9);
  l.stock = r.i64(i, 10);
  l.status = parse_listing_status(r.text(i, 11)).value_or(listing_status::draft);
  l.version = r.i64(i, 12);
  l.created_at = r.i64(i, 13);
  l.updated_at = r.i64(i, 14);
  return l;
}

listing read_listing_with_photos(const row_set& r, int i) {
  auto l = read_listing(r, i);
  constexpr int photos_col = 15;
  if (!r.is_null(i, photos_col)) l.photos = parse_photo_column(r.text(i, photos_col));
  return l;
}

}  // namespace cunji::storage::pg
