#include "support/fault_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "storage/sqlite/vfs_shim.hpp"

namespace cunji::test {

namespace {

// A write or truncate that the OS has taken but not yet made durable.
struct pending_op {
  bool truncate = false;
  std::int64_t offset = 0;  // write offset, or the size truncated to
  std::string data;
};

struct file_state {
  std::string durable;  // the contents the last sync made durable
  std::vector<pending_op> pending;
};

void apply(std::string& image, const pending_op& op) {
  const auto off = static_cast<std::size_t>(op.offset);
  if (op.truncate) {
    image.resize(off);
    return;
  }
  if (image.size() < off + op.data.size()) image.resize(off + op.data.size(), '\0');
  std::memcpy(image.data() + off, op.data.data(), op.data.size());
}

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct shim {
  std::mutex m;
  sqlite3_vfs* real = nullptr;
  sqlite3_vfs vfs{};
  bool track = false;
  std::map<std::string, file_state> files;  // watched files, by path (only while tracking)
  std::int64_t writes = 0, syncs = 0;
  // Power loss.
  std::int64_t crash_at = 0;  // the machine stops at this many watched ops (0: never)
  bool crashed = false;
  // Injected faults.
  io_op fault_kind = io_op::any;
  std::int64_t fault_at = 0;  // count of fault_kind at which the fault fires (0: none)
  bool fault_permanent = false;
  int fault_code = SQLITE_IOERR;
  std::int64_t budget = -1, grown = 0;  // growth limit (-1: none)
  std::int64_t failures = 0;
  std::function<void()> before_sync;  // called outside the lock, before each watched sync

  std::int64_t ops(io_op k) const { return k == io_op::write ? writes : k == io_op::sync ? syncs : writes + syncs; }

  // Counts one watched operation and decides whether it fails (0: it may go ahead).
  int admit(io_op kind, int crash_code) {
    (kind == io_op::write ? writes : syncs) += 1;
    if (crashed) return crash_code;
    if (crash_at > 0 && writes + syncs >= crash_at) {
      crashed = true;
      return crash_code;
    }
    if (fault_at > 0 && (fault_kind == io_op::any || fault_kind == kind)) {
      const auto n = ops(fault_kind);
      if (n == fault_at || (fault_permanent && n > fault_at)) {
        ++failures;
        return fault_code;
      }
    }
    return 0;
  }
};

shim& state() {
  static shim s;
  return s;
}

struct shim_file {
  sqlite3_file base;
  sqlite3_file* real;
  std::string path;
  bool watched;
};

sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<shim_file*>(f)->real; }
shim_file* me(sqlite3_file* f) { return reinterpret_cast<shim_file*>(f); }

int x_close(sqlite3_file* f) {
  auto* sf = me(f);
  const int rc = sf->real->pMethods ? sf->real->pMethods->xClose(sf->real) : SQLITE_OK;
  sf->path.~basic_string();
  return rc;
}
int x_read(sqlite3_file* f, void* buf, int amt, sqlite3_int64 off) {
  return real_of(f)->pMethods->xRead(real_of(f), buf, amt, off);
}
int x_write(sqlite3_file* f, const void* buf, int amt, sqlite3_int64 off) {
  auto* sf = me(f);
  if (sf->watched) {
    auto& s = state();
    std::lock_guard lk(s.m);
    if (const int rc = s.admit(io_op::write, SQLITE_IOERR_WRITE)) return rc;
    if (s.budget >= 0) {
      sqlite3_int64 size = 0;
      sf->real->pMethods->xFileSize(sf->real, &size);
      const auto growth = std::max<std::int64_t>(0, off + amt - size);
      if (s.grown + growth > s.budget) {
        ++s.failures;
        return SQLITE_FULL;
      }
      s.grown += growth;
    }
    if (s.track) s.files[sf->path].pending.push_back({false, off, std::string(static_cast<const char*>(buf), amt)});
  }
  return sf->real->pMethods->xWrite(sf->real, buf, amt, off);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  auto* sf = me(f);
  if (sf->watched) {
    auto& s = state();
    std::lock_guard lk(s.m);
    if (const int rc = s.admit(io_op::write, SQLITE_IOERR_TRUNCATE)) return rc;
    if (s.track) s.files[sf->path].pending.push_back({true, size, {}});
  }
  return sf->real->pMethods->xTruncate(sf->real, size);
}
int x_sync(sqlite3_file* f, int flags) {
  auto* sf = me(f);
  if (!sf->watched) return sf->real->pMethods->xSync(sf->real, flags);
  auto& s = state();
  std::function<void()> hook;
  {
    std::lock_guard lk(s.m);
    hook = s.before_sync;
  }
  if (hook) hook();
  std::lock_guard lk(s.m);
  if (const int rc = s.admit(io_op::sync, SQLITE_IOERR_FSYNC)) return rc;
  if (!s.track) return sf->real->pMethods->xSync(sf->real, flags);
  // While the shim models durability itself, a real fsync would only make the test slow.
  auto& st = s.files[sf->path];
  for (const auto& op : st.pending) apply(st.durable, op);
  st.pending.clear();
  return SQLITE_OK;
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) { return real_of(f)->pMethods->xFileSize(real_of(f), size); }
int x_lock(sqlite3_file* f, int l) { return real_of(f)->pMethods->xLock(real_of(f), l); }
int x_unlock(sqlite3_file* f, int l) { return real_of(f)->pMethods->xUnlock(real_of(f), l); }
int x_check_reserved(sqlite3_file* f, int* out) { return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out); }
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

const sqlite3_io_methods shim_methods = {
    3,          x_close,       x_read,           x_write,        x_truncate,    x_sync,   x_file_size,
    x_lock,     x_unlock,      x_check_reserved, x_file_control, x_sector_size, x_device, x_shm_map,
    x_shm_lock, x_shm_barrier, x_shm_unmap,      x_fetch,        x_unfetch,
};

int x_open(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  auto& s = state();
  auto* sf = me(f);
  sf->base.pMethods = nullptr;
  sf->real = reinterpret_cast<sqlite3_file*>(sf + 1);
  const int rc = s.real->xOpen(s.real, name, sf->real, flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  new (&sf->path) std::string(name ? name : "");
  sf->watched = name && (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL)) != 0;
  if (sf->watched) {
    std::lock_guard lk(s.m);
    if (s.track && !s.files.contains(sf->path)) s.files[sf->path].durable = read_whole(sf->path);
  }
  sf->base.pMethods = &shim_methods;
  return SQLITE_OK;
}

int x_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  auto& s = state();
  {
    std::lock_guard lk(s.m);
    if (s.crashed) return SQLITE_IOERR_DELETE;
    s.files.erase(name);
  }
  return s.real->xDelete(s.real, name, sync_dir);
}
}  // namespace

fault_vfs& fault_vfs::get() {
  static fault_vfs instance;
  static const bool registered = [] {
    auto& s = state();
    s.real = sqlite3_vfs_find(nullptr);
    if (!s.real) throw std::runtime_error("fault_vfs: no default VFS");
    auto& v = s.vfs;
    storage::forward_vfs_to(v, s.real);
    v.szOsFile = static_cast<int>(sizeof(shim_file)) + s.real->szOsFile;
    v.zName = name;
    v.xOpen = x_open;
    v.xDelete = x_delete;
    if (sqlite3_vfs_register(&v, 0) != SQLITE_OK) throw std::runtime_error("fault_vfs: register failed");
    return true;
  }();
  (void)registered;
  return instance;
}

void fault_vfs::before_sync(std::function<void()> hook) {
  auto& s = state();
  std::lock_guard lk(s.m);
  s.before_sync = std::move(hook);
}

void fault_vfs::track_durability(bool on) {
  auto& s = state();
  std::lock_guard lk(s.m);
  s.track = on;
  if (!on) s.files.clear();
}

void fault_vfs::crash_after(std::int64_t n) {
  auto& s = state();
  std::lock_guard lk(s.m);
  s.crash_at = s.writes + s.syncs + n;
}

void fault_vfs::crash_now() {
  auto& s = state();
  std::lock_guard lk(s.m);
  s.crashed = true;
}

bool fault_vfs::crashed() const {
  auto& s = state();
  std::lock_guard lk(s.m);
  return s.crashed;
}

void fault_vfs::power_cycle() {
  auto& s = state();
  std::lock_guard lk(s.m);
  for (const auto& [path, st] : s.files) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(st.durable.data(), static_cast<std::streamsize>(st.durable.size()));
    if (!out) throw std::runtime_error("fault_vfs: cannot restore " + path);
    std::error_code ec;
    std::filesystem::remove(path + "-shm", ec);  // shared memory does not survive a power loss
  }
  s.files.clear();
  s.crashed = false;
  s.crash_at = 0;
}

void fault_vfs::fail_nth(io_op kind, std::int64_t n, bool permanent, int code) {
  auto& s = state();
  std::lock_guard lk(s.m);
  s.fault_kind = kind;
  s.fault_at = s.ops(kind) + n;
  s.fault_permanent = permanent;
  s.fault_code = code;
}

void fault_vfs::limit_growth(std::int64_t bytes) {
  auto& s = state();
  std::lock_guard lk(s.m);
  s.budget = bytes;
  s.grown = 0;
}

void fault_vfs::clear() {
  auto& s = state();
  std::lock_guard lk(s.m);
  s.fault_at = 0;
  s.budget = -1;
  s.grown = 0;
}

std::int64_t fault_vfs::count(io_op kind) const {
  auto& s = state();
  std::lock_guard lk(s.m);
  return s.ops(kind);
}

std::int64_t fault_vfs::failures() const {
  auto& s = state();
  std::lock_guard lk(s.m);
  return s.failures;
}

}  // namespace cunji::test
