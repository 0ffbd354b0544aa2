#include "storage/sqlite/backup.hpp"

#include <sqlite3.h>

#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

void backup(const std::string& from, const std::string& to) {
  connection src(from, open_mode::read_only);
  // The destination is written whole by the backup; WAL is set on it afterwards.
  sqlite3* dst_raw = nullptr;
  int rc = sqlite3_open_v2(to.c_str(), &dst_raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::unique_ptr<sqlite3, db_deleter> dst(dst_raw);
  if (rc != SQLITE_OK) throw_sqlite(dst_raw, rc, "open " + to);
  sqlite3_backup* b = sqlite3_backup_init(dst.get(), "main", src.handle(), "main");
  if (!b) throw_sqlite(dst.get(), sqlite3_errcode(dst.get()), "backup init");
  do {
    // All pages in one step: one read transaction, which under WAL never blocks the writer,
    // whereas small steps restart whenever another connection commits.
    rc = sqlite3_backup_step(b, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(5);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  const int finish = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) throw_sqlite(dst.get(), rc, "backup step");
  if (finish != SQLITE_OK) throw_sqlite(dst.get(), finish, "backup finish");
}

}  // namespace cunji::storage
