#include "storage/postgresql/sql/accounts.hpp"

#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/sql/regions.hpp"

namespace cunji::storage::pg {

namespace {
constexpr const char* account_columns = "id, role, name, phone, village_id, created_at";

account read_account(const row_set& r, int i) {
  account a;
  a.id = r.i64(i, 0);
  a.role = parse_role(r.text(i, 1)).value_or(role::buyer);
  a.name = std::string(r.text(i, 2));
  a.phone = std::string(r.text(i, 3));
  a.village_id = r.opt_i64(i, 4);
  a.created_at = r.i64(i, 5);
  return a;
}

error phone_taken() {
  return error{errc::conflict, "An account with this phone number already exists.", {{"phone", "is taken"}}};
}
}  // namespace

task<result<account>> insert_account(connection& c, registration r, std::string password_hash, unix_seconds now) {
  if (r.village_id) {
    const auto village = co_await find_village(c, *r.village_id);
    if (!village) co_return validation({{"village_id", "no such village"}});
  }
  // Also a number that accounts listed in phone_conflicts share, in another form, until settled.
  const auto taken = co_await c.query(
      "SELECT 1 FROM accounts WHERE phone = $1 UNION ALL SELECT 1 FROM phone_conflicts WHERE normal_phone = $1",
      params(r.phone));
  if (taken.rows() > 0) co_return phone_taken();
  // A registration of the phone that committed after the check above, or is still in flight
  // (waited for): no row, and the same conflict.
  const auto inserted = co_await c.query(
      std::string("INSERT INTO accounts (role, name, phone, password_hash, village_id, created_at) "
                  "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (phone) DO NOTHING RETURNING ") +
          account_columns,
      params(to_string(r.role), r.name, r.phone, password_hash, r.village_id, now));
  if (inserted.rows() == 0) co_return phone_taken();
  co_return read_account(inserted, 0);
}

task<std::optional<account>> find_account(connection& c, std::int64_t id) {
  const auto r = co_await c.query(std::string("SELECT ") + account_columns + " FROM accounts WHERE id = $1",
                                  params(id));
  if (r.rows() == 0) co_return std::nullopt;
  co_return read_account(r, 0);
}

task<std::optional<credentials>> find_credentials(connection& c, std::string phone) {
  const auto r = co_await c.query("SELECT id, password_hash FROM accounts WHERE phone = $1", params(phone));
  if (r.rows() == 0) co_return std::nullopt;
  co_return credentials{r.i64(0, 0), std::string(r.text(0, 1))};
}

task<std::vector<unix_seconds>> recent_login_failures(connection& c, std::string phone, unix_seconds since, int limit) {
  const auto r = co_await c.query(
      "SELECT at FROM login_failures WHERE phone = $1 AND at > $2 ORDER BY at DESC LIMIT $3",
      params(phone, since, limit));
  std::vector<unix_seconds> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.i64(i, 0));
  co_return out;
}

task<void> record_login_failure(connection& c, std::string phone, unix_seconds at) {
  co_await c.query("INSERT INTO login_failures (phone, at) VALUES ($1, $2)", params(phone, at));
}

task<void> insert_session(connection& c, token_hash h, std::int64_t account_id, unix_seconds now,
                          unix_seconds expires_at) {
  co_await c.query("INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                   params(bytea(h), account_id, now, expires_at));
}

task<std::optional<account>> account_by_session(connection& c, token_hash h, unix_seconds now) {
  const auto r = co_await c.query(
      "SELECT a.id, a.role, a.name, a.phone, a.village_id, a.created_at FROM sessions s "
      "JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1 AND s.expires_at > $2",
      params(bytea(h), now));
  if (r.rows() == 0) co_return std::nullopt;
  co_return read_account(r, 0);
}

task<bool> delete_session(connection& c, token_hash h) {
  const auto r = co_await c.query("DELETE FROM sessions WHERE token_hash = $1", params(bytea(h)));
  co_return r.affected() > 0;
}

task<void> insert_page_session(connection& c, token_hash h, std::int64_t account_id, unix_seconds now,
                               unix_seconds expires_at) {
  co_await c.query(
      "INSERT INTO page_sessions (token_hash, account_id, created_at, last_seen_at, expires_at) "
      "VALUES ($1, $2, $3, $3, $4)",
      params(bytea(h), account_id, now, expires_at));
}

task<void> delete_expired_page_sessions(connection& c, unix_seconds now) {
  co_await c.query("DELETE FROM page_sessions WHERE expires_at <= $1", params(now));
}

task<std::optional<page_session>> find_page_session(connection& c, token_hash h, unix_seconds now,
                                                    std::int64_t idle_s) {
  const auto r = co_await c.query(
      "SELECT a.id, a.role, a.name, a.phone, a.village_id, a.created_at, s.last_seen_at FROM page_sessions s "
      "JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3",
      params(bytea(h), now, now - idle_s));
  if (r.rows() == 0) co_return std::nullopt;
  co_return page_session{read_account(r, 0), r.i64(0, 6)};
}

task<void> touch_page_session(connection& c, token_hash h, unix_seconds now) {
  co_await c.query("UPDATE page_sessions SET last_seen_at = greatest(last_seen_at, $1) WHERE token_hash = $2",
                   params(now, bytea(h)));
}

task<void> delete_page_session(connection& c, token_hash h) {
  co_await c.query("DELETE FROM page_sessions WHERE token_hash = $1", params(bytea(h)));
}

namespace {
// A LIKE pattern matching what starts with `prefix` (its own % and _ escaped with \).
std::string prefix_pattern(std::string_view prefix) {
  std::string out;
  for (const char ch : prefix) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + '%';
}

// Matches what SQLite's LIKE does: case-insensitive for ASCII letters only (ILIKE under the "C"
// collation folds no other letter).
constexpr const char* name_or_phone_starts =
    " AND (name COLLATE \"C\" ILIKE $4 ESCAPE '\\' OR phone COLLATE \"C\" ILIKE $4 ESCAPE '\\')";
}  // namespace

task<std::vector<account>> list_accounts(connection& c, account_filter f) {
  std::string sql = std::string("SELECT ") + account_columns + " FROM accounts WHERE id > $1";
  sql += f.role_is ? " AND role = $2" : " AND $2::text IS NULL";
  sql += f.village_id ? " AND village_id = $3" : " AND $3::bigint IS NULL";
  sql += f.q ? name_or_phone_starts : " AND $4::text IS NULL";
  sql += " ORDER BY id LIMIT $5";
  std::optional<std::string> role_is;
  if (f.role_is) role_is = std::string(to_string(*f.role_is));
  std::optional<std::string> pattern;
  if (f.q) pattern = prefix_pattern(*f.q);
  const std::int64_t after = f.page.after.empty() ? 0 : f.page.after.front();
  const auto r = co_await c.query(sql, params(after, role_is, f.village_id, pattern, f.page.limit + 1));
  std::vector<account> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_account(r, i));
  co_return out;
}

task<std::vector<partner_summary>> list_partners(connection& c, std::optional<std::int64_t> village_id,
                                                 day_range window, page_request p) {
  std::string sql = std::string("SELECT ") + account_columns +
                    ", (SELECT coalesce(sum(assisted_buying_fen + assisted_selling_fen), 0)::bigint "
                    "FROM partner_daily d WHERE d.partner_id = a.id AND d.day >= $3 AND d.day < $4), "
                    "(SELECT coalesce(sum(amount_fen), 0)::bigint FROM ledger_balances b "
                    "WHERE b.account = 'station_cash' AND b.owner_id = a.id) "
                    "FROM accounts a WHERE role = 'partner' AND id > $1";
  sql += village_id ? " AND village_id = $2" : " AND $2::bigint IS NULL";
  sql += " ORDER BY id LIMIT $5";
  const std::int64_t after = p.after.empty() ? 0 : p.after.front();
  const auto r = co_await c.query(sql, params(after, village_id, window.from, window.to, p.limit + 1));
  std::vector<partner_summary> out;
  for (int i = 0; i < r.rows(); ++i) {
    partner_summary s;
    static_cast<account&>(s) = read_account(r, i);
    s.earnings_365d_fen = r.i64(i, 6);
    s.cash_held_fen = r.i64(i, 7);
    out.push_back(std::move(s));
  }
  co_return out;
}

}  // namespace cunji::storage::pg
