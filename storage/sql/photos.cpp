// Listing photos: rows of listing_photos, files of photo_files (storage/sqlite/migrations/0014).
#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "storage/photo_column.hpp"
#include "storage/sql/catalog.hpp"
#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

namespace {

constexpr const char* photo_cols = "id, width, height, small_name, large_name";

listing_photo read_photo(const query& q, int k) {
  listing_photo p;
  p.id = q.i64(k);
  p.width = static_cast<int>(q.i64(k + 1));
  p.height = static_cast<int>(q.i64(k + 2));
  p.small_name = q.str(k + 3);
  p.large_name = q.str(k + 4);
  return p;
}

void store_file(connection& c, const photo_file& f) {
  auto q = c.prepare("INSERT INTO photo_files (name, bytes) VALUES (?, ?) ON CONFLICT (name) DO NOTHING");
  q.bind(1, f.name);
  q.bind_blob(2, f.bytes.data(), f.bytes.size());
  q.run();
}

void drop_file_if_unnamed(connection& c, const std::string& name) {
  c.run(
      "DELETE FROM photo_files WHERE name = ?1 AND NOT EXISTS (SELECT 1 FROM listing_photos WHERE small_name = ?1) "
      "AND NOT EXISTS (SELECT 1 FROM listing_photos WHERE large_name = ?1)",
      name);
}

void bump_listing(connection& c, std::int64_t listing_id, unix_seconds now) {
  c.run("UPDATE listings SET version = version + 1, updated_at = ? WHERE id = ?", now, listing_id);
}

}  // namespace

std::vector<listing_photo> find_listing_photos(connection& c, std::int64_t listing_id) {
  auto q = c.prepare(std::string("SELECT ") + photo_cols +
                     " FROM listing_photos WHERE listing_id = ? ORDER BY position");
  q.bind(1, listing_id);
  std::vector<listing_photo> out;
  while (q.step()) out.push_back(read_photo(q, 0));
  return out;
}

const char* const photos_column =
    "(SELECT group_concat(position || char(31) || id || char(31) || width || char(31) || height || char(31) || "
    "small_name || char(31) || large_name, char(30)) FROM listing_photos WHERE listing_id = l.id)";

std::vector<listing_photo> read_photos_column(const query& q, int col) {
  if (q.is_null(col)) return {};
  return parse_photo_column(q.text(col));
}

std::optional<listing> find_listing_with_photos(connection& c, std::int64_t id) {
  static const std::string sql = std::string("SELECT ") + listing_select + ", " + photos_column +
                                 " FROM listings l JOIN counties c ON c.id = l.county_id WHERE l.id = ?";
  auto q = c.prepare(sql);  // made once: a listing's read is the hottest uncached path
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  auto l = read_listing_row(q, 0);
  l.photos = read_photos_column(q, listing_select_columns);
  return l;
}

void attach_photos(connection& c, std::vector<listing>& ls) {
  if (ls.empty()) return;
  // One query for the page: the ids as a JSON array (a page has at most 100 listings).
  std::string ids = "[";
  std::unordered_map<std::int64_t, listing*> by_id;
  for (auto& l : ls) {
    if (ids.size() > 1) ids += ',';
    ids += std::to_string(l.id);
    by_id.emplace(l.id, &l);
  }
  ids += ']';
  auto q = c.prepare(std::string("SELECT listing_id, ") + photo_cols +
                     " FROM listing_photos WHERE listing_id IN (SELECT value FROM json_each(?)) "
                     "ORDER BY listing_id, position");
  q.bind(1, ids);
  while (q.step()) {
    const auto it = by_id.find(q.i64(0));
    if (it != by_id.end()) it->second->photos.push_back(read_photo(q, 1));
  }
}

listing_photo insert_listing_photo(connection& c, const photo_upload& u) {
  store_file(c, u.small);
  store_file(c, u.large);
  std::int64_t position = 1;
  {
    auto q = c.prepare("SELECT COALESCE(MAX(position), 0) + 1 FROM listing_photos WHERE listing_id = ?");
    q.bind(1, u.listing_id);
    if (q.step()) position = q.i64(0);
  }
  c.run(
      "INSERT INTO listing_photos (listing_id, position, small_name, large_name, width, height, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      u.listing_id, position, u.small.name, u.large.name, u.width, u.height, u.now);
  listing_photo p;
  p.id = c.last_insert_rowid();
  p.width = u.width;
  p.height = u.height;
  p.small_name = u.small.name;
  p.large_name = u.large.name;
  bump_listing(c, u.listing_id, u.now);
  return p;
}

bool delete_listing_photo(connection& c, std::int64_t listing_id, std::int64_t photo_id, unix_seconds now) {
  std::string small, large;
  {
    auto q = c.prepare("SELECT small_name, large_name FROM listing_photos WHERE id = ? AND listing_id = ?");
    q.bind(1, photo_id);
    q.bind(2, listing_id);
    if (!q.step()) return false;
    small = q.str(0);
    large = q.str(1);
  }
  c.run("DELETE FROM listing_photos WHERE id = ?", photo_id);
  drop_file_if_unnamed(c, small);
  drop_file_if_unnamed(c, large);
  bump_listing(c, listing_id, now);
  return true;
}

std::optional<std::string> find_photo_bytes(connection& c, const std::string& name) {
  auto q = c.prepare("SELECT bytes FROM photo_files WHERE name = ?");
  q.bind(1, name);
  if (!q.step()) return std::nullopt;
  const auto b = q.blob(0);
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

}  // namespace cunji::storage
