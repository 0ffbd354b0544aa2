#include "storage/postgresql/sql/catalog.hpp"

#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/sql/listing_rows.hpp"
#include "storage/postgresql/sql/listing_search.hpp"
#include "storage/postgresql/sql/regions.hpp"

namespace cunji::storage::pg {

// --- villagers ---------------------------------------------------------------------------

namespace {
constexpr const char* villager_cols = "id, village_id, name, phone, registered_by, created_at";

villager read_villager(const row_set& r, int i) {
  return villager{r.i64(i, 0), r.i64(i, 1), std::string(r.text(i, 2)), r.opt_str(i, 3), r.i64(i, 4), r.i64(i, 5)};
}
}  // namespace

task<villager> insert_villager(connection& c, std::int64_t village_id, std::string name,
                               std::optional<std::string> phone, std::int64_t registered_by, unix_seconds now) {
  const auto r = co_await c.query(
      std::string("INSERT INTO villagers (village_id, name, phone, registered_by, created_at) "
                  "VALUES ($1, $2, $3, $4, $5) RETURNING ") +
          villager_cols,
      params(village_id, name, phone, registered_by, now));
  co_return read_villager(r, 0);
}

namespace {
// The first row of `r` as `read` reads it, or nullopt if there is none; and the same for a
// lookup statement run on its own.
template <class T>
std::optional<T> first_row(const row_set& r, T (*read)(const row_set&, int)) {
  if (r.rows() == 0) return std::nullopt;
  return read(r, 0);
}
template <class T>
task<std::optional<T>> find_one(connection& c, statement st, T (*read)(const row_set&, int)) {
  co_return first_row(co_await c.query(std::move(st.sql), std::move(st.values)), read);
}
}  // namespace

statement villager_by_id(std::int64_t id) {
  return {std::string("SELECT ") + villager_cols + " FROM villagers WHERE id = $1", params(id)};
}

std::optional<villager> villager_in(const row_set& r) { return first_row(r, read_villager); }

task<std::optional<villager>> find_villager(connection& c, std::int64_t id) {
  co_return co_await find_one(c, villager_by_id(id), read_villager);
}

task<std::vector<villager>> list_villagers(connection& c, std::int64_t village_id, std::string prefix,
                                           std::int64_t after_id, int limit) {
  std::string sql = std::string("SELECT ") + villager_cols + " FROM villagers WHERE village_id = $1 AND id > $2";
  // starts_with compares code points whatever the database's collation: the same rows as the
  // byte range SQLite reads ([prefix, prefix + "\xF4\x90")).
  auto values = params(village_id, after_id, limit);
  if (!prefix.empty()) {
    sql += " AND (starts_with(name, $4) OR starts_with(phone, $4))";
    values.push_back(prefix);
  }
  const auto r = co_await c.query(sql + " ORDER BY id LIMIT $3", std::move(values));
  std::vector<villager> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_villager(r, i));
  co_return out;
}

// --- shops -------------------------------------------------------------------------------

namespace {
constexpr const char* shop_cols =
    "id, village_id, county_id, name, description, status, owner_account_id, villager_id, partner_id, created_at";

shop read_shop(const row_set& r, int i) {
  shop s;
  s.id = r.i64(i, 0);
  s.village_id = r.i64(i, 1);
  s.county_id = r.i64(i, 2);
  s.name = std::string(r.text(i, 3));
  s.description = std::string(r.text(i, 4));
  s.status = parse_shop_status(r.text(i, 5)).value_or(shop_status::closed);
  s.owner_account_id = r.opt_i64(i, 6);
  s.villager_id = r.opt_i64(i, 7);
  s.partner_id = r.opt_i64(i, 8);
  s.created_at = r.i64(i, 9);
  return s;
}
}  // namespace

task<result<shop>> insert_shop(connection& c, new_shop s, unix_seconds now) {
  const auto v = co_await find_village(c, s.village_id);
  if (!v) co_return validation({{"village_id", "no such village"}});
  const auto r = co_await c.query(
      std::string("INSERT INTO shops (village_id, county_id, name, description, status, owner_account_id, "
                  "villager_id, partner_id, created_at) VALUES ($1, $2, $3, $4, 'active', $5, $6, $7, $8) "
                  "RETURNING ") +
          shop_cols,
      params(v->id, v->county_id, s.name, s.description, s.owner_account_id, s.villager_id, s.partner_id, now));
  co_return read_shop(r, 0);
}

statement shop_by_id(std::int64_t id) {
  return {std::string("SELECT ") + shop_cols + " FROM shops WHERE id = $1", params(id)};
}

statement shop_of_listing(std::int64_t listing_id) {
  return {std::string("SELECT ") + shop_cols + " FROM shops WHERE id = (SELECT shop_id FROM listings WHERE id = $1)",
          params(listing_id)};
}

std::optional<shop> shop_in(const row_set& r) { return first_row(r, read_shop); }

task<std::optional<shop>> find_shop(connection& c, std::int64_t id) {
  co_return co_await find_one(c, shop_by_id(id), read_shop);
}

task<shop> update_shop(connection& c, shop current, shop_patch p) {
  shop next = current;
  if (p.name) next.name = *p.name;
  if (p.description) next.description = *p.description;
  if (p.status) next.status = *p.status;
  co_await c.query("UPDATE shops SET name = $1, description = $2, status = $3 WHERE id = $4",
                   params(next.name, next.description, to_string(next.status), next.id));
  if (next.status != current.status)
    co_await c.query(
        "UPDATE listings SET visible = CASE WHEN status = 'active' AND $1::int = 1 THEN 1 ELSE 0 END "
        "WHERE shop_id = $2",
        params(next.status == shop_status::active ? 1 : 0, next.id));
  co_return next;
}

task<std::vector<shop>> list_active_shops(connection& c, shop_filter f) {
  std::string sql = std::string("SELECT ") + shop_cols + " FROM shops WHERE status = 'active' AND id > $1";
  auto values = params(f.page.after.empty() ? 0 : f.page.after.front());
  const auto next = [&values] { return "$" + std::to_string(values.size()); };
  if (f.village_id) {
    values.push_back(to_param(*f.village_id));
    sql += " AND village_id = " + next();
  }
  if (f.county_id) {
    values.push_back(to_param(*f.county_id));
    sql += " AND county_id = " + next();
  }
  if (f.managed_by) {
    values.push_back(to_param(*f.managed_by));
    sql += " AND (owner_account_id = " + next() + " OR partner_id = " + next() + ")";
  }
  values.push_back(to_param(f.page.limit + 1));
  sql += " ORDER BY id LIMIT " + next();
  const auto r = co_await c.query(sql, std::move(values));
  std::vector<shop> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_shop(r, i));
  co_return out;
}

// --- listings ----------------------------------------------------------------------------

namespace {
bool same_fields(const listing& a, const listing& b) {
  return a.title == b.title && a.description == b.description && a.category == b.category && a.unit == b.unit &&
         a.price_fen == b.price_fen && a.stock == b.stock && a.status == b.status;
}
}  // namespace

task<listing> insert_listing(connection& c, shop s, new_listing l, unix_seconds now) {
  const auto r = co_await c.query(
      std::string("WITH l AS (INSERT INTO listings (shop_id, village_id, county_id, title, description, category, "
                  "unit, price_fen, stock, status, visible, version, created_at, updated_at, search_vector) "
                  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $12, $13::tsvector) RETURNING *) "
                  "SELECT ") +
          listing_cols + " FROM l JOIN counties c ON c.id = l.county_id",
      params(s.id, s.village_id, s.county_id, l.title, l.description, l.category, l.unit, l.price_fen, l.stock,
             to_string(l.status), is_visible(l.status, s.status) ? 1 : 0, now, search_vector(l.title, l.description)));
  co_return read_listing(r, 0);
}

statement listing_by_id(std::int64_t id) {
  return {
      std::string("SELECT ") + listing_cols + " FROM listings l JOIN counties c ON c.id = l.county_id WHERE l.id = $1",
      params(id)};
}

std::optional<listing> listing_in(const row_set& r) { return first_row(r, read_listing); }

task<std::optional<listing>> find_listing(connection& c, std::int64_t id) {
  co_return co_await find_one(c, listing_by_id(id), read_listing);
}

task<result<listing>> update_listing(connection& c, std::int64_t id, listing_patch p,
                                     std::optional<std::int64_t> expected_version, unix_seconds now) {
  const auto cur = co_await find_listing(c, id);
  if (!cur) co_return error{errc::not_found, "No such listing."};
  if (expected_version && *expected_version != cur->version) {
    error e{errc::precondition_failed, "The listing has changed since it was read (If-Match)."};
    e.current_version = cur->version;
    co_return e;
  }
  auto next = *cur;
  if (p.title) next.title = *p.title;
  if (p.description) next.description = *p.description;
  if (p.category) next.category = *p.category;
  if (p.unit) next.unit = *p.unit;
  if (p.price_fen) next.price_fen = *p.price_fen;
  if (p.stock) next.stock = *p.stock;
  if (p.status) next.status = *p.status;
  if (same_fields(next, *cur)) co_return *cur;  // nothing to write: the version (and ETag) stay
  next.version = cur->version + 1;
  next.updated_at = now;
  const auto s = co_await find_shop(c, cur->shop_id);
  const bool visible = is_visible(next.status, s ? s->status : shop_status::closed);
  std::string sql =
      "UPDATE listings SET category = $1, unit = $2, price_fen = $3, stock = $4, status = $5, visible = $6, "
      "version = $7, updated_at = $8";
  auto values = params(next.category, next.unit, next.price_fen, next.stock, to_string(next.status), visible ? 1 : 0,
                       next.version, now, id);
  // The search terms only when the text they come from changed.
  if (next.title != cur->title || next.description != cur->description) {
    sql += ", title = $10, description = $11, search_vector = $12::tsvector";
    values.push_back(next.title);
    values.push_back(next.description);
    values.push_back(search_vector(next.title, next.description));
  }
  co_await c.query(sql + " WHERE id = $9", std::move(values));
  co_return next;
}

}  // namespace cunji::storage::pg
