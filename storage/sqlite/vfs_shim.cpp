#include "storage/sqlite/vfs_shim.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace cunji::storage {

sqlite3_vfs* parent_vfs(sqlite3_vfs* shim) { return static_cast<sqlite3_vfs*>(shim->pAppData); }

namespace {
sqlite3_vfs* up(sqlite3_vfs* v) { return parent_vfs(v); }

int x_delete(sqlite3_vfs* v, const char* name, int sync_dir) { return up(v)->xDelete(up(v), name, sync_dir); }
int x_access(sqlite3_vfs* v, const char* name, int flags, int* out) { return up(v)->xAccess(up(v), name, flags, out); }
int x_full_pathname(sqlite3_vfs* v, const char* name, int n, char* out) {
  return up(v)->xFullPathname(up(v), name, n, out);
}
void* x_dl_open(sqlite3_vfs* v, const char* name) { return up(v)->xDlOpen(up(v), name); }
void x_dl_error(sqlite3_vfs* v, int n, char* msg) { up(v)->xDlError(up(v), n, msg); }
void (*x_dl_sym(sqlite3_vfs* v, void* h, const char* sym))(void) { return up(v)->xDlSym(up(v), h, sym); }
void x_dl_close(sqlite3_vfs* v, void* h) { up(v)->xDlClose(up(v), h); }
int x_randomness(sqlite3_vfs* v, int n, char* out) { return up(v)->xRandomness(up(v), n, out); }
int x_sleep(sqlite3_vfs* v, int us) { return up(v)->xSleep(up(v), us); }
int x_current_time(sqlite3_vfs* v, double* t) { return up(v)->xCurrentTime(up(v), t); }
int x_last_error(sqlite3_vfs* v, int n, char* msg) { return up(v)->xGetLastError(up(v), n, msg); }
int x_current_time64(sqlite3_vfs* v, sqlite3_int64* t) { return up(v)->xCurrentTimeInt64(up(v), t); }
}  // namespace

void forward_vfs_to(sqlite3_vfs& shim, sqlite3_vfs* parent) {
  shim = sqlite3_vfs{};
  shim.iVersion = std::min(parent->iVersion, 2);
  shim.mxPathname = parent->mxPathname;
  shim.pAppData = parent;
  shim.xDelete = x_delete;
  shim.xAccess = x_access;
  shim.xFullPathname = x_full_pathname;
  shim.xDlOpen = x_dl_open;
  shim.xDlError = x_dl_error;
  shim.xDlSym = x_dl_sym;
  shim.xDlClose = x_dl_close;
  shim.xRandomness = x_randomness;
  shim.xSleep = x_sleep;
  shim.xCurrentTime = x_current_time;
  shim.xGetLastError = x_last_error;
  if (shim.iVersion >= 2) shim.xCurrentTimeInt64 = x_current_time64;
}

std::string register_vfs_shim(const std::string& prefix, const std::string& parent_name, std::size_t own_bytes,
                              int (*open)(sqlite3_vfs*, const char*, sqlite3_file*, int, int*)) {
  struct registered {
    std::string name;
    sqlite3_vfs vfs{};
  };
  static std::mutex m;
  static std::map<std::pair<std::string, std::string>, std::unique_ptr<registered>> shims;
  std::lock_guard lk(m);
  const auto key = std::pair{prefix, parent_name};
  if (auto it = shims.find(key); it != shims.end()) return it->second->name;
  sqlite3_vfs* parent = sqlite3_vfs_find(parent_name.empty() ? nullptr : parent_name.c_str());
  if (!parent) throw std::runtime_error(prefix + ": no VFS named " + parent_name);
  auto r = std::make_unique<registered>();
  r->name = parent_name.empty() ? prefix : prefix + "+" + parent_name;
  auto& v = r->vfs;
  forward_vfs_to(v, parent);
  v.szOsFile = static_cast<int>(own_bytes) + parent->szOsFile;
  v.zName = r->name.c_str();
  v.xOpen = open;
  if (sqlite3_vfs_register(&v, 0) != SQLITE_OK) throw std::runtime_error(prefix + ": register failed");
  const std::string name = r->name;
  shims.emplace(key, std::move(r));
  return name;
}

}  // namespace cunji::storage
