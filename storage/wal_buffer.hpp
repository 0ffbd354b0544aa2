#pragma once
// A VFS shim for the writer's connection that turns the many small writes of a commit to the
// WAL into one.
//
// SQLite appends a committed batch to the WAL one frame at a time, and a frame is two writes
// (a 24-byte header, then the page), so a batch of 30 orders touching 230 pages costs some
// 460 pwrite calls; frames are 4,120 bytes long, so most of them also start and end inside a
// file-system block, which the kernel must first read or zero. The shim keeps contiguous
// appends to a WAL file in memory and writes them in 64 KiB pieces when SQLite syncs the file,
// reads it back, asks its size, truncates it or closes it, or when the buffer passes 8 MiB.
//
// Only valid with synchronous=FULL or EXTRA, where SQLite syncs the WAL at every commit before
// it publishes the new frames to other connections: by then they are in the file. With
// NORMAL it publishes frames it has not synced, which other connections would then miss.
// Nothing else changes: a frame SQLite has not synced was never durable, buffered or not.
#include <string>

namespace cunji::storage {

// Registers (once per base) and returns the name of the shim over the VFS named `base`
// (empty: the default VFS).
std::string wal_buffer_vfs(const std::string& base);

// The path to open, and the VFS to pass to sqlite3_open_v2 (empty: none), so that a
// connection to `path` goes through the shim. A "file:" URI that names a VFS with "vfs=" gets
// the shim over that VFS instead.
struct vfs_choice {
  std::string path;
  std::string vfs;
};
vfs_choice with_wal_buffer(const std::string& path);

}  // namespace cunji::storage
