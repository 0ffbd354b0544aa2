#include "storage/wal_buffer.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>

namespace cunji::storage {

namespace {

constexpr std::size_t flush_at = std::size_t{8} << 20;
// The unix VFS writes at most 128 KiB per call (it masks the length to 17 bits, so a write of
// exactly 128 KiB would be taken for a full disk): the buffer goes out in 64 KiB pieces.
constexpr std::size_t write_chunk = std::size_t{64} << 10;

struct shim_file {
  sqlite3_file base;
  sqlite3_file* real;
  bool wal;                // buffering appends (a WAL file)
  std::string* buf;        // bytes not yet written, starting at buf_off
  sqlite3_int64 buf_off;
};
static_assert(sizeof(shim_file) % 8 == 0, "the base VFS's file follows, 8-byte aligned");

shim_file* me(sqlite3_file* f) { return reinterpret_cast<shim_file*>(f); }
sqlite3_file* real_of(sqlite3_file* f) { return me(f)->real; }

// Writes out what is buffered. The buffer is emptied even when the write fails: SQLite then
// fails the commit and writes those frames again later, if at all.
int flush(shim_file* sf) {
  if (!sf->buf || sf->buf->empty()) return SQLITE_OK;
  int rc = SQLITE_OK;
  for (std::size_t at = 0; at < sf->buf->size() && rc == SQLITE_OK; at += write_chunk) {
    const auto n = std::min(write_chunk, sf->buf->size() - at);
    rc = sf->real->pMethods->xWrite(sf->real, sf->buf->data() + at, static_cast<int>(n),
                                    sf->buf_off + static_cast<sqlite3_int64>(at));
  }
  sf->buf->clear();
  return rc;
}

int x_close(sqlite3_file* f) {
  auto* sf = me(f);
  const int frc = flush(sf);
  delete sf->buf;
  sf->buf = nullptr;
  const int rc = sf->real->pMethods ? sf->real->pMethods->xClose(sf->real) : SQLITE_OK;
  return frc != SQLITE_OK ? frc : rc;
}
int x_read(sqlite3_file* f, void* out, int amt, sqlite3_int64 off) {
  auto* sf = me(f);
  if (sf->wal && !sf->buf->empty()) {
    const auto end = sf->buf_off + static_cast<sqlite3_int64>(sf->buf->size());
    if (off < end && off + amt > sf->buf_off) {
      if (const int rc = flush(sf); rc != SQLITE_OK) return rc;
    }
  }
  return sf->real->pMethods->xRead(sf->real, out, amt, off);
}
int x_write(sqlite3_file* f, const void* data, int amt, sqlite3_int64 off) {
  auto* sf = me(f);
  if (!sf->wal) return sf->real->pMethods->xWrite(sf->real, data, amt, off);
  auto& b = *sf->buf;
  const bool appends = !b.empty() && off == sf->buf_off + static_cast<sqlite3_int64>(b.size());
  if (!appends || b.size() + static_cast<std::size_t>(amt) > flush_at) {
    if (const int rc = flush(sf); rc != SQLITE_OK) return rc;
    sf->buf_off = off;
  }
  b.append(static_cast<const char*>(data), static_cast<std::size_t>(amt));
  return SQLITE_OK;
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (const int rc = flush(me(f)); rc != SQLITE_OK) return rc;
  return real_of(f)->pMethods->xTruncate(real_of(f), size);
}
int x_sync(sqlite3_file* f, int flags) {
  if (const int rc = flush(me(f)); rc != SQLITE_OK) return rc;
  return real_of(f)->pMethods->xSync(real_of(f), flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  if (const int rc = flush(me(f)); rc != SQLITE_OK) return rc;
  return real_of(f)->pMethods->xFileSize(real_of(f), size);
}
int x_lock(sqlite3_file* f, int l) { return real_of(f)->pMethods->xLock(real_of(f), l); }
int x_unlock(sqlite3_file* f, int l) { return real_of(f)->pMethods->xUnlock(real_of(f), l); }
int x_check_reserved(sqlite3_file* f, int* out) {
  return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
  return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}
int x_sector_size(sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
int x_device(sqlite3_file* f) { return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f)); }
int x_shm_map(sqlite3_file* f, int pg, int sz, int extend, void volatile** p) {
  return real_of(f)->pMethods->xShmMap(real_of(f), pg, sz, extend, p);
}
int x_shm_lock(sqlite3_file* f, int off, int n, int flags) {
  return real_of(f)->pMethods->xShmLock(real_of(f), off, n, flags);
}
void x_shm_barrier(sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
int x_shm_unmap(sqlite3_file* f, int del) { return real_of(f)->pMethods->xShmUnmap(real_of(f), del); }
int x_fetch(sqlite3_file* f, sqlite3_int64 off, int amt, void** p) {
  return real_of(f)->pMethods->xFetch(real_of(f), off, amt, p);
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  return real_of(f)->pMethods->xUnfetch(real_of(f), off, p);
}

const sqlite3_io_methods methods = {
    3,          x_close,       x_read,      x_write,          x_truncate,     x_sync,        x_file_size,
    x_lock,     x_unlock,      x_check_reserved, x_file_control, x_sector_size, x_device, x_shm_map,
    x_shm_lock, x_shm_barrier, x_shm_unmap, x_fetch,          x_unfetch,
};

sqlite3_vfs* base_of(sqlite3_vfs* v) { return static_cast<sqlite3_vfs*>(v->pAppData); }

int x_open(sqlite3_vfs* v, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  auto* sf = me(f);
  sf->base.pMethods = nullptr;
  sf->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + sizeof(shim_file));
  sf->buf = nullptr;
  sf->buf_off = 0;
  sf->wal = (flags & SQLITE_OPEN_WAL) != 0;
  const int rc = base_of(v)->xOpen(base_of(v), name, sf->real, flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  if (sf->wal) sf->buf = new (std::nothrow) std::string();
  if (sf->wal && !sf->buf) {
    sf->real->pMethods->xClose(sf->real);
    return SQLITE_NOMEM;
  }
  sf->base.pMethods = &methods;
  return SQLITE_OK;
}
int x_delete(sqlite3_vfs* v, const char* name, int sync_dir) { return base_of(v)->xDelete(base_of(v), name, sync_dir); }
int x_access(sqlite3_vfs* v, const char* name, int flags, int* out) {
  return base_of(v)->xAccess(base_of(v), name, flags, out);
}
int x_full_pathname(sqlite3_vfs* v, const char* name, int n, char* out) {
  return base_of(v)->xFullPathname(base_of(v), name, n, out);
}
void* x_dl_open(sqlite3_vfs* v, const char* name) { return base_of(v)->xDlOpen(base_of(v), name); }
void x_dl_error(sqlite3_vfs* v, int n, char* msg) { base_of(v)->xDlError(base_of(v), n, msg); }
void (*x_dl_sym(sqlite3_vfs* v, void* h, const char* sym))(void) { return base_of(v)->xDlSym(base_of(v), h, sym); }
void x_dl_close(sqlite3_vfs* v, void* h) { base_of(v)->xDlClose(base_of(v), h); }
int x_randomness(sqlite3_vfs* v, int n, char* out) { return base_of(v)->xRandomness(base_of(v), n, out); }
int x_sleep(sqlite3_vfs* v, int us) { return base_of(v)->xSleep(base_of(v), us); }
int x_current_time(sqlite3_vfs* v, double* t) { return base_of(v)->xCurrentTime(base_of(v), t); }
int x_last_error(sqlite3_vfs* v, int n, char* msg) { return base_of(v)->xGetLastError(base_of(v), n, msg); }
int x_current_time64(sqlite3_vfs* v, sqlite3_int64* t) { return base_of(v)->xCurrentTimeInt64(base_of(v), t); }

struct registered {
  std::string name;
  sqlite3_vfs vfs{};
};

}  // namespace

std::string wal_buffer_vfs(const std::string& base) {
  static std::mutex m;
  static std::map<std::string, std::unique_ptr<registered>> shims;  // never unregistered
  std::lock_guard lk(m);
  if (auto it = shims.find(base); it != shims.end()) return it->second->name;
  sqlite3_vfs* real = sqlite3_vfs_find(base.empty() ? nullptr : base.c_str());
  if (!real) throw std::runtime_error("wal_buffer: no VFS named " + base);
  if (real->iVersion < 2) throw std::runtime_error("wal_buffer: VFS " + base + " is too old");
  auto r = std::make_unique<registered>();
  r->name = "cunji_walbuf_" + std::string(real->zName);
  auto& v = r->vfs;
  v.iVersion = 2;
  v.szOsFile = static_cast<int>(sizeof(shim_file)) + real->szOsFile;
  v.mxPathname = real->mxPathname;
  v.zName = r->name.c_str();
  v.pAppData = real;
  v.xOpen = x_open;
  v.xDelete = x_delete;
  v.xAccess = x_access;
  v.xFullPathname = x_full_pathname;
  v.xDlOpen = x_dl_open;
  v.xDlError = x_dl_error;
  v.xDlSym = x_dl_sym;
  v.xDlClose = x_dl_close;
  v.xRandomness = x_randomness;
  v.xSleep = x_sleep;
  v.xCurrentTime = x_current_time;
  v.xGetLastError = x_last_error;
  v.xCurrentTimeInt64 = x_current_time64;
  if (sqlite3_vfs_register(&v, 0) != SQLITE_OK) throw std::runtime_error("wal_buffer: register failed");
  auto name = r->name;
  shims.emplace(base, std::move(r));
  return name;
}

vfs_choice with_wal_buffer(const std::string& path) {
  if (path.rfind("file:", 0) == 0) {
    const auto q = path.find('?');
    if (q != std::string::npos) {
      // Find a "vfs=" parameter at the start of the query or after a '&'.
      for (auto at = path.find("vfs=", q + 1); at != std::string::npos; at = path.find("vfs=", at + 1)) {
        if (path[at - 1] != '?' && path[at - 1] != '&') continue;
        const auto start = at + 4;
        const auto end = std::min(path.find_first_of("&#", start), path.size());
        const auto shim = wal_buffer_vfs(path.substr(start, end - start));
        return {path.substr(0, start) + shim + path.substr(end), ""};
      }
    }
  }
  return {path, wal_buffer_vfs("")};
}

}  // namespace cunji::storage
