#include "storage/postgresql/pg_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <ctime>

#include "storage/postgresql/idempotency.hpp"
#include "storage/postgresql/migrations.hpp"
#include "storage/postgresql/sql/stores.hpp"

namespace cunji::storage::pg {

namespace {
task<int> connect_and_migrate(std::string conninfo, std::chrono::milliseconds timeout) {
  auto c = co_await connection::open(co_await boost::asio::this_coro::executor, std::move(conninfo), timeout);
  co_return co_await migrate(*c);
}

// Runs the order timers each time `wait` expires, `every` apart, until `stopping`. A run that
// ends with a full batch (`more`) is followed by another at once. A failure (the database away,
// a run cut short by conflicts five times) is counted, and the timers run again next period.
task<void> run_timers_every(payment_store& payments, std::function<unix_seconds()> clock,
                            std::chrono::milliseconds every, boost::asio::steady_timer& wait,
                            const std::atomic<bool>& stopping, std::atomic<std::uint64_t>& runs,
                            std::atomic<std::uint64_t>& failures) {
  while (!stopping) {
    wait.expires_after(every);
    boost::system::error_code ec;
    co_await wait.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (ec || stopping) co_return;
    try {
      for (bool more = true; more && !stopping;) {
        const auto report = co_await payments.run_timers(clock());
        more = report.more;
        ++runs;
      }
    } catch (const std::exception&) {
      ++failures;
    }
  }
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
      rankings_(o.ranking_cache_bytes),
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
  catalog_ = make_catalog_store(engine_, o.ranking_cache_bytes > 0 ? &rankings_ : nullptr);
  orders_ = make_order_store(engine_);
  payments_ = make_payment_store(engine_);
  purchases_ = make_purchase_store(engine_);
  returns_ = make_return_store(engine_);
  money_ = make_money_store(engine_);
  reports_ = make_report_store(engine_);
  if (o.timers_every.count() > 0) {
    if (!o.clock) o.clock = [] { return static_cast<unix_seconds>(std::time(nullptr)); };
    timers_wait_ = std::make_unique<boost::asio::steady_timer>(io_);
    timers_done_ = boost::asio::co_spawn(io_,
                                         run_timers_every(*payments_, std::move(o.clock), o.timers_every, *timers_wait_,
                                                          stopping_, timer_runs_, timer_failures_),
                                         boost::asio::use_future);
  }
}

void pg_store::close() {
  // A run of the timers under way ends first (one transaction); the next one never starts.
  stopping_ = true;
  if (!timers_done_.valid()) return;
  boost::asio::post(io_, [this] { timers_wait_->cancel(); });
  timers_done_.wait();
  timers_done_ = {};
}

pg_store::~pg_store() {
  close();
  keep_running_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

task<std::optional<answer>> pg_store::stored_answer(idempotency_key key) {
  co_return co_await committed_answer(pool_, std::move(key));
}

void pg_store::render_metrics(std::string& out) const {
  const auto n = [](auto v) { return std::to_string(v); };
  append_cache_metrics(out, "cunji_search_rankings", rankings_.counts());
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
  out +=
      "# HELP cunji_order_timer_runs_total Runs of the order timers by this server (a run that found another "
      "server's under way did nothing), and runs that failed (tried again next period).\n"
      "# TYPE cunji_order_timer_runs_total counter\n"
      "cunji_order_timer_runs_total{outcome=\"done\"} " +
      n(timer_runs_.load()) +
      "\n"
      "cunji_order_timer_runs_total{outcome=\"failed\"} " +
      n(timer_failures_.load()) + "\n";
}

}  // namespace cunji::storage::pg
