#include "storage/writer.hpp"

#include <stdexcept>

namespace cunji::storage {

writer::writer(connection conn, writer_options opts) : conn_(std::move(conn)), opts_(std::move(opts)) {
  thread_ = std::thread([this] { loop(); });
}

writer::~writer() { stop(); }

void writer::enqueue(std::unique_ptr<detail::command> cmd) {
  {
    std::lock_guard lk(m_);
    if (!stopping_) {
      queue_.push_back(std::move(cmd));
      cv_.notify_one();
      return;
    }
  }
  cmd->fail(std::make_exception_ptr(std::runtime_error("writer stopped")));
  cmd->complete();
}

void writer::stop() {
  {
    std::lock_guard lk(m_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::size_t writer::batches() const noexcept {
  std::lock_guard lk(m_);
  return batches_;
}

void writer::loop() {
  auto last_maintenance = std::chrono::steady_clock::now();
  std::deque<std::unique_ptr<detail::command>> batch;
  for (;;) {
    {
      std::unique_lock lk(m_);
      cv_.wait_for(lk, opts_.maintenance_every, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      while (!queue_.empty() && batch.size() < opts_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    if (!batch.empty()) run_batch(batch);
    const auto now = std::chrono::steady_clock::now();
    if (opts_.maintenance && now - last_maintenance >= opts_.maintenance_every) {
      last_maintenance = now;
      try {
        conn_.exec("BEGIN IMMEDIATE");
        opts_.maintenance(conn_);
        conn_.exec("COMMIT");
      } catch (...) {
        try {
          conn_.exec("ROLLBACK");
        } catch (...) {
        }
      }
    }
  }
}

void writer::run_batch(std::deque<std::unique_ptr<detail::command>>& batch) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<bool> ok(batch.size(), false);
  bool committed = false;
  try {
    conn_.exec("BEGIN IMMEDIATE");
    for (std::size_t i = 0; i < batch.size(); ++i) {
      auto& cmd = *batch[i];
      conn_.exec("SAVEPOINT cmd");
      bool good = false;
      try {
        good = cmd.run(conn_);
      } catch (...) {
        cmd.fail(std::current_exception());
      }
      if (good) {
        conn_.exec("RELEASE cmd");
        ok[i] = true;
      } else {
        conn_.exec("ROLLBACK TO cmd");
        conn_.exec("RELEASE cmd");
      }
    }
    conn_.exec("COMMIT");
    committed = true;
  } catch (...) {
    // BEGIN, a savepoint or COMMIT failed: nothing of this batch is durable, so every command
    // that had succeeded is failed too.
    const auto e = std::current_exception();
    try {
      conn_.exec("ROLLBACK");
    } catch (...) {
    }
    for (std::size_t i = 0; i < batch.size(); ++i)
      if (ok[i]) batch[i]->fail(e);
    for (std::size_t i = 0; i < batch.size(); ++i)
      if (!ok[i]) batch[i]->fail(e);  // also those never run
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  // Count the batch before answering anyone, so whoever sees an answer also sees the count.
  {
    std::lock_guard lk(m_);
    ++batches_;
  }
  if (opts_.on_batch) opts_.on_batch(writer_stats{batch.size(), elapsed, committed});
  for (auto& cmd : batch) cmd->complete();
  batch.clear();
}

}  // namespace cunji::storage
