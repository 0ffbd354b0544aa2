#include "storage/postgresql/sql/returns.hpp"

#include <limits>
#include <string>

#include "storage/postgresql/connection.hpp"

namespace cunji::storage::pg {

namespace {

constexpr const char* return_cols =
    "id, order_id, shop_id, requested_by, status, lost, reason, decision_reason, refund_fen, restocked, created_at, "
    "decided_at";

order_return read_row(const row_set& r, int i) {
  order_return ret;
  ret.id = r.i64(i, 0);
  ret.order_id = r.i64(i, 1);
  ret.shop_id = r.i64(i, 2);
  ret.requested_by = r.i64(i, 3);
  ret.status = parse_return_status(r.text(i, 4)).value_or(return_status::requested);
  ret.lost = r.i64(i, 5) != 0;
  ret.reason = std::string(r.text(i, 6));
  if (!r.is_null(i, 7)) ret.decision_reason = std::string(r.text(i, 7));
  ret.refund_fen = r.i64(i, 8);
  ret.restocked = r.i64(i, 9) != 0;
  ret.created_at = r.i64(i, 10);
  ret.decided_at = r.opt_i64(i, 11);
  return ret;
}

}  // namespace

task<void> insert_return(connection& c, order_return& r) {
  const auto rows = co_await c.query(
      "INSERT INTO returns (order_id, shop_id, requested_by, status, lost, reason, refund_fen, created_at) "
      "VALUES ($1, $2, $3, 'requested', $4, $5, $6, $7) RETURNING id",
      params(r.order_id, r.shop_id, r.requested_by, r.lost ? 1 : 0, r.reason, r.refund_fen, r.created_at));
  r.id = rows.i64(0, 0);
}

task<std::optional<order_return>> find_return(connection& c, std::int64_t id) {
  const auto r = co_await c.query(std::string("SELECT ") + return_cols + " FROM returns WHERE id = $1", params(id));
  if (r.rows() == 0) co_return std::nullopt;
  co_return read_row(r, 0);
}

task<bool> order_has_return(connection& c, std::int64_t order_id) {
  const auto r = co_await c.query("SELECT 1 FROM returns WHERE order_id = $1", params(order_id));
  co_return r.rows() > 0;
}

task<void> store_decision(connection& c, order_return r, std::int64_t decided_by) {
  co_await c.query(
      "UPDATE returns SET status = $1, decision_reason = $2, restocked = $3, decided_by = $4, decided_at = $5 "
      "WHERE id = $6",
      params(to_string(r.status), r.decision_reason, r.restocked ? 1 : 0, decided_by, r.decided_at, r.id));
}

task<std::vector<order_return>> list_returns(connection& c, return_list_filter f) {
  std::string sql = std::string("SELECT ") + return_cols + " FROM returns WHERE ";
  if (f.as == return_view::buyer) sql += "requested_by = $1";
  else if (f.caller.role == role::admin) sql += "$1::bigint IS NOT NULL";
  else sql += "shop_id IN (SELECT id FROM shops WHERE owner_account_id = $1 OR partner_id = $1)";
  sql += f.status ? " AND status = $2" : " AND $2::text IS NULL";
  sql += " AND id < $3 ORDER BY id DESC LIMIT $4";
  std::optional<std::string> status;
  if (f.status) status = std::string(to_string(*f.status));
  const auto after = f.page.after.empty() ? std::numeric_limits<std::int64_t>::max() : f.page.after.front();
  const auto r = co_await c.query(sql, params(f.caller.id, status, after, f.page.limit + 1));
  std::vector<order_return> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_row(r, i));
  co_return out;
}

}  // namespace cunji::storage::pg
