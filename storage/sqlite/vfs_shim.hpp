#pragma once
// For SQLite VFS shims (storage/sqlite/wal_write_buffer.cpp, and the tests' fault_vfs): a VFS that
// passes every call it does not override to the VFS below it.
struct sqlite3_vfs;

namespace cunji::storage {

// Fills `shim` to forward every VFS method but xOpen to `parent` (kept in pAppData), with
// parent's iVersion (at most 2: the methods up to xCurrentTimeInt64) and mxPathname; the
// caller sets zName, szOsFile and xOpen, and may override any other method afterwards.
void forward_vfs_to(sqlite3_vfs& shim, sqlite3_vfs* parent);

// The VFS a shim made by forward_vfs_to passes its calls to.
sqlite3_vfs* parent_vfs(sqlite3_vfs* shim);

}  // namespace cunji::storage
