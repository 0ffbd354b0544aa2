#pragma once
// A SQLite VFS shim that gathers a connection's writes to its WAL file and hands them to the
// file system in one call. SQLite writes every WAL frame with two calls (a 24-byte header, then
// the page), so a commit of 120 pages costs 240 small writes, and the file system prepares and
// dirties the page each frame straddles three times. Here consecutive writes collect in a
// buffer (up to 124 KiB) that goes out in one write:
//   - before every sync of the WAL file, so everything a sync makes durable is written first;
//   - before a read, size query, truncation or file control of that file, and at close;
//   - when a write does not continue the buffered run or the buffer is full.
// Only WAL files are buffered; the database file and everything else pass straight through.
//
// Other connections read a frame only once a commit has made it visible, and that comes only
// after the sync. So the shim is for connections that sync the WAL at every commit:
// synchronous=FULL or EXTRA. (With NORMAL a commit is not synced, and other connections would
// read frames still sitting in the buffer.) `storage::connection` uses it only then. A sync put
// off by wal_sync_deferral still writes the buffer out, so readers find the frames the same way.
#include <cstddef>
#include <cstdint>
#include <string>

struct sqlite3_file;

namespace cunji::storage {

// Just under 128 KiB: the default (unix) VFS writes at most 128 KiB - 1 bytes in one call and
// reports a longer write as a full disk. 30 frames of 4 KiB pages.
inline constexpr std::size_t wal_write_buffer_capacity = 124 << 10;

// The name of the shim over the VFS `parent` (empty: the default VFS), registered with SQLite
// on first use. Never the default VFS itself.
std::string wal_write_buffer_vfs(const std::string& parent = {});

// How many writes the shim handed to the VFS below it, how many WAL writes it was given, and
// how many syncs it put off (wal_sync_deferral), since the process started (for tests).
struct wal_write_buffer_counts {
  std::int64_t writes_in = 0;
  std::int64_t writes_out = 0;
  std::int64_t syncs_deferred = 0;
};
wal_write_buffer_counts wal_write_buffer_stats();

// While one lives, syncs of a buffered WAL file on this thread only write the buffer out and
// are counted (wal_syncs_deferred) instead of reaching the disk: the writer holds one around its
// COMMIT and has the syncer make the frames durable (sync_deferred_wal) before answering.
class wal_sync_deferral {
 public:
  explicit wal_sync_deferral(bool on) noexcept;
  ~wal_sync_deferral();
  wal_sync_deferral(const wal_sync_deferral&) = delete;
  wal_sync_deferral& operator=(const wal_sync_deferral&) = delete;

 private:
  bool was_;
};
std::uint64_t wal_syncs_deferred() noexcept;
// Syncs the file below the shim's WAL file `wal` (from any thread; it writes nothing itself,
// so it may run while the writer appends). SQLITE_OK for a file the shim does not buffer.
int sync_deferred_wal(sqlite3_file* wal) noexcept;

}  // namespace cunji::storage
