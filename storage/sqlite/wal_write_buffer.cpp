#include "storage/sqlite/wal_write_buffer.hpp"

#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "storage/sqlite/vfs_shim.hpp"

namespace cunji::storage {

namespace {

std::atomic<std::int64_t> writes_in{0};
std::atomic<std::int64_t> writes_out{0};
std::atomic<std::int64_t> syncs_deferred{0};
// Set by wal_sync_deferral on the writer's thread around a COMMIT; counts the syncs put off.
thread_local bool deferring = false;
thread_local std::uint64_t deferred = 0;

// One open file. For a WAL file, the parent's file follows this struct in the same allocation
// (SQLite allocates szOsFile bytes); for any other file the parent's file *is* the allocation.
struct wal_file {
  sqlite3_file base;
  sqlite3_file* real;
  char* buf;            // capacity bytes, allocated at the first buffered write
  sqlite3_int64 start;  // file offset of buf[0]
  int len;              // bytes buffered
};

wal_file* me(sqlite3_file* f) { return reinterpret_cast<wal_file*>(f); }
const sqlite3_io_methods* real_methods(wal_file* w) { return w->real->pMethods; }

constexpr int capacity = static_cast<int>(wal_write_buffer_capacity);

// Writes out what is buffered. On failure the buffered bytes are dropped: SQLite gets the error
// and abandons the transaction they belong to, and frames it never committed are never read.
int flush(wal_file* w) {
  if (w->len == 0) return SQLITE_OK;
  const int n = w->len;
  w->len = 0;
  writes_out.fetch_add(1, std::memory_order_relaxed);
  return real_methods(w)->xWrite(w->real, w->buf, n, w->start);
}

int x_write(sqlite3_file* f, const void* data, int amt, sqlite3_int64 off) {
  auto* w = me(f);
  writes_in.fetch_add(1, std::memory_order_relaxed);
  const sqlite3_int64 end = w->start + w->len;
  if (w->len > 0 && off == end && w->len + amt <= capacity) {  // continues the run
    std::memcpy(w->buf + w->len, data, static_cast<std::size_t>(amt));
    w->len += amt;
    return SQLITE_OK;
  }
  if (w->len > 0 && off >= w->start && off + amt <= end) {  // rewrites a buffered frame
    std::memcpy(w->buf + (off - w->start), data, static_cast<std::size_t>(amt));
    return SQLITE_OK;
  }
  if (const int rc = flush(w); rc != SQLITE_OK) return rc;
  if (!w->buf) w->buf = static_cast<char*>(sqlite3_malloc(capacity));
  if (!w->buf || amt >= capacity) {
    writes_out.fetch_add(1, std::memory_order_relaxed);
    return real_methods(w)->xWrite(w->real, data, amt, off);
  }
  std::memcpy(w->buf, data, static_cast<std::size_t>(amt));
  w->start = off;
  w->len = amt;
  return SQLITE_OK;
}

int x_read(sqlite3_file* f, void* out, int amt, sqlite3_int64 off) {
  auto* w = me(f);
  if (w->len > 0 && off < w->start + w->len && off + amt > w->start)
    if (const int rc = flush(w); rc != SQLITE_OK) return rc;
  return real_methods(w)->xRead(w->real, out, amt, off);
}

int x_close(sqlite3_file* f) {
  auto* w = me(f);
  const int flushed = flush(w);
  const int rc = real_methods(w)->xClose(w->real);
  sqlite3_free(w->buf);
  w->buf = nullptr;
  return flushed != SQLITE_OK ? flushed : rc;
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  auto* w = me(f);
  if (const int rc = flush(w); rc != SQLITE_OK) return rc;
  return real_methods(w)->xTruncate(w->real, size);
}
int x_sync(sqlite3_file* f, int flags) {
  auto* w = me(f);
  if (const int rc = flush(w); rc != SQLITE_OK) return rc;
  if (deferring) {
    ++deferred;
    syncs_deferred.fetch_add(1, std::memory_order_relaxed);
    return SQLITE_OK;
  }
  return real_methods(w)->xSync(w->real, flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  auto* w = me(f);
  if (const int rc = flush(w); rc != SQLITE_OK) return rc;
  return real_methods(w)->xFileSize(w->real, size);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
  auto* w = me(f);
  if (const int rc = flush(w); rc != SQLITE_OK) return rc;
  return real_methods(w)->xFileControl(w->real, op, arg);
}
int x_lock(sqlite3_file* f, int l) { return real_methods(me(f))->xLock(me(f)->real, l); }
int x_unlock(sqlite3_file* f, int l) { return real_methods(me(f))->xUnlock(me(f)->real, l); }
int x_check_reserved(sqlite3_file* f, int* out) { return real_methods(me(f))->xCheckReservedLock(me(f)->real, out); }
int x_sector_size(sqlite3_file* f) { return real_methods(me(f))->xSectorSize(me(f)->real); }
int x_device(sqlite3_file* f) { return real_methods(me(f))->xDeviceCharacteristics(me(f)->real); }

// A WAL file has no shared memory and no memory map of its own (both belong to the database
// file), so SQLite calls none of these on it; they are here because the version needs them.
int x_shm_map(sqlite3_file*, int, int, int, void volatile**) { return SQLITE_IOERR_SHMMAP; }
int x_shm_lock(sqlite3_file*, int, int, int) { return SQLITE_IOERR_SHMLOCK; }
void x_shm_barrier(sqlite3_file*) {}
int x_shm_unmap(sqlite3_file*, int) { return SQLITE_OK; }
int x_fetch(sqlite3_file*, sqlite3_int64, int, void** p) {
  *p = nullptr;  // "read it with xRead instead"
  return SQLITE_OK;
}
int x_unfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

const sqlite3_io_methods wal_methods = {
    3,          x_close,       x_read,           x_write,        x_truncate,    x_sync,   x_file_size,
    x_lock,     x_unlock,      x_check_reserved, x_file_control, x_sector_size, x_device, x_shm_map,
    x_shm_lock, x_shm_barrier, x_shm_unmap,      x_fetch,        x_unfetch,
};

constexpr std::size_t real_offset = (sizeof(wal_file) + 7) & ~std::size_t{7};

int x_open(sqlite3_vfs* v, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  sqlite3_vfs* parent = parent_vfs(v);
  if ((flags & SQLITE_OPEN_WAL) == 0) return parent->xOpen(parent, name, f, flags, out_flags);
  auto* w = me(f);
  w->base.pMethods = nullptr;
  w->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + real_offset);
  w->buf = nullptr;
  w->start = 0;
  w->len = 0;
  const int rc = parent->xOpen(parent, name, w->real, flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  w->base.pMethods = &wal_methods;
  return SQLITE_OK;
}

}  // namespace

std::string wal_write_buffer_vfs(const std::string& parent_name) {
  return register_vfs_shim("cunji_walbuf", parent_name, real_offset, x_open);
}

wal_sync_deferral::wal_sync_deferral(bool on) noexcept : was_(deferring) { deferring = on; }
wal_sync_deferral::~wal_sync_deferral() { deferring = was_; }
std::uint64_t wal_syncs_deferred() noexcept { return deferred; }

int sync_deferred_wal(sqlite3_file* wal) noexcept {
  if (!wal || wal->pMethods != &wal_methods) return SQLITE_OK;  // not buffered: never deferred
  auto* w = me(wal);
  return real_methods(w)->xSync(w->real, SQLITE_SYNC_NORMAL);
}

wal_write_buffer_counts wal_write_buffer_stats() {
  return {writes_in.load(std::memory_order_relaxed), writes_out.load(std::memory_order_relaxed),
          syncs_deferred.load(std::memory_order_relaxed)};
}

}  // namespace cunji::storage
