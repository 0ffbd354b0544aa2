#include "storage/sqlite/transaction.hpp"

#include <sqlite3.h>

namespace cunji::storage {

transaction::transaction(connection& c, mode m) : c_(c) { c_.run(m == mode::immediate ? "BEGIN IMMEDIATE" : "BEGIN"); }

transaction::~transaction() {
  if (!open_) return;
  try {
    c_.run("ROLLBACK");
  } catch (...) {  // a failed ROLLBACK leaves nothing to undo: SQLite rolled back already
  }
}

void transaction::commit() {
  c_.run("COMMIT");
  open_ = false;
}

void transaction::rollback() {
  open_ = false;
  c_.run("ROLLBACK");
}

savepoint::savepoint(connection& c) : c_(c) { c_.run("SAVEPOINT sp"); }

savepoint::~savepoint() {
  if (!open_) return;
  try {
    rollback();
  } catch (...) {  // the enclosing transaction is rolled back by whoever sees the exception
  }
}

void savepoint::release() {
  c_.run("RELEASE sp");
  open_ = false;
}

void savepoint::rollback() {
  open_ = false;
  c_.run("ROLLBACK TO sp");
  c_.run("RELEASE sp");
}

read_transaction::read_transaction(connection& c) : c_(c), began_(sqlite3_get_autocommit(c.handle()) != 0) {
  if (began_) c_.run("BEGIN");
}

read_transaction::~read_transaction() {
  if (!began_) return;
  try {
    c_.run("COMMIT");
  } catch (...) {  // a read changed nothing; the connection is back in autocommit either way
  }
}

}  // namespace cunji::storage
