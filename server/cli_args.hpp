#pragma once
// The command line of the cunji executable, read without side effects: argv in, one command
// with checked values out, or an error message that the caller prints with the usage (exit 2).
//
// Every option must be one its command knows, given once, followed by a value if it takes one
// (a value may not begin with "--": that is the next option); required options must be there;
// numbers are decimal integers within the option's range. `--help` or `-h` anywhere asks for
// the usage. --db is a SQLite file's path, or for serve, admin create and seed-demo a PostgreSQL connection
// URI (postgresql:// or postgres://); the URI is never repeated in a message (it may hold a
// password).
#include <string>
#include <string_view>
#include <variant>

#include "core/error.hpp"
#include "payments/alipay.hpp"
#include "server/config.hpp"
#include "storage/sqlite/database.hpp"

namespace cunji::server {

inline constexpr std::string_view cli_usage = R"(usage:
  cunji serve --db PATH|postgresql://URI --listen HOST:PORT [--threads N] [--quiet] [--insecure-cookies]
              [--synchronous FULL|NORMAL] [--sync-behind on|off]
              [--max-connections N] [--header-limit BYTES] [--body-limit BYTES]
              [--request-timeout-ms MS] [--idle-timeout-ms MS] [--mmap-mib N]
              [--response-cache-mib N] [--ranking-cache-mib N] [--checkpoint-pages N]
              [--wal-restart-pages N] [--alipay-app-id ID --alipay-seller-id ID
              --alipay-public-key FILE --alipay-private-key FILE [--alipay-notify-url URL]
              [--alipay-gateway URL]]
  cunji admin create --db PATH|postgresql://URI --phone PHONE --password PASSWORD [--name NAME]
  cunji seed-demo --db PATH|postgresql://URI
  cunji backup --db PATH --to FILE
  cunji migrate-data --from PATH --to postgresql://URI
  cunji --help
)";

struct serve_command {
  server_config server;                // host, port, threads, HTTP limits, quiet, response cache
  storage::database_options database;  // SQLite: path, synchronous, mmap, ranking cache, checkpoints
  std::string postgresql;              // or a PostgreSQL connection URI (database.path is then empty)
  payments::alipay_options alipay;     // its ids and key files (read by main: a side effect)
};

struct admin_create_command {
  std::string db, phone, password, name = "Admin";  // db: a SQLite path or a PostgreSQL URI
};

struct seed_demo_command {
  std::string db;  // a SQLite path or a PostgreSQL URI
};

struct backup_command {
  std::string db, to;
};

// Copies a SQLite marketplace into an empty PostgreSQL database (docs/postgresql.md).
struct migrate_data_command {
  std::string from, to;  // a SQLite path, a PostgreSQL URI
};
struct help_command {};

using cli_command = std::variant<help_command, serve_command, admin_create_command, seed_demo_command, backup_command,
                                 migrate_data_command>;

// argv[0] is the program; errors are errc::validation_failed with the message in `detail`.
result<cli_command> parse_command_line(int argc, const char* const* argv);

// Whether --db (or --to) names a PostgreSQL database: a postgresql:// or postgres:// URI.
bool is_postgresql_uri(std::string_view db);

// "https://host[:port]" of an absolute http(s) URL, lower-cased; empty for anything else.
std::string url_origin(std::string_view url);

}  // namespace cunji::server
