#pragma once
// For SQLite VFS shims (storage/sqlite/wal_write_buffer.cpp, and the tests' fault_vfs): a VFS that
// passes every call it does not override to the VFS below it.
#include <cstddef>
#include <string>

struct sqlite3_vfs;
struct sqlite3_file;

namespace cunji::storage {

// Fills `shim` to forward every VFS method but xOpen to `parent` (kept in pAppData), with
// parent's iVersion (at most 2: the methods up to xCurrentTimeInt64) and mxPathname; the
// caller sets zName, szOsFile and xOpen, and may override any other method afterwards.
void forward_vfs_to(sqlite3_vfs& shim, sqlite3_vfs* parent);

// The VFS a shim made by forward_vfs_to passes its calls to.
sqlite3_vfs* parent_vfs(sqlite3_vfs* shim);

// Registers, once per (prefix, parent), a shim over the VFS `parent_name` (empty: the default)
// named `prefix` or `prefix+parent`, whose files are `own_bytes` followed by the parent's file,
// opened by `open`; returns its name. Throws if there is no such parent.
std::string register_vfs_shim(const std::string& prefix, const std::string& parent_name, std::size_t own_bytes,
                              int (*open)(sqlite3_vfs*, const char*, sqlite3_file*, int, int*));

}  // namespace cunji::storage
