#pragma once
// Transaction guards (SQLiteCpp's Transaction and Savepoint are the model): the constructor
// begins, commit() or release() is explicit, and a guard that is neither committed nor rolled
// back rolls back when it is destroyed (an exception left the scope). The destructor never
// throws; code that must know that a rollback worked calls rollback(), which throws on failure.
#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

// BEGIN ... COMMIT. `immediate` takes the write lock at BEGIN (writers: no SQLITE_BUSY later).
class transaction {
 public:
  enum class mode { deferred, immediate };
  explicit transaction(connection& c, mode m = mode::deferred);
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  ~transaction();

  void commit();
  void rollback();

 private:
  connection& c_;
  bool open_ = true;
};

// SAVEPOINT name ... RELEASE name, inside a transaction: rolling back undoes only what ran
// since the savepoint (ROLLBACK TO, then RELEASE), and the transaction goes on.
class savepoint {
 public:
  explicit savepoint(connection& c);
  savepoint(const savepoint&) = delete;
  savepoint& operator=(const savepoint&) = delete;
  ~savepoint();

  void release();
  void rollback();

 private:
  connection& c_;
  bool open_ = true;
};

// A consistent snapshot for a read of several statements: BEGIN ... COMMIT, or nothing when a
// transaction is already open on the connection (a read inside a write command sees that
// transaction's own changes).
class read_transaction {
 public:
  explicit read_transaction(connection& c);
  read_transaction(const read_transaction&) = delete;
  read_transaction& operator=(const read_transaction&) = delete;
  ~read_transaction();

 private:
  connection& c_;
  bool began_;
};

}  // namespace cunji::storage
