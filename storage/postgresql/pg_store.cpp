#include "storage/postgresql/pg_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include "storage/postgresql/idempotency.hpp"
#include "storage/postgresql/migrations.hpp"
#include "storage/postgresql/sql/stores.hpp"

namespace cunji::storage::pg {

namespace {
task<int> connect_and_migrate(std::string conninfo, std::chrono::milliseconds timeout) {
  auto c = co_await connection::open(co_await boost::asio::this_coro::executor, std::move(conninfo), timeout);
  co_return co_await migrate(*c);
}

task<std::optional<answer>> committed_answer(pool& p, idempotency_key key) {
  auto c = co_await p.acquire();
  auto a = co_await find_answer(*c, key);
  if (!a || a->digest != key.digest) co_return std::nullopt;
  co_return answer{a->status, std::move(a->body), true};
}
}  // namespace

pg_store::pg_store(pg_store_options o)
    : keep_running_(io_.get_executor()),
      thread_([this] { io_.run(); }),
      feed_(io_.get_executor(), o.conninfo, changes_, o.connect_timeout),
      pool_(io_.get_executor(), o.conninfo, o.connections, o.connect_timeout),
      engine_(pool_, &changes_, &feed_) {
  try {
    boost::asio::co_spawn(io_, connect_and_migrate(o.conninfo, o.connect_timeout), boost::asio::use_future).get();
  } catch (...) {
    keep_running_.reset();
    io_.stop();
    thread_.join();
    throw;
  }
  feed_.start();
  accounts_ = make_account_store(engine_);
  regions_ = make_region_store(engine_);
  catalog_ = make_catalog_store(engine_);
  orders_ = make_order_store(engine_);
  payments_ = make_payment_store(engine_);
  purchases_ = make_purchase_store(engine_);
  returns_ = make_return_store(engine_);
  money_ = make_money_store(engine_);
  reports_ = make_report_store(engine_);
}

pg_store::~pg_store() {
  keep_running_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

task<std::optional<answer>> pg_store::stored_answer(idempotency_key key) {
  co_return co_await committed_answer(pool_, std::move(key));
}

void pg_store::render_metrics(std::string& out) const {
  const auto n = [](auto v) { return std::to_string(v); };
  out +=
      "# HELP cunji_postgresql_connections Size of the pool of PostgreSQL connections.\n"
      "# TYPE cunji_postgresql_connections gauge\n"
      "cunji_postgresql_connections " +
      n(pool_.size()) + "\n";
  out +=
      "# HELP cunji_change_notifications_total Notifications of committed writes, sent to other servers "
      "and heard from them.\n"
      "# TYPE cunji_change_notifications_total counter\n"
      "cunji_change_notifications_total{way=\"sent\"} " +
      n(feed_.sent()) +
      "\n"
      "cunji_change_notifications_total{way=\"heard\"} " +
      n(feed_.heard()) + "\n";
  out +=
      "# HELP cunji_read_caches_blind 1 while this server cannot hear of other servers' writes (no cached "
      "read is served).\n"
      "# TYPE cunji_read_caches_blind gauge\n"
      "cunji_read_caches_blind " +
      n(changes_.blind() ? 1 : 0) + "\n";
}

}  // namespace cunji::storage::pg
