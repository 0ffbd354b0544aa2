#pragma once
// fresh_migrated_pg_database(): a new database in the run's cluster (tests/support/pg_cluster.hpp)
// with the schema already at latest_schema_version(), for the tests that would migrate it first
// (the server suite's PostgreSQL pass makes one for each server it starts, in 205 test cases).
// It is a copy (CREATE DATABASE ... TEMPLATE) of a database migrated once per cluster, by the
// first test process to need it: a copy took 0.17 s where creating and migrating took 0.43 s.
// The template's name carries a hash of the migrations, so a cluster kept across builds never
// hands out an older schema; it is made under another name and renamed when complete, under a
// file lock in the cluster's directory, so the test processes ctest runs at once make it once
// and never copy half of one.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/migrations.hpp"
#include "support/pg_cluster.hpp"
#include "support/run_task.hpp"

namespace cunji::embedded {
const std::vector<std::pair<std::string_view, std::string_view>>& pg_migrations();
}

namespace cunji::test {

namespace detail {

inline std::string migrated_template_name() {
  std::size_t h = 0;
  for (const auto& [name, sql] : embedded::pg_migrations())
    for (const auto text : {name, sql}) h = h * 31 + std::hash<std::string_view>{}(text);
  return "cunji_migrated_" + std::to_string(storage::pg::latest_schema_version()) + "_" +
         std::to_string(h % 1'000'000'007);
}

inline bool pg_database_exists(const std::string& name) {
  const std::string cmd = "psql -qAt \"" + shared_pg().conninfo() +
                          "\" -c \"SELECT 1 FROM pg_database WHERE datname = '" + name + "'\" | grep -q 1";
  return std::system(cmd.c_str()) == 0;
}

inline storage::task<void> migrate_database(std::string conninfo) {
  auto ex = co_await boost::asio::this_coro::executor;
  auto c = co_await storage::pg::connection::open(ex, std::move(conninfo), std::chrono::seconds(30));
  co_await storage::pg::migrate(*c);
}

// Holds an exclusive flock(2) on a file for its lifetime.
class file_lock {
 public:
  explicit file_lock(const std::string& path) : fd_(::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0666)) {
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX) == 0) return;
    if (fd_ >= 0) ::close(fd_);
    throw std::runtime_error("cannot lock " + path);
  }
  file_lock(const file_lock&) = delete;
  file_lock& operator=(const file_lock&) = delete;
  ~file_lock() { ::close(fd_); }

 private:
  int fd_;
};

}  // namespace detail

inline std::string fresh_migrated_pg_database() {
  static const std::string tmpl = [] {
    const auto name = detail::migrated_template_name();
    detail::file_lock lock(shared_pg().dir() + "/migrated-template.lock");
    if (!detail::pg_database_exists(name)) {
      const auto partial = name + "_partial";
      shared_pg_sql("DROP DATABASE IF EXISTS " + partial);  // left by a process that died making it
      shared_pg_sql("CREATE DATABASE " + partial);
      boost::asio::io_context ioc;
      run_task(ioc, detail::migrate_database(shared_pg().conninfo(partial)));
      shared_pg_sql("ALTER DATABASE " + partial + " RENAME TO " + name);
    }
    return name;
  }();
  const std::string name = next_pg_database_name();
  shared_pg_sql("CREATE DATABASE " + name + " TEMPLATE " + tmpl);
  return shared_pg().conninfo(name);
}

}  // namespace cunji::test
