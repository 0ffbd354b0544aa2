#include "storage/sql/catalog.hpp"

#include "storage/sql/regions.hpp"
#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

// --- villagers ---------------------------------------------------------------------------

namespace {
villager read_villager(const query& q) {
  return villager{q.i64(0), q.i64(1), q.str(2), q.opt_str(3), q.i64(4), q.i64(5)};
}
constexpr const char* villager_cols = "id, village_id, name, phone, registered_by, created_at";
}  // namespace

villager insert_villager(connection& c, std::int64_t village_id, const std::string& name,
                         const std::optional<std::string>& phone, std::int64_t registered_by, unix_seconds now) {
  auto q = c.prepare(
      "INSERT INTO villagers (village_id, name, phone, registered_by, created_at) VALUES (?, ?, ?, ?, ?) "
      "RETURNING id, village_id, name, phone, registered_by, created_at");
  q.bind_all(village_id, name, phone, registered_by, now);
  q.step();
  return read_villager(q);
}

std::optional<villager> find_villager(connection& c, std::int64_t id) {
  auto q = c.prepare(std::string("SELECT ") + villager_cols + " FROM villagers WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_villager(q);
}

std::vector<villager> list_villagers(connection& c, std::int64_t village_id, const std::string& prefix,
                                     std::int64_t after_id, int limit) {
  std::string sql = std::string("SELECT ") + villager_cols + " FROM villagers WHERE village_id = ?1 AND id > ?2";
  // A prefix as a range, [prefix, prefix + "\xF4\x90"): every UTF-8 text that starts with the
  // prefix sorts inside it (U+10FFFF is F4 8F BF BF), so the name and phone indexes answer it.
  if (!prefix.empty()) sql += " AND ((name >= ?3 AND name < ?4) OR (phone >= ?3 AND phone < ?4))";
  auto q = c.prepare(sql + " ORDER BY id LIMIT ?5");
  q.bind(1, village_id).bind(2, after_id).bind(5, limit);
  if (!prefix.empty()) q.bind(3, prefix).bind(4, prefix + "\xF4\x90");
  std::vector<villager> out;
  while (q.step()) out.push_back(read_villager(q));
  return out;
}

// --- shops -------------------------------------------------------------------------------

namespace {
constexpr const char* shop_cols =
    "id, village_id, county_id, name, description, status, owner_account_id, villager_id, partner_id, created_at";

shop read_shop(const query& q) {
  shop s;
  s.id = q.i64(0);
  s.village_id = q.i64(1);
  s.county_id = q.i64(2);
  s.name = q.str(3);
  s.description = q.str(4);
  s.status = parse_shop_status(q.text(5)).value_or(shop_status::closed);
  s.owner_account_id = q.opt_i64(6);
  s.villager_id = q.opt_i64(7);
  s.partner_id = q.opt_i64(8);
  s.created_at = q.i64(9);
  return s;
}
}  // namespace

result<shop> insert_shop(connection& c, const new_shop& s, unix_seconds now) {
  const auto v = find_village(c, s.village_id);
  if (!v) return validation({{"village_id", "no such village"}});
  auto q = c.prepare(
      std::string("INSERT INTO shops (village_id, county_id, name, description, status, owner_account_id, "
                  "villager_id, partner_id, created_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?) RETURNING ") +
      shop_cols);
  q.bind_all(v->id, v->county_id, s.name, s.description, s.owner_account_id, s.villager_id, s.partner_id, now);
  q.step();
  return read_shop(q);
}

std::optional<shop> find_shop(connection& c, std::int64_t id) {
  auto q = c.prepare(std::string("SELECT ") + shop_cols + " FROM shops WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_shop(q);
}

shop update_shop(connection& c, const shop& current, const shop_patch& p) {
  shop next = current;
  if (p.name) next.name = *p.name;
  if (p.description) next.description = *p.description;
  if (p.status) next.status = *p.status;
  c.run("UPDATE shops SET name = ?, description = ?, status = ? WHERE id = ?", next.name, next.description,
        to_string(next.status), next.id);
  if (next.status != current.status)
    c.run("UPDATE listings SET visible = (status = 'active' AND ?) WHERE shop_id = ?",
          next.status == shop_status::active, next.id);
  return next;
}

std::vector<shop> list_active_shops(connection& c, const shop_filter& f) {
  std::string sql = std::string("SELECT ") + shop_cols + " FROM shops WHERE status = 'active' AND id > ?";
  if (f.village_id) sql += " AND village_id = ?";
  if (f.county_id) sql += " AND county_id = ?";
  if (f.managed_by) sql += " AND (owner_account_id = ? OR partner_id = ?)";
  sql += " ORDER BY id LIMIT ?";
  auto q = c.prepare(sql);
  int i = 0;
  q.bind(++i, f.page.after.empty() ? 0 : f.page.after.front());
  if (f.village_id) q.bind(++i, *f.village_id);
  if (f.county_id) q.bind(++i, *f.county_id);
  if (f.managed_by) {
    q.bind(++i, *f.managed_by);
    q.bind(++i, *f.managed_by);
  }
  q.bind(++i, f.page.limit + 1);
  std::vector<shop> out;
  while (q.step()) out.push_back(read_shop(q));
  return out;
}

// --- listings ----------------------------------------------------------------------------

listing insert_listing(connection& c, const shop& s, const new_listing& l, unix_seconds now) {
  c.run(
      "INSERT INTO listings (shop_id, village_id, county_id, title, description, category, unit, price_fen, stock, "
      "status, visible, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
      s.id, s.village_id, s.county_id, l.title, l.description, l.category, l.unit, l.price_fen, l.stock,
      to_string(l.status), is_visible(l.status, s.status), now, now);
  return *find_listing(c, c.last_insert_rowid());
}

std::optional<listing> find_listing(connection& c, std::int64_t id) {
  static const std::string sql = std::string("SELECT ") + listing_select +
                                 " FROM listings l JOIN counties c ON c.id = l.county_id WHERE l.id = ?";
  auto q = c.prepare(sql);  // made once: every order line reads its listing
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_listing_row(q, 0);
}

result<listing> update_listing(connection& c, std::int64_t id, const listing_patch& p,
                               std::optional<std::int64_t> expected_version, unix_seconds now) {
  auto cur = find_listing(c, id);
  if (!cur) return error{errc::not_found, "No such listing."};
  if (expected_version && *expected_version != cur->version) {
    error e{errc::precondition_failed, "The listing has changed since it was read (If-Match)."};
    e.current_version = cur->version;
    return e;
  }
  auto next = *cur;
  if (p.title) next.title = *p.title;
  if (p.description) next.description = *p.description;
  if (p.category) next.category = *p.category;
  if (p.unit) next.unit = *p.unit;
  if (p.price_fen) next.price_fen = *p.price_fen;
  if (p.stock) next.stock = *p.stock;
  if (p.status) next.status = *p.status;
  const bool unchanged = next.title == cur->title && next.description == cur->description &&
                         next.category == cur->category && next.unit == cur->unit && next.price_fen == cur->price_fen &&
                         next.stock == cur->stock && next.status == cur->status;
  if (unchanged) return *cur;  // nothing to write: the version (and ETag) stay
  next.version = cur->version + 1;
  next.updated_at = now;
  const auto s = find_shop(c, cur->shop_id);
  const bool visible = is_visible(next.status, s ? s->status : shop_status::closed);
  // The search text only when it changed: setting it re-indexes the listing (listings_fts_update).
  if (next.title != cur->title || next.description != cur->description)
    c.run("UPDATE listings SET title = ?, description = ? WHERE id = ?", next.title, next.description, id);
  c.run(
      "UPDATE listings SET category = ?, unit = ?, price_fen = ?, stock = ?, status = ?, visible = ?, version = ?, "
      "updated_at = ? WHERE id = ?",
      next.category, next.unit, next.price_fen, next.stock, to_string(next.status), visible, next.version, now, id);
  return next;
}

}  // namespace cunji::storage
