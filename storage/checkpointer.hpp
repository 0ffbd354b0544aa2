#pragma once
// Moves committed pages from the WAL into the database file on a thread of its own.
//
// Left to itself, SQLite checkpoints inside the COMMIT that pushes the WAL past 1,000 pages:
// the writer then copies the pages and, with synchronous=FULL, fsyncs the database file
// before it can answer that batch or start the next, and every order waiting behind it waits
// too. Instead the writer's connection reports each commit's WAL size (sqlite3_wal_hook,
// which also turns the automatic checkpoint off), and past `wal_pages` this thread runs a
// PASSIVE checkpoint on its own connection while the writer goes on appending. A PASSIVE
// checkpoint never waits for readers or the writer; once it has copied every frame, the
// writer's next transaction starts the WAL over from the beginning, so the file stays small.
// Durability is unchanged: a commit is durable once its WAL frames are synced, as before.
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "storage/sqlite.hpp"

namespace cunji::storage {

class checkpointer {
 public:
  // `writer` is the connection whose commits are watched; `conn` is this thread's own
  // read-write connection to the same database.
  checkpointer(connection& writer, connection conn, int wal_pages);
  checkpointer(const checkpointer&) = delete;
  checkpointer& operator=(const checkpointer&) = delete;
  ~checkpointer();

  // Runs the last checkpoint and joins the thread. The writer must have stopped committing.
  void stop();

  std::uint64_t checkpoints() const;

 private:
  static int on_commit(void* self, sqlite3* db, const char* name, int wal_pages);
  void loop();

  connection conn_;
  sqlite3* writer_db_;
  int wal_pages_;
  mutable std::mutex m_;
  std::condition_variable cv_;
  bool wanted_ = false;
  bool stopping_ = false;
  std::uint64_t checkpoints_ = 0;
  std::thread thread_;
};

}  // namespace cunji::storage
