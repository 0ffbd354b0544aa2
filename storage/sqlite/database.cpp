#include "storage/sqlite/database.hpp"

#include <ctime>
#include <utility>

#include "storage/sql/idempotency.hpp"
#include "storage/sqlite/migrations.hpp"

namespace cunji::storage {

namespace {
std::atomic<std::uint64_t> next_database_id{1};

struct reader_slot {
  std::uint64_t db_id;
  connection* conn;
};
// Ids are never reused, so a slot left behind by a closed database never matches again.
thread_local std::vector<reader_slot> tl_readers;
}  // namespace

database::database(database_options opts) : opts_(std::move(opts)), id_(next_database_id++) {
  connection w(opts_.path, open_mode::read_write, connection_options{opts_.synchronous, opts_.busy_timeout_ms});
  migrate(w);
  load_answer_index(w, answers_);
  const connection_options co{opts_.synchronous, opts_.busy_timeout_ms};
  checkpointer_ = std::make_unique<checkpointer>(opts_.path, co, opts_.checkpoints);
  checkpointer_->watch(w);  // SQLite's automatic checkpoints off
  writer_options wo;
  wo.max_batch = opts_.max_batch;
  wo.on_batch = opts_.on_batch;
  wo.on_sync = opts_.on_sync;
  wo.periodic = opts_.jobs;
  wo.periodic.push_back({opts_.maintenance_every, [this](connection& c) {
                           purge_expired(c, answers_, static_cast<std::int64_t>(std::time(nullptr)));
                         }});
  wo.sync_behind = opts_.sync_behind && (opts_.synchronous == "FULL" || opts_.synchronous == "EXTRA");
  wo.between_batches = [ck = checkpointer_.get()](connection& c) { ck->copy_tail_if_asked(c); };
  writer_ = std::make_unique<storage::writer>(std::move(w), std::move(wo));
  rankings_ = std::make_unique<search_rankings>(writer_->changes(), opts_.ranking_cache_bytes);
}

database::~database() { close_writer(); }

void database::close_writer() {
  writer_->stop();
  checkpointer_->stop();
}

connection& database::reader() {
  for (auto& slot : tl_readers)
    if (slot.db_id == id_) return *slot.conn;
  auto c = std::make_unique<connection>(
      opts_.path, open_mode::read_only,
      connection_options{opts_.synchronous, opts_.busy_timeout_ms, opts_.reader_mmap_bytes});
  auto* raw = c.get();
  {
    std::lock_guard lk(readers_m_);
    readers_.push_back(std::move(c));
  }
  tl_readers.push_back({id_, raw});
  return *raw;
}

void purge_expired(connection& c, answer_index& answers, std::int64_t now) {
  c.run("DELETE FROM sessions WHERE expires_at <= ?", now);
  c.run("DELETE FROM login_failures WHERE at <= ?", now - 24 * 3600);
  purge_expired_answers(c, answers, now);
}

}  // namespace cunji::storage
