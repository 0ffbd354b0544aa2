#include "storage/sqlite/sqlite_store.hpp"

#include <ctime>
#include <string>

#include "storage/sql/idempotency.hpp"
#include "storage/sql/order_moves.hpp"
#include "storage/sql/stores.hpp"

namespace cunji::storage {

namespace {
database_options with_timers(database_options opts, store_options more) {
  if (!more.clock) more.clock = [] { return static_cast<unix_seconds>(std::time(nullptr)); };
  opts.jobs.push_back(
      {more.timers_every, [clock = std::move(more.clock)](connection& c) { run_order_timers(c, clock()); }});
  return opts;
}
}  // namespace

sqlite_store::sqlite_store(database_options opts, store_options more)
    : db_(with_timers(std::move(opts), std::move(more))),
      accounts_(make_account_store(db_)),
      regions_(make_region_store(db_)),
      catalog_(make_catalog_store(db_)),
      orders_(make_order_store(db_)),
      payments_(make_payment_store(db_)),
      purchases_(make_purchase_store(db_)),
      returns_(make_return_store(db_)),
      money_(make_money_store(db_)),
      reports_(make_report_store(db_)) {}

sqlite_store::~sqlite_store() { db_.close_writer(); }

task<std::optional<answer>> sqlite_store::stored_answer(idempotency_key key) {
  auto a = find_answer(db_.reader(), db_.answers(), key);
  // Committed is not yet durable (writer::all_durable, asked after the read): the use case's
  // write replays such an answer once it is.
  if (!a || a->digest != key.digest || !db_.writer().all_durable()) co_return std::nullopt;
  co_return answer{a->status, std::move(a->body), true};
}

void sqlite_store::render_metrics(std::string& out) const {
  append_cache_metrics(out, "cunji_search_rankings", db_.rankings().entries().counts());
  const auto ck = db_.checkpoint_counts();
  const auto n = [](auto v) { return std::to_string(v); };
  out +=
      "# HELP cunji_wal_checkpoints_total WAL checkpoints: background passes, tails copied by the writer, "
      "and those cut short (by a reader on an old snapshot or another checkpoint).\n"
      "# TYPE cunji_wal_checkpoints_total counter\n"
      "cunji_wal_checkpoints_total{by=\"background\"} " +
      n(ck.passes) +
      "\n"
      "cunji_wal_checkpoints_total{by=\"writer\"} " +
      n(ck.tails) +
      "\n"
      "cunji_wal_checkpoints_total{by=\"cut_short\"} " +
      n(ck.busy) +
      "\n"
      "# HELP cunji_wal_restarts_total Times the WAL was wholly copied and started over from its beginning: "
      "by the writer once it had grown large, or by the checkpointer while the writer was idle.\n"
      "# TYPE cunji_wal_restarts_total counter\n"
      "cunji_wal_restarts_total{by=\"writer\"} " +
      n(ck.tails) +
      "\n"
      "cunji_wal_restarts_total{by=\"idle\"} " +
      n(ck.idle_restarts) + "\n";
}

}  // namespace cunji::storage
