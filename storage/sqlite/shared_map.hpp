#pragma once
// A VFS shim for the readers' connections: their memory map of the database file is one map
// per file, shared by every reader of the process and kept until the last of them closes.
//
// SQLite's own map (unix VFS, PRAGMA mmap_size) belongs to one connection, and SQLite drops it
// at the start of every read transaction that finds the WAL changed since the connection's last
// one (pagerBeginReadTransaction: sqlite3OsUnfetch(fd, 0, 0)); the next read maps the file
// again and faults every page it touches back in, and each munmap makes the kernel interrupt
// the other CPUs to flush their TLBs. Under a steady writer that is most read transactions.
// Here xFetch hands out pointers into the shared map, which is never dropped on a change: a
// MAP_SHARED map shows the file's pages as they are now, as a pread would, and the database
// file of a live server only grows (no VACUUM runs on it), so a page once inside the file stays
// there. A fetch beyond the end of the file as last seen looks at its size again; beyond that,
// or beyond the map, it gets no pointer and SQLite reads the page with xRead.
#include <cstdint>
#include <string>

namespace cunji::storage {

// The name of the shim over the VFS `parent_name` (empty: the default VFS), registered on the
// first call. Files other than a main database are the parent's own.
std::string shared_map_vfs(const std::string& parent_name = {});

struct shared_map_counts {
  std::int64_t maps = 0;     // files mapped (mmap calls), since the process started
  std::int64_t fetches = 0;  // pages handed out as pointers into a map
};
shared_map_counts shared_map_stats();

}  // namespace cunji::storage
