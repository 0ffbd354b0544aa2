#include "storage/sql/accounts.hpp"

#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

namespace {
constexpr const char* account_columns = "id, role, name, phone, village_id, created_at";

account read_account(const query& q) {
  account a;
  a.id = q.i64(0);
  a.role = parse_role(q.text(1)).value_or(role::buyer);
  a.name = q.str(2);
  a.phone = q.str(3);
  a.village_id = q.opt_i64(4);
  a.created_at = q.i64(5);
  return a;
}
}  // namespace

bool village_exists(connection& c, std::int64_t id) {
  auto q = c.prepare("SELECT 1 FROM villages WHERE id = ?");
  q.bind(1, id);
  return q.step();
}

result<account> insert_account(connection& c, const registration& r, const std::string& password_hash,
                               unix_seconds now) {
  if (r.village_id && !village_exists(c, *r.village_id)) return validation({{"village_id", "no such village"}});
  {
    // Also a number that accounts listed in phone_conflicts share, in another form, until settled.
    auto q = c.prepare(
        "SELECT 1 FROM accounts WHERE phone = ?1 UNION ALL SELECT 1 FROM phone_conflicts WHERE normal_phone = ?1");
    q.bind(1, r.phone);
    if (q.step())
      return error{errc::conflict, "An account with this phone number already exists.", {{"phone", "is taken"}}};
  }
  auto q = c.prepare(
      "INSERT INTO accounts (role, name, phone, password_hash, village_id, created_at) VALUES (?, ?, ?, ?, ?, ?) "
      "RETURNING id, role, name, phone, village_id, created_at");
  q.bind_all(to_string(r.role), r.name, r.phone, password_hash, r.village_id, now);
  q.step();
  return read_account(q);
}

std::optional<account> find_account(connection& c, std::int64_t id) {
  auto q = c.prepare(std::string("SELECT ") + account_columns + " FROM accounts WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_account(q);
}

std::optional<credentials> find_credentials(connection& c, const std::string& phone) {
  auto q = c.prepare("SELECT id, password_hash FROM accounts WHERE phone = ?");
  q.bind(1, phone);
  if (!q.step()) return std::nullopt;
  return credentials{q.i64(0), q.str(1)};
}

std::vector<unix_seconds> recent_login_failures(connection& c, const std::string& phone, unix_seconds since,
                                                int limit) {
  auto q = c.prepare("SELECT at FROM login_failures WHERE phone = ? AND at > ? ORDER BY at DESC LIMIT ?");
  q.bind_all(phone, since, limit);
  std::vector<unix_seconds> out;
  while (q.step()) out.push_back(q.i64(0));
  return out;
}

void record_login_failure(connection& c, const std::string& phone, unix_seconds at) {
  c.run("INSERT INTO login_failures (phone, at) VALUES (?, ?)", phone, at);
}

void insert_session(connection& c, const token_hash& h, std::int64_t account_id, unix_seconds now,
                    unix_seconds expires_at) {
  auto q = c.prepare("INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)");
  q.bind_blob(1, h.data(), h.size()).bind(2, account_id).bind(3, now).bind(4, expires_at);
  q.run();
}

std::optional<account> account_by_session(connection& c, const token_hash& h, unix_seconds now) {
  auto q = c.prepare(
      "SELECT a.id, a.role, a.name, a.phone, a.village_id, a.created_at FROM sessions s "
      "JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ? AND s.expires_at > ?");
  q.bind_blob(1, h.data(), h.size()).bind(2, now);
  if (!q.step()) return std::nullopt;
  return read_account(q);
}

bool delete_session(connection& c, const token_hash& h) {
  auto q = c.prepare("DELETE FROM sessions WHERE token_hash = ?");
  q.bind_blob(1, h.data(), h.size());
  q.run();
  return c.rows_changed() > 0;
}

void insert_page_session(connection& c, const token_hash& h, std::int64_t account_id, unix_seconds now,
                         unix_seconds expires_at) {
  auto q = c.prepare(
      "INSERT INTO page_sessions (token_hash, account_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)");
  q.bind_blob(1, h.data(), h.size()).bind(2, account_id).bind(3, now).bind(4, now).bind(5, expires_at);
  q.run();
}

void delete_expired_page_sessions(connection& c, unix_seconds now) {
  c.run("DELETE FROM page_sessions WHERE expires_at <= ?", now);
}

std::optional<page_session> find_page_session(connection& c, const token_hash& h, unix_seconds now,
                                              std::int64_t idle_s) {
  auto q = c.prepare(
      "SELECT a.id, a.role, a.name, a.phone, a.village_id, a.created_at, s.last_seen_at FROM page_sessions s "
      "JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ? AND s.expires_at > ? AND s.last_seen_at > ?");
  q.bind_blob(1, h.data(), h.size()).bind(2, now).bind(3, now - idle_s);
  if (!q.step()) return std::nullopt;
  return page_session{read_account(q), q.i64(6)};
}

void touch_page_session(connection& c, const token_hash& h, unix_seconds now) {
  auto q = c.prepare("UPDATE page_sessions SET last_seen_at = max(last_seen_at, ?) WHERE token_hash = ?");
  q.bind(1, now).bind_blob(2, h.data(), h.size());
  q.run();
}

void delete_page_session(connection& c, const token_hash& h) {
  auto q = c.prepare("DELETE FROM page_sessions WHERE token_hash = ?");
  q.bind_blob(1, h.data(), h.size());
  q.run();
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
}  // namespace

std::vector<account> list_accounts(connection& c, const account_filter& f) {
  std::string sql = std::string("SELECT ") + account_columns + " FROM accounts WHERE id > ?1";
  if (f.role_is) sql += " AND role = ?2";
  if (f.village_id) sql += " AND village_id = ?3";
  if (f.q) sql += " AND (name LIKE ?4 ESCAPE '\\' OR phone LIKE ?4 ESCAPE '\\')";
  sql += " ORDER BY id LIMIT ?5";
  auto q = c.prepare(sql);
  q.bind(1, f.page.after.empty() ? 0 : f.page.after.front());
  if (f.role_is) q.bind(2, to_string(*f.role_is));
  if (f.village_id) q.bind(3, *f.village_id);
  if (f.q) q.bind(4, prefix_pattern(*f.q));
  q.bind(5, f.page.limit + 1);
  std::vector<account> out;
  while (q.step()) out.push_back(read_account(q));
  return out;
}

std::vector<partner_summary> list_partners(connection& c, std::optional<std::int64_t> village_id, day_range window,
                                           const page_request& p) {
  std::string sql = std::string("SELECT ") + account_columns +
                    ", (SELECT coalesce(sum(assisted_buying_fen + assisted_selling_fen), 0) FROM partner_daily d "
                    "WHERE d.partner_id = a.id AND d.day >= ?3 AND d.day < ?4), "
                    "(SELECT coalesce(sum(amount_fen), 0) FROM ledger_balances b WHERE b.account = 'station_cash' "
                    "AND b.owner_id = a.id) FROM accounts a WHERE role = 'partner' AND id > ?1";
  if (village_id) sql += " AND village_id = ?2";
  sql += " ORDER BY id LIMIT ?5";
  auto q = c.prepare(sql);
  q.bind(1, p.after.empty() ? 0 : p.after.front());
  if (village_id) q.bind(2, *village_id);
  q.bind(3, window.from).bind(4, window.to).bind(5, p.limit + 1);
  std::vector<partner_summary> out;
  while (q.step()) {
    partner_summary s;
    static_cast<account&>(s) = read_account(q);
    s.earnings_365d_fen = q.i64(6);
    s.cash_held_fen = q.i64(7);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace cunji::storage
