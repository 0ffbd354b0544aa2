#include "storage/sql/returns.hpp"

#include <limits>
#include <string>

#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

namespace {

constexpr const char* return_cols =
    "id, order_id, shop_id, requested_by, status, lost, reason, decision_reason, refund_fen, restocked, created_at, "
    "decided_at";

order_return read_row(const query& q) {
  order_return r;
  r.id = q.i64(0);
  r.order_id = q.i64(1);
  r.shop_id = q.i64(2);
  r.requested_by = q.i64(3);
  r.status = parse_return_status(q.text(4)).value_or(return_status::requested);
  r.lost = q.i64(5) != 0;
  r.reason = q.str(6);
  r.decision_reason = q.opt_str(7);
  r.refund_fen = q.i64(8);
  r.restocked = q.i64(9) != 0;
  r.created_at = q.i64(10);
  r.decided_at = q.opt_i64(11);
  return r;
}

}  // namespace

void insert_return(connection& c, order_return& r) {
  c.run(
      "INSERT INTO returns (order_id, shop_id, requested_by, status, lost, reason, refund_fen, created_at) "
      "VALUES (?, ?, ?, 'requested', ?, ?, ?, ?)",
      r.order_id, r.shop_id, r.requested_by, static_cast<std::int64_t>(r.lost), r.reason, r.refund_fen, r.created_at);
  r.id = c.last_insert_rowid();
}

std::optional<order_return> find_return(connection& c, std::int64_t id) {
  auto q = c.prepare(std::string("SELECT ") + return_cols + " FROM returns WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_row(q);
}

bool order_has_return(connection& c, std::int64_t order_id) {
  auto q = c.prepare("SELECT 1 FROM returns WHERE order_id = ?");
  q.bind(1, order_id);
  return q.step();
}

void store_decision(connection& c, const order_return& r, std::int64_t decided_by) {
  c.run(
      "UPDATE returns SET status = ?, decision_reason = ?, restocked = ?, decided_by = ?, decided_at = ? WHERE id = ?",
      to_string(r.status), r.decision_reason, static_cast<std::int64_t>(r.restocked), decided_by, r.decided_at, r.id);
}

std::vector<order_return> list_returns(connection& c, const return_list_filter& f) {
  std::string sql = std::string("SELECT ") + return_cols + " FROM returns WHERE ";
  if (f.as == return_view::buyer) sql += "requested_by = ?1";
  else if (f.caller.role == role::admin) sql += "?1 = ?1";
  else sql += "shop_id IN (SELECT id FROM shops WHERE owner_account_id = ?1 OR partner_id = ?1)";
  if (f.status) sql += " AND status = ?2";
  sql += " AND id < ?3 ORDER BY id DESC LIMIT ?4";
  auto q = c.prepare(sql);
  q.bind(1, f.caller.id);
  if (f.status) q.bind(2, to_string(*f.status));
  q.bind(3, f.page.after.empty() ? std::numeric_limits<std::int64_t>::max() : f.page.after.front());
  q.bind(4, f.page.limit + 1);
  std::vector<order_return> out;
  while (q.step()) out.push_back(read_row(q));
  return out;
}

}  // namespace cunji::storage
