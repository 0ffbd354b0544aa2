#include "storage/sqlite/sqlite_store.hpp"

#include <string>

#include "storage/sql/stores.hpp"

namespace cunji::storage {

sqlite_store::sqlite_store(database_options opts)
    : db_(std::move(opts)),
      accounts_(make_account_store(db_)),
      regions_(make_region_store(db_)),
      catalog_(make_catalog_store(db_)),
      orders_(make_order_store(db_)),
      money_(make_money_store(db_)),
      reports_(make_report_store(db_)) {}

sqlite_store::~sqlite_store() { db_.close_writer(); }

void sqlite_store::render_metrics(std::string& out) const {
  append_cache_metrics(out, "cunji_search_rankings", db_.rankings().entries().counts());
  const auto ck = db_.checkpoint_counts();
  const auto n = [](auto v) { return std::to_string(v); };
  out +=
      "# HELP cunji_wal_checkpoints_total WAL checkpoints: background passes, tails copied by the writer, "
      "and those cut short (by a reader on an old snapshot or another checkpoint).\n"
      "# TYPE cunji_wal_checkpoints_total counter\n"
      "cunji_wal_checkpoints_total{by=\"background\"} " + n(ck.passes) + "\n"
      "cunji_wal_checkpoints_total{by=\"writer\"} " + n(ck.tails) + "\n"
      "cunji_wal_checkpoints_total{by=\"cut_short\"} " + n(ck.busy) + "\n"
      "# HELP cunji_wal_restarts_total Times the WAL was wholly copied and started over from its beginning: "
      "by the writer once it had grown large, or by the checkpointer while the writer was idle.\n"
      "# TYPE cunji_wal_restarts_total counter\n"
      "cunji_wal_restarts_total{by=\"writer\"} " + n(ck.tails) + "\n"
      "cunji_wal_restarts_total{by=\"idle\"} " + n(ck.idle_restarts) + "\n";
}

}  // namespace cunji::storage
