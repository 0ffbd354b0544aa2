#include "storage/sqlite/shared_map.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "storage/sqlite/vfs_shim.hpp"

namespace cunji::storage {

namespace {

// SQLite's own ceiling for a map (SQLITE_MAX_MMAP_SIZE of Debian's build).
constexpr sqlite3_int64 map_ceiling = 0x7fff0000;

// The map of one database file, shared by the readers that have it open.
struct file_map {
  std::string path;
  int refs = 0;  // open files naming it (maps_m)
  std::mutex m;  // making the map, and looking at the file's size
  int fd = -1;
  char* base = nullptr;
  sqlite3_int64 length = 0;             // bytes mapped (beyond the file's end at first)
  bool failed = false;                  // mmap refused: no pointers, SQLite reads with xRead
  std::atomic<sqlite3_int64> valid{0};  // bytes of the map known to be inside the file
};

std::atomic<std::int64_t> maps_made{0}, pages_fetched{0};

std::mutex maps_m;
std::map<std::string, std::unique_ptr<file_map>>& maps() {
  static std::map<std::string, std::unique_ptr<file_map>> all;
  return all;
}

file_map* acquire(const std::string& path) {
  std::lock_guard lk(maps_m);
  auto& slot = maps()[path];
  if (!slot) {
    slot = std::make_unique<file_map>();
    slot->path = path;
  }
  ++slot->refs;
  return slot.get();
}

void release(file_map* fm) {
  std::lock_guard lk(maps_m);
  if (--fm->refs > 0) return;
  if (fm->base) ::munmap(fm->base, static_cast<std::size_t>(fm->length));
  if (fm->fd >= 0) ::close(fm->fd);
  maps().erase(fm->path);
}

// Whether the first `end` bytes of the file are mapped, mapping it (`limit` bytes) on first use
// and looking at the file's size again when `end` is beyond what was seen.
bool covered(file_map& fm, sqlite3_int64 end, sqlite3_int64 limit) {
  std::lock_guard lk(fm.m);
  if (!fm.base && !fm.failed) {
    fm.fd = ::open(fm.path.c_str(), O_RDONLY | O_CLOEXEC);
    void* p = fm.fd < 0 ? MAP_FAILED
                        : ::mmap(nullptr, static_cast<std::size_t>(limit), PROT_READ, MAP_SHARED, fm.fd, 0);
    if (p == MAP_FAILED) {
      fm.failed = true;
      return false;
    }
    fm.base = static_cast<char*>(p);
    fm.length = limit;
    maps_made.fetch_add(1, std::memory_order_relaxed);
  }
  if (fm.failed) return false;
  struct stat st {};
  if (::fstat(fm.fd, &st) != 0) return false;
  fm.valid.store(std::min<sqlite3_int64>(st.st_size, fm.length), std::memory_order_release);
  return end <= fm.valid.load(std::memory_order_relaxed);
}

// One open main database file; the parent's file follows it in the same allocation.
struct map_file {
  sqlite3_file base;
  sqlite3_file* real;
  file_map* map;
  sqlite3_int64 limit;  // this connection's PRAGMA mmap_size (0: no pointers)
};

map_file* me(sqlite3_file* f) { return reinterpret_cast<map_file*>(f); }
sqlite3_file* real(sqlite3_file* f) { return me(f)->real; }
const sqlite3_io_methods* up(sqlite3_file* f) { return real(f)->pMethods; }

int x_fetch(sqlite3_file* f, sqlite3_int64 off, int amt, void** pp) {
  *pp = nullptr;  // "read it with xRead instead"
  auto* m = me(f);
  const sqlite3_int64 end = off + amt;
  if (end > m->limit) return SQLITE_OK;
  auto& fm = *m->map;
  if (end > fm.valid.load(std::memory_order_acquire) && !covered(fm, end, m->limit)) return SQLITE_OK;
  if (end > fm.length) return SQLITE_OK;  // mapped shorter by a reader with a smaller limit
  *pp = fm.base + off;
  pages_fetched.fetch_add(1, std::memory_order_relaxed);
  return SQLITE_OK;
}
// The map stays: SQLite asks to drop it (p null) whenever the WAL changed, which does not move
// any page of the file; the pages it handed out need no release.
int x_unfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

int x_file_control(sqlite3_file* f, int op, void* arg) {
  if (op != SQLITE_FCNTL_MMAP_SIZE) return up(f)->xFileControl(real(f), op, arg);
  // The limit is ours, so the parent never maps the file itself.
  auto* size = static_cast<sqlite3_int64*>(arg);
  const sqlite3_int64 before = me(f)->limit;
  if (*size >= 0) me(f)->limit = std::min(*size, map_ceiling);
  *size = before;
  return SQLITE_OK;
}

int x_close(sqlite3_file* f) {
  const int rc = up(f)->xClose(real(f));
  release(me(f)->map);
  return rc;
}
int x_read(sqlite3_file* f, void* out, int amt, sqlite3_int64 off) { return up(f)->xRead(real(f), out, amt, off); }
int x_write(sqlite3_file* f, const void* data, int amt, sqlite3_int64 off) {
  return up(f)->xWrite(real(f), data, amt, off);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) { return up(f)->xTruncate(real(f), size); }
int x_sync(sqlite3_file* f, int flags) { return up(f)->xSync(real(f), flags); }
int x_file_size(sqlite3_file* f, sqlite3_int64* size) { return up(f)->xFileSize(real(f), size); }
int x_lock(sqlite3_file* f, int l) { return up(f)->xLock(real(f), l); }
int x_unlock(sqlite3_file* f, int l) { return up(f)->xUnlock(real(f), l); }
int x_check_reserved(sqlite3_file* f, int* out) { return up(f)->xCheckReservedLock(real(f), out); }
int x_sector_size(sqlite3_file* f) { return up(f)->xSectorSize(real(f)); }
int x_device(sqlite3_file* f) { return up(f)->xDeviceCharacteristics(real(f)); }
int x_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** pp) {
  return up(f)->xShmMap(real(f), region, size, extend, pp);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) { return up(f)->xShmLock(real(f), offset, n, flags); }
void x_shm_barrier(sqlite3_file* f) { up(f)->xShmBarrier(real(f)); }
int x_shm_unmap(sqlite3_file* f, int del) { return up(f)->xShmUnmap(real(f), del); }

const sqlite3_io_methods map_methods = {
    3,          x_close,       x_read,           x_write,        x_truncate,    x_sync,   x_file_size,
    x_lock,     x_unlock,      x_check_reserved, x_file_control, x_sector_size, x_device, x_shm_map,
    x_shm_lock, x_shm_barrier, x_shm_unmap,      x_fetch,        x_unfetch,
};

constexpr std::size_t real_offset = (sizeof(map_file) + 7) & ~std::size_t{7};

int x_open(sqlite3_vfs* v, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  sqlite3_vfs* parent = parent_vfs(v);
  if ((flags & SQLITE_OPEN_MAIN_DB) == 0 || !name) return parent->xOpen(parent, name, f, flags, out_flags);
  auto* m = me(f);
  m->base.pMethods = nullptr;
  m->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + real_offset);
  m->limit = 0;
  const int rc = parent->xOpen(parent, name, m->real, flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  if (!m->real->pMethods || m->real->pMethods->iVersion < 3) {  // WAL mode needs version 3
    if (m->real->pMethods) m->real->pMethods->xClose(m->real);
    return SQLITE_CANTOPEN;
  }
  m->map = acquire(name);
  m->base.pMethods = &map_methods;
  return SQLITE_OK;
}

}  // namespace

std::string shared_map_vfs(const std::string& parent_name) {
  return register_vfs_shim("cunji_map", parent_name, real_offset, x_open);
}

shared_map_counts shared_map_stats() {
  return {maps_made.load(std::memory_order_relaxed), pages_fetched.load(std::memory_order_relaxed)};
}

}  // namespace cunji::storage
