#pragma once
// A SQLite VFS shim for tests: it passes everything to the default VFS and can
//   - simulate power loss: it remembers, per file, what was last made durable by an fsync;
//     `crash_after(n)` turns the machine "off" at the n-th write or sync from now (that one and
//     everything after fails), and `power_cycle()` puts every file back to its durable state
//     before the database is opened again (SQLite's own crash tests work the same way);
//   - inject I/O faults: the n-th write or sync from now fails, once or from then on;
//   - simulate a full disk: writes that would grow the files beyond a byte budget fail with
//     SQLITE_FULL, as the default VFS reports ENOSPC.
// Open a database through it with `uri(path)` (connections are opened with SQLITE_OPEN_URI).
// Only main databases, WALs and rollback journals are watched; temporary files pass through.
#include <cstdint>
#include <functional>
#include <string>

namespace cunji::test {

enum class io_op { write, sync, any };

class fault_vfs {
 public:
  static constexpr const char* name = "cunji_fault";

  // The shim, registered with SQLite on first use (not as the default VFS).
  static fault_vfs& get();

  static std::string uri(const std::string& path) { return "file:" + path + "?vfs=" + name; }

  // Starts remembering durable contents (call before opening the database). Files opened
  // before this call are not watched until reopened.
  void track_durability(bool on);

  // The machine stops at the n-th watched write or sync from now (n >= 1).
  void crash_after(std::int64_t n);
  // The machine stops now.
  void crash_now();
  bool crashed() const;
  // Every watched file goes back to what its last sync made durable (files never synced
  // become empty); -shm files are removed; the crash is over. No connection may be open.
  void power_cycle();

  // The n-th watched operation of `kind` from now fails with `code` (an SQLite result code such
  // as SQLITE_IOERR_WRITE); with `permanent`, so does every later one until `clear()`.
  void fail_nth(io_op kind, std::int64_t n, bool permanent, int code);
  // Writes that would grow the watched files by more than `bytes` in total fail with
  // SQLITE_FULL, until `clear()`.
  void limit_growth(std::int64_t bytes);
  // Ends injected faults and the growth limit (not a crash).
  void clear();
  // Calls `hook` at the start of every watched sync, on the syncing thread (a test holds a sync
  // there); an empty function removes it.
  void before_sync(std::function<void()> hook);

  // How many watched operations of `kind` ran (or were refused) so far.
  std::int64_t count(io_op kind) const;
  // How many operations the current fault plan failed.
  std::int64_t failures() const;

  fault_vfs(const fault_vfs&) = delete;
  fault_vfs& operator=(const fault_vfs&) = delete;

 private:
  fault_vfs() = default;
};

}  // namespace cunji::test
