// Listing photos on PostgreSQL: rows of listing_photos, files of photo_files (bytea).
#include "storage/postgresql/sql/photos.hpp"

#include "storage/postgresql/connection.hpp"

namespace cunji::storage::pg {

namespace {

constexpr const char* photo_cols = "id, width, height, small_name, large_name";

listing_photo read_photo(const row_set& r, int i, int k) {
  listing_photo p;
  p.id = r.i64(i, k);
  p.width = static_cast<int>(r.i64(i, k + 1));
  p.height = static_cast<int>(r.i64(i, k + 2));
  p.small_name = std::string(r.text(i, k + 3));
  p.large_name = std::string(r.text(i, k + 4));
  return p;
}

statement store_file(const photo_file& f) {
  return {"INSERT INTO photo_files (name, bytes) VALUES ($1, $2::bytea) ON CONFLICT (name) DO NOTHING",
          params(f.name, bytea(f.bytes))};
}

statement drop_file_if_unnamed(const std::string& name) {
  return {
      "DELETE FROM photo_files WHERE name = $1 AND NOT EXISTS (SELECT 1 FROM listing_photos WHERE small_name = $1) "
      "AND NOT EXISTS (SELECT 1 FROM listing_photos WHERE large_name = $1)",
      params(name)};
}

statement bump_listing(std::int64_t listing_id, unix_seconds now) {
  return {"UPDATE listings SET version = version + 1, updated_at = $2 WHERE id = $1", params(listing_id, now)};
}

}  // namespace

statement listing_photos_of(std::int64_t listing_id) {
  return {std::string("SELECT ") + photo_cols + " FROM listing_photos WHERE listing_id = $1 ORDER BY position",
          params(listing_id)};
}

std::vector<listing_photo> photos_in(const row_set& r) {
  std::vector<listing_photo> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_photo(r, i, 0));
  return out;
}

task<std::vector<listing_photo>> find_listing_photos(connection& c, std::int64_t listing_id) {
  auto st = listing_photos_of(listing_id);
  co_return photos_in(co_await c.query(std::move(st.sql), std::move(st.values)));
}

task<listing_photo> insert_listing_photo(connection& c, const photo_upload& u) {
  std::vector<statement> steps;
  // The listing's row first: concurrent uploads to one listing wait for each other there.
  steps.push_back(bump_listing(u.listing_id, u.now));
  steps.push_back(store_file(u.small));
  steps.push_back(store_file(u.large));
  steps.push_back(
      {"INSERT INTO listing_photos (listing_id, position, small_name, large_name, width, height, "
       "created_at) SELECT $1::bigint, COALESCE(MAX(position), 0) + 1, $2::text, $3::text, $4::bigint, "
       "$5::bigint, $6::bigint FROM listing_photos WHERE listing_id = $1::bigint RETURNING id",
       params(u.listing_id, u.small.name, u.large.name, u.width, u.height, u.now)});
  const auto done = co_await c.pipeline(std::move(steps));
  listing_photo p;
  p.id = done.back().i64(0, 0);
  p.width = u.width;
  p.height = u.height;
  p.small_name = u.small.name;
  p.large_name = u.large.name;
  co_return p;
}

task<bool> delete_listing_photo(connection& c, std::int64_t listing_id, std::int64_t photo_id, unix_seconds now) {
  const auto r = co_await c.query(
      "DELETE FROM listing_photos WHERE id = $1 AND listing_id = $2 RETURNING small_name, large_name",
      params(photo_id, listing_id));
  if (r.rows() == 0) co_return false;
  std::vector<statement> steps;
  steps.push_back(drop_file_if_unnamed(std::string(r.text(0, 0))));
  steps.push_back(drop_file_if_unnamed(std::string(r.text(0, 1))));
  steps.push_back(bump_listing(listing_id, now));
  co_await c.pipeline(std::move(steps));
  co_return true;
}

task<std::optional<std::string>> find_photo_bytes(connection& c, std::string name) {
  const auto r = co_await c.query("SELECT bytes FROM photo_files WHERE name = $1", params(name));
  if (r.rows() == 0) co_return std::nullopt;
  co_return r.bytes(0, 0);
}

}  // namespace cunji::storage::pg
