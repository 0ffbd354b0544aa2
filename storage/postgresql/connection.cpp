#include "storage/postgresql/connection.hpp"

#include <libpq-fe.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <string>
#include <utility>

#include "storage/postgresql/pg_failure.hpp"

namespace cunji::storage::pg {

namespace asio = boost::asio;
using asio::use_awaitable;
using descriptor = asio::posix::stream_descriptor;

namespace {

std::string trimmed(const char* message) {
  std::string m = message ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

// The error of a statement: its primary message and SQLSTATE only. The DETAIL field is left
// out, as it can quote the row's values (a unique key's value, say): no data goes to logs.
pg_failure statement_error(const PGresult* r) {
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  return pg_failure("PostgreSQL: " + trimmed(primary ? primary : PQresStatus(PQresultStatus(r))), state ? state : "");
}

// Releases the socket from the descriptor without closing it: libpq owns it.
void unwatch(std::optional<descriptor>& socket) {
  if (!socket) return;
  socket->release();
  socket.reset();
}

}  // namespace

std::string bigint_array(const std::vector<std::int64_t>& values) {
  std::string out = "{";
  for (const auto v : values) {
    if (out.size() > 1) out += ',';
    out += std::to_string(v);
  }
  return out + '}';
}

std::string bytea(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 + 2 * bytes.size());
  out += "\\x";
  for (const char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

connection::connection(executor ex, pg_conn* c) noexcept : ex_(std::move(ex)), conn_(c) {}

connection::~connection() {
  unwatch(socket_);
  PQfinish(conn_);
}

void connection::fail(const char* doing) const {
  throw pg_failure(std::string("PostgreSQL ") + doing + ": " + trimmed(PQerrorMessage(conn_)), "");
}

task<std::unique_ptr<connection>> connection::open(executor ex, std::string conninfo,
                                                   std::chrono::milliseconds timeout) {
  using namespace asio::experimental::awaitable_operators;
  PGconn* raw = PQconnectStart(conninfo.c_str());
  if (!raw) throw pg_failure("PostgreSQL: out of memory starting a connection", "");
  std::unique_ptr<connection> c(new connection(ex, raw));
  if (PQstatus(raw) == CONNECTION_BAD) c->fail("connection");
  asio::steady_timer deadline(ex, timeout);
  // libpq's connection loop: wait as PQconnectPoll asks, then call it again. The socket can
  // change between calls (the next host of a list), so it is watched afresh each time.
  PostgresPollingStatusType poll = PGRES_POLLING_WRITING;
  while (poll != PGRES_POLLING_OK) {
    if (poll == PGRES_POLLING_FAILED) c->fail("connection");
    unwatch(c->socket_);
    const int fd = PQsocket(raw);
    if (fd < 0) c->fail("connection");
    c->socket_.emplace(ex, fd);
    const auto which = poll == PGRES_POLLING_READING ? descriptor::wait_read : descriptor::wait_write;
    const auto done = co_await (c->socket_->async_wait(which, use_awaitable) || deadline.async_wait(use_awaitable));
    if (done.index() == 1) throw pg_failure("PostgreSQL connection: no answer within the connect timeout", "");
    poll = PQconnectPoll(raw);
  }
  if (PQsetnonblocking(raw, 1) != 0) c->fail("connection");
  // Notices would go to stderr; they are only looked at for commit() (and never logged: their
  // DETAIL may quote a row).
  PQsetNoticeReceiver(raw, &connection::on_notice, c.get());
  unwatch(c->socket_);
  c->watch_socket();
  co_return c;
}

void connection::on_notice(void* self, const PGresult* notice) {
  const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (severity && std::string_view(severity) == "WARNING") static_cast<connection*>(self)->warned_ = true;
}

task<bool> connection::commit(std::vector<statement> before) {
  if (before.empty() && drop_deferred()) co_return true;  // no transaction was begun
  warned_ = false;
  if (before.empty()) {
    co_await query("COMMIT");
  } else {
    before.push_back({"COMMIT", {}});
    co_await pipeline(std::move(before));
  }
  co_return !warned_;
}

void connection::watch_socket() {
  const int fd = PQsocket(conn_);
  if (fd < 0) fail("connection");
  socket_.emplace(ex_, fd);
}

bool connection::in_transaction() const noexcept {
  const auto t = PQtransactionStatus(conn_);
  return t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

bool connection::connected() const noexcept { return PQstatus(conn_) == CONNECTION_OK; }

bool connection::reusable() const noexcept {
  return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE &&
         PQpipelineStatus(conn_) == PQ_PIPELINE_OFF && !deferred_;
}

task<void> connection::wait(bool for_write) {
  co_await socket_->async_wait(for_write ? descriptor::wait_write : descriptor::wait_read, use_awaitable);
}

// Sends what libpq has buffered. While the server's answers fill the other direction, they
// are read in (PQconsumeInput), so that neither side waits for the other forever.
task<void> connection::flush() {
  for (;;) {
    const int left = PQflush(conn_);
    if (left == 0) co_return;
    if (left < 0) fail("send");
    co_await wait(true);
    if (!PQconsumeInput(conn_)) fail("receive");
  }
}

// The next result of what was sent, waiting for the server's bytes; nullptr ends a statement.
task<pg_result*> connection::next_result() {
  while (PQisBusy(conn_)) {
    co_await wait(false);
    if (!PQconsumeInput(conn_)) fail("receive");
  }
  co_return PQgetResult(conn_);
}

task<std::vector<std::string>> connection::notifications() {
  std::vector<std::string> out;
  for (;;) {
    if (!PQconsumeInput(conn_)) fail("receive");
    while (PGnotify* n = PQnotifies(conn_)) {
      out.emplace_back(n->extra ? n->extra : "");
      PQfreemem(n);
    }
    if (!out.empty()) co_return out;
    co_await wait(false);
  }
}

task<row_set> connection::query(std::string sql) { co_return co_await query(std::move(sql), std::vector<param>{}); }

namespace {

// Statements worth preparing: those PostgreSQL plans (not BEGIN, SAVEPOINT, DDL, LISTEN…).
bool planned(std::string_view sql) {
  for (const std::string_view head : {"SELECT ", "INSERT ", "UPDATE ", "DELETE ", "WITH "})
    if (sql.starts_with(head)) return true;
  return false;
}

}  // namespace

task<const char*> connection::prepared(const std::string& sql) {
  if (const auto it = prepared_.find(sql); it != prepared_.end()) co_return it->second.c_str();
  if (!planned(sql) || prepared_.size() >= max_prepared) co_return nullptr;
  std::string name = "cunji_" + std::to_string(prepared_.size() + 1);
  if (!PQsendPrepare(conn_, name.c_str(), sql.c_str(), 0, nullptr)) fail("send");
  co_await finish();  // throws if the text is refused: then it stays unprepared
  co_return prepared_.emplace(sql, std::move(name)).first->second.c_str();
}

void connection::send(const std::string& sql, const std::vector<param>& values, const char* name) {
  std::vector<const char*> raw(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) raw[i] = values[i] ? values[i]->c_str() : nullptr;
  const int n = static_cast<int>(raw.size());
  const int sent = name ? PQsendQueryPrepared(conn_, name, n, raw.data(), nullptr, nullptr, 0)
                        : PQsendQueryParams(conn_, sql.c_str(), n, nullptr, raw.data(), nullptr, nullptr, 0);
  if (!sent) fail("send");
}

task<row_set> connection::query(std::string sql, std::vector<param> values) {
  if (deferred_) {
    std::vector<statement> one;
    one.push_back({std::move(sql), std::move(values)});
    auto out = co_await pipeline(std::move(one));
    co_return std::move(out.front());
  }
  const char* name = co_await prepared(sql);
  send(sql, values, name);
  co_return co_await finish();
}

task<void> connection::send_deferred() {
  if (!deferred_) co_return;
  std::vector<statement> none;
  co_await pipeline(std::move(none));
}

task<void> connection::script(std::string sql) {
  co_await send_deferred();
  if (!PQsendQuery(conn_, sql.c_str())) fail("send");
  co_await finish();
}

// Sends what was queued and reads every result up to the end of it: the last one, or the
// first error.
task<row_set> connection::finish() {
  co_await flush();
  row_set last;
  std::optional<pg_failure> error;
  for (;;) {
    PGresult* r = co_await next_result();
    if (!r) break;
    row_set owned(r);
    if (PQresultStatus(r) == PGRES_FATAL_ERROR) {
      if (!error) error = statement_error(r);
    } else {
      last = std::move(owned);
    }
  }
  if (PQstatus(conn_) != CONNECTION_OK) fail("connection");
  if (error) throw *error;
  co_return last;
}

task<void> connection::copy_begin(std::string sql) {
  co_await send_deferred();
  if (!PQsendQuery(conn_, sql.c_str())) fail("send");
  co_await flush();
  PGresult* first = co_await next_result();
  const row_set owned(first);
  if (first && PQresultStatus(first) == PGRES_COPY_IN) co_return;
  // Refused at once (no such table or column): its error, after the rest of its results.
  if (!first) fail("copy");
  const auto error = statement_error(first);
  while (PGresult* r = co_await next_result()) PQclear(r);
  throw error;
}

task<void> connection::copy_put(std::string_view rows) {
  for (;;) {
    const int sent = PQputCopyData(conn_, rows.data(), static_cast<int>(rows.size()));
    if (sent < 0) fail("send");
    if (sent > 0) break;
    co_await wait(true);  // libpq's buffer is full: wait until the socket takes more
  }
  co_await flush();
}

task<void> connection::copy_end() {
  for (;;) {
    const int sent = PQputCopyEnd(conn_, nullptr);
    if (sent < 0) fail("send");
    if (sent > 0) break;
    co_await wait(true);
  }
  co_await finish();
}

task<std::vector<row_set>> connection::pipeline(std::vector<statement> statements) {
  // defer()'s statement first, its (empty) result left out.
  const bool with_deferred = deferred_.has_value();
  if (with_deferred) {
    statements.insert(statements.begin(), statement{std::move(*deferred_), {}});
    deferred_.reset();
  }
  // Those not prepared yet are prepared first (once per connection), one at a time.
  std::vector<const char*> names;
  for (const auto& s : statements) names.push_back(co_await prepared(s.sql));
  if (!PQenterPipelineMode(conn_)) fail("pipeline");
  for (std::size_t i = 0; i < statements.size(); ++i) send(statements[i].sql, statements[i].values, names[i]);
  if (!PQpipelineSync(conn_)) fail("send");
  co_await flush();
  // Each statement's results end with nullptr; after an error the rest come back as
  // PGRES_PIPELINE_ABORTED. Then the Sync's own result.
  std::vector<row_set> out(statements.size());
  std::optional<pg_failure> error;
  for (auto& slot : out) {
    for (;;) {
      PGresult* r = co_await next_result();
      if (!r) break;
      row_set owned(r);
      const auto status = PQresultStatus(r);
      if (status == PGRES_FATAL_ERROR) {
        if (!error) error = statement_error(r);
      } else if (status != PGRES_PIPELINE_ABORTED) {
        slot = std::move(owned);
      }
    }
  }
  PGresult* sync = co_await next_result();
  const bool synced = sync && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
  PQclear(sync);
  if (!synced) fail("pipeline");
  if (!PQexitPipelineMode(conn_)) fail("pipeline");
  if (error) throw *error;
  if (with_deferred) out.erase(out.begin());
  co_return out;
}

}  // namespace cunji::storage::pg
