#pragma once
// The single writer. One thread owns the only read-write connection. Callers submit commands;
// the writer drains its queue into one transaction, runs each command inside its own SAVEPOINT
// (a command that fails rolls back alone), commits once per batch (group commit: one fsync
// serves the whole batch), and only then completes every command on its caller's executor.
// Between the two it bumps the change counters (storage/cache/change_counters.hpp) of whatever the
// batch's statements touched, so readers' caches never outlive an acknowledged write. With sync
// behind, while more commands wait (or an earlier batch still waits for its sync), the fsync and
// the answers are the syncer thread's, and the writer runs the next batch meanwhile
// (docs/adr/0010-sync-behind.md).
#include <atomic>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include "core/error.hpp"
#include "storage/cache/change_counters.hpp"
#include "storage/sqlite/connection.hpp"

struct sqlite3_file;

namespace cunji::storage {

namespace detail {
struct command {
  virtual ~command() = default;
  // Runs inside the command's savepoint. Returns false when the command's result is an error,
  // and its changes must be rolled back. May throw (then also rolled back).
  virtual bool run(connection& c) = 0;
  virtual void fail(std::exception_ptr e) noexcept = 0;
  virtual void complete() noexcept = 0;
};
}  // namespace detail

struct writer_stats {
  std::size_t batch_size;
  std::chrono::microseconds commit_time;  // BEGIN to COMMIT done (its fsync if the COMMIT synced by itself)
  bool committed;
};

// One sync of the syncer thread (sync behind), which makes every batch committed since the last
// one durable.
struct sync_stats {
  std::size_t batches;  // the batches it made durable (or failed to)
  std::chrono::microseconds sync_time;
  bool ok;
};

struct writer_options {
  std::size_t max_batch = 1024;
  // Called on the writer thread after every batch (metrics). Must not block.
  std::function<void(const writer_stats&)> on_batch;
  // Called on the syncer thread after every sync it makes, before it answers (metrics). Must
  // not block. A COMMIT that syncs by itself is not reported here: on_batch's time includes it.
  std::function<void(const sync_stats&)> on_sync;
  // Jobs run on the writer thread between batches, each about once per its period and in a
  // transaction of its own (purging expired rows, the order timers). A job that throws is rolled
  // back and runs again next period.
  struct periodic_job {
    std::chrono::milliseconds every;
    std::function<void(connection&)> run;
  };
  std::vector<periodic_job> periodic;
  // Called on the writer thread after every batch has been answered, outside any transaction
  // (the checkpointer's tail copy). Errors are swallowed.
  std::function<void(connection&)> between_batches;
  // Sync behind: while more commands wait, or while an earlier batch waits for the syncer, the
  // batch's COMMIT writes its WAL frames without waiting for the disk, and a second thread (the
  // syncer) syncs the WAL and only then answers the batch's commands, while the writer runs the
  // next batch. For a connection whose WAL the write buffer shim holds (synchronous FULL or
  // EXTRA); elsewhere COMMIT syncs by itself and this changes nothing.
  bool sync_behind = false;
};

class writer {
 public:
  writer(connection conn, writer_options opts);
  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;
  ~writer();

  // Submits `fn`, a callable `cunji::result<T>(connection&)`, and completes `token` with
  // `(std::exception_ptr, cunji::result<T>)` once the batch holding it has committed (or
  // failed). A returned error rolls back the command's changes; an exception (SQLite I/O,
  // full disk) also fails it, and a failed COMMIT fails every command of the batch.
  template <class Fn, class Token>
  auto async_submit(Fn fn, Token&& token) {
    using R = std::invoke_result_t<Fn&, connection&>;
    return boost::asio::async_initiate<Token, void(std::exception_ptr, R)>(
        [this](auto handler, Fn f) {
          using H = decltype(handler);
          enqueue(std::make_unique<op<Fn, H, R>>(std::move(f), std::move(handler)));
        },
        token, std::move(fn));
  }

  // Runs `fn` the same way and blocks the calling thread for its result (CLI, tests).
  template <class Fn>
  auto submit_sync(Fn fn) -> std::invoke_result_t<Fn&, connection&>;

  // Stops taking commands, finishes every queued command, and joins the thread.
  void stop();

  std::size_t batches() const noexcept;

  // Bumped after every committed batch (or maintenance run) that wrote to the tables they
  // stand for, before its commands are answered.
  const change_counters& changes() const noexcept { return changes_; }

  // True when every batch committed so far is on disk. With sync behind, a batch's writes are
  // visible to readers from its COMMIT, a little before the syncer has made them durable; a
  // reader that is about to acknowledge a write it found (a replayed answer) asks this after
  // its read, and leaves the answer to the writer when it is false.
  bool all_durable() const noexcept {
    return durable_.load(std::memory_order_seq_cst) == committing_.load(std::memory_order_seq_cst);
  }

 private:
  template <class Fn, class Handler, class R>
  struct op final : detail::command {
    op(Fn f, Handler h)
        : work(boost::asio::prefer(boost::asio::get_associated_executor(h),
                                   boost::asio::execution::outstanding_work.tracked)),
          fn(std::move(f)),
          handler(std::move(h)) {}
    bool run(connection& c) override {
      out.emplace(fn(c));
      return out->ok();
    }
    void fail(std::exception_ptr e) noexcept override {
      err = e;
      out.reset();
    }
    // The answer goes out without the work guard: the guard stays in the op, declared first so
    // that it is destroyed last, after every other copy of the caller's executor this thread
    // holds (a moved-from bound handler still holds one). Until then the caller's io_context
    // cannot run out of work, so it cannot be destroyed under the writer thread's feet.
    void complete() noexcept override {
      // The error moves with the answer, so the thread that answers is the only owner of the
      // exception object (the reference counts of exception_ptr are invisible to TSan).
      boost::asio::post(work, [h = std::move(handler), e = std::move(err), o = std::move(out)]() mutable {
        if (e || !o) {
          std::move(h)(e ? e : std::make_exception_ptr(std::runtime_error("writer stopped")),
                       R(cunji::error{cunji::errc::conflict, "failed"}));
        } else {
          std::move(h)(nullptr, std::move(*o));
        }
      });
    }
    std::decay_t<decltype(boost::asio::prefer(std::declval<boost::asio::associated_executor_t<Handler>>(),
                                              boost::asio::execution::outstanding_work.tracked))>
        work;
    Fn fn;
    Handler handler;
    std::optional<R> out;
    std::exception_ptr err;
  };

  using command_list = std::deque<std::unique_ptr<detail::command>>;
  // A committed batch waiting for the syncer.
  struct unsynced {
    std::uint64_t seq;
    bool owed;  // its COMMIT put off a sync
    sqlite3_file* wal;
    command_list commands;
  };

  void enqueue(std::unique_ptr<detail::command> cmd);
  bool commands_waiting() const;
  void loop();
  void sync_loop();
  static void answer_all(command_list& commands) noexcept;
  void run_batch(std::deque<std::unique_ptr<detail::command>>& batch);
  // SQLite's update hook: notes which counters the current transaction's row changes concern.
  static void on_row_change(void* self, int op, const char* db, const char* table, std::int64_t rowid);
  void publish_changes();

  connection conn_;
  change_counters changes_;
  bool catalog_touched_ = false;      // writer thread only
  bool search_text_touched_ = false;  // writer thread only
  writer_options opts_;
  mutable std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<detail::command>> queue_;
  bool stopping_ = false;
  std::size_t batches_ = 0;
  std::atomic<std::uint64_t> committing_{0};  // the batches that began their COMMIT
  std::atomic<std::uint64_t> durable_{0};     // the first this many batches are on disk
  std::mutex sm_;
  std::condition_variable scv_;
  std::deque<unsynced> unsynced_;
  bool sync_stopping_ = false;
  std::thread syncer_;
  std::thread thread_;
};

}  // namespace cunji::storage

#include "storage/sqlite/writer_sync.hpp"
