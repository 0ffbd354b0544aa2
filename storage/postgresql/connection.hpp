#pragma once
// One PostgreSQL connection driven by libpq's asynchronous API under Asio: the socket libpq
// opens is watched by a posix::stream_descriptor that never owns it (libpq closes it), so an
// I/O thread waits for the database instead of blocking. A connection serves one coroutine at
// a time (storage/postgresql/pool.hpp hands them out).
#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/common.hpp"
#include "storage/postgresql/row_set.hpp"

struct pg_conn;  // libpq's PGconn

namespace cunji::storage::pg {

// A statement's parameter in text format; nullopt is SQL NULL.
using param = std::optional<std::string>;

inline param to_param(std::int64_t v) { return std::to_string(v); }
inline param to_param(int v) { return std::to_string(v); }
inline param to_param(std::string_view v) { return std::string(v); }
inline param to_param(const char* v) { return std::string(v); }
inline param to_param(const std::string& v) { return v; }
inline param to_param(std::nullopt_t) { return std::nullopt; }
template <class T>
param to_param(const std::optional<T>& v) {
  return v ? to_param(*v) : std::nullopt;
}

// Bytes as a bytea parameter (PostgreSQL's hex text form, \x…).
std::string bytea(std::string_view bytes);
template <std::size_t N>
std::string bytea(const std::array<unsigned char, N>& bytes) {
  return bytea(std::string_view(reinterpret_cast<const char*>(bytes.data()), N));
}

// Integers as a bigint[] parameter (an array literal, "{1,2,3}"): `$n::bigint[]`.
std::string bigint_array(const std::vector<std::int64_t>& values);

// The parameters $1, $2… of a statement.
template <class... A>
std::vector<param> params(const A&... a) {
  return {to_param(a)...};
}

struct statement {
  std::string sql;
  std::vector<param> values;
};

class connection {
 public:
  using executor = boost::asio::any_io_executor;

  // Connects with a libpq connection string or URI (several hosts allowed), giving up after
  // `timeout`. Throws pg_failure if no host accepts; the message never repeats the password.
  static task<std::unique_ptr<connection>> open(executor ex, std::string conninfo, std::chrono::milliseconds timeout);

  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  // Runs one statement and returns its rows. Throws pg_failure on an error of the statement
  // (with its SQLSTATE) or of the connection. A SELECT, INSERT, UPDATE, DELETE or WITH is
  // prepared on this connection the first time it is run (one more round trip, once) and only
  // bound and executed afterwards: PostgreSQL parses and plans an unnamed statement every time,
  // which was a third of its CPU under the order benchmark. At most max_prepared per connection;
  // statements beyond (rare texts built from many filters) run unnamed.
  task<row_set> query(std::string sql, std::vector<param> values);
  task<row_set> query(std::string sql);

  // Sends `sql` (a BEGIN) with the next query or pipeline, in the same round trip, instead of
  // on its own. drop_deferred() forgets it if nothing was sent since (and says so): a
  // transaction that ran no statement has nothing to end.
  void defer(std::string sql) { deferred_ = std::move(sql); }
  bool drop_deferred() noexcept {
    const bool pending = deferred_.has_value();
    deferred_.reset();
    return pending;
  }

  // Runs `before` (if any) and COMMIT, in one round trip. Returns false if the server warned
  // while committing: with synchronous replication, a commit whose wait for the standby was
  // cancelled (an administrator's pg_cancel_backend, say) has committed here but may be on no
  // standby, and PostgreSQL says so only in a WARNING. Its outcome is unknown to the client.
  task<bool> commit(std::vector<statement> before = {});

  // Runs SQL text of several statements separated by ';', without parameters (a migration).
  // Without BEGIN in it, the text is one transaction.
  task<void> script(std::string sql);

  // Sends every statement and a Sync at once and reads all their results: one round trip.
  // Outside a transaction, the pipeline is one (PostgreSQL's implicit transaction up to the
  // Sync): all of it commits, or on the first error none of it does and pg_failure is thrown
  // with that error. Inside one, its statements join it. Results are in statement order.
  task<std::vector<row_set>> pipeline(std::vector<statement> statements);

  // COPY … FROM STDIN: copy_begin sends the statement, copy_put the rows in COPY's text format
  // (any split into chunks), copy_end ends the data and returns once the server has taken or
  // refused all of it (throwing pg_failure then, as query does).
  task<void> copy_begin(std::string sql);
  task<void> copy_put(std::string_view rows);
  task<void> copy_end();

  // Waits until at least one notification (of a LISTEN this connection made) has arrived, and
  // returns the payloads of those that have, in order. Throws pg_failure if the connection is lost.
  task<std::vector<std::string>> notifications();

  // Whether a transaction is open (or failed and not yet ended).
  bool in_transaction() const noexcept;
  // Whether the connection to the server is up (inside a transaction or not).
  bool connected() const noexcept;
  // Whether the connection can take another statement: connected, outside any transaction, and
  // no deferred statement pending.
  bool reusable() const noexcept;

 private:
  connection(executor ex, pg_conn* c) noexcept;
  void watch_socket();
  task<void> wait(bool for_write);
  task<void> flush();
  task<pg_result*> next_result();
  task<row_set> finish();
  task<void> send_deferred();  // defer()'s statement on its own, if it is still pending
  [[noreturn]] void fail(const char* doing) const;
  // The name `sql` is prepared under, preparing it first if it should be; nullptr: run unnamed.
  task<const char*> prepared(const std::string& sql);
  void send(const std::string& sql, const std::vector<param>& values, const char* name);
  static void on_notice(void* self, const pg_result* notice);

  executor ex_;
  pg_conn* conn_ = nullptr;
  std::optional<boost::asio::posix::stream_descriptor> socket_;
  bool warned_ = false;                                    // a WARNING arrived since commit() began
  std::optional<std::string> deferred_;                    // defer()'s statement, not sent yet
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name

 public:
  static constexpr std::size_t max_prepared = 512;
  std::size_t prepared_count() const noexcept { return prepared_.size(); }
};

}  // namespace cunji::storage::pg
