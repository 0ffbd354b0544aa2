#pragma once
// Throwaway PostgreSQL clusters for the tests (tests/support/pg_cluster starts and stops them).
// shared_pg() is the run's cluster: the one ctest started for every test that needs it
// (CUNJI_TEST_PG_DIR names its directory), or, for a test program run by hand, one started for
// this process and stopped when it exits. Each test takes a database of its own in it
// (fresh_pg_database). A test that stops or restarts PostgreSQL starts a private cluster, so
// that it disturbs no other test.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace cunji::test {

class pg_cluster {
 public:
  // Starts a new cluster in a new directory under /tmp (short: a unix socket's path is at
  // most 107 bytes).
  pg_cluster() : dir_(make_dir()), owned_(true) { run("start"); }
  // Uses the cluster already running in `dir`.
  explicit pg_cluster(std::string dir) : dir_(std::move(dir)), owned_(false) {}
  // A new cluster with PostgreSQL's durable settings (fsync and synchronous_commit on), as a
  // primary with a synchronous standby needs.
  struct durable_t {};
  explicit pg_cluster(durable_t) : dir_(make_dir()), owned_(true), env_("CUNJI_PG_DURABLE=1 ") { run("start"); }
  // A new streaming standby of `primary`, connecting to it as application_name `name`.
  pg_cluster(const pg_cluster& primary, const std::string& name)
      : dir_(make_dir()), owned_(true), env_("CUNJI_PG_DURABLE=1 ") {
    run(("standby " + dir_ + " " + primary.dir() + " " + name).c_str(), false);
  }
  pg_cluster(const pg_cluster&) = delete;
  pg_cluster& operator=(const pg_cluster&) = delete;
  ~pg_cluster() {
    if (owned_) std::system(command("stop").c_str());
  }

  // The connection string of `database` in this cluster.
  std::string conninfo(const std::string& database = "postgres") const {
    return "host=" + dir_ + " dbname=" + database + " user=postgres";
  }
  // Stops the server at once (as a crash would) and starts it again.
  void restart() { run("restart"); }
  // Stops the server at once, keeping its data; resume() starts it again.
  void halt() { run("halt"); }
  void resume() { run("resume"); }
  // Makes a standby a primary.
  void promote() { run("promote"); }
  const std::string& dir() const { return dir_; }

 private:
  static std::string make_dir() {
    std::string tmpl = "/tmp/cunji-pg-XXXXXX";
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    return tmpl;
  }
  // The script's command line: `verb` and the directory, or `verb` alone when it names them.
  std::string command(const char* verb, bool with_dir = true) const {
    return env_ + std::string(CUNJI_TEST_SOURCE_DIR) + "/support/pg_cluster " + verb + (with_dir ? " " + dir_ : "") +
           " >/dev/null";
  }
  void run(const char* verb, bool with_dir = true) const {
    if (std::system(command(verb, with_dir).c_str()) != 0)
      throw std::runtime_error(std::string("tests/support/pg_cluster ") + verb + " failed");
  }
  std::string dir_;
  bool owned_;
  std::string env_;  // environment for the script
};

inline pg_cluster& shared_pg() {
  static pg_cluster cluster = [] {
    const char* dir = std::getenv("CUNJI_TEST_PG_DIR");
    return dir ? pg_cluster(std::string(dir)) : pg_cluster();
  }();
  return cluster;
}

// A name for a new database in the shared cluster, unique across the run's processes.
inline std::string next_pg_database_name() {
  static std::atomic<int> made{0};
  return "test_" + std::to_string(getpid()) + "_" + std::to_string(++made);
}

// Runs one SQL statement (no double quotes in it) through psql on the shared cluster's `postgres`
// database; throws if it fails.
inline void shared_pg_sql(const std::string& sql) {
  const std::string cmd = "psql -qAt -v ON_ERROR_STOP=1 \"" + shared_pg().conninfo() + "\" -c \"" + sql +
                          "\" >/dev/null";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("psql failed: " + sql);
}

// A new, empty database in the shared cluster; its connection string. (Migrated:
// fresh_migrated_pg_database() in support/pg_migrated.hpp.)
inline std::string fresh_pg_database() {
  const std::string name = next_pg_database_name();
  shared_pg_sql("CREATE DATABASE " + name);
  return shared_pg().conninfo(name);
}

}  // namespace cunji::test
