#pragma once
// A failure of the PostgreSQL engine (storage/failure.hpp), with the SQLSTATE of the error when
// the server sent one (https://www.postgresql.org/docs/15/errcodes-appendix.html).
#include <string>

#include "storage/failure.hpp"

namespace cunji::storage::pg {

class pg_failure : public failure {
 public:
  pg_failure(const std::string& what, std::string sqlstate) : failure(what), sqlstate_(std::move(sqlstate)) {}
  // Empty when the connection failed before the server could answer.
  const std::string& sqlstate() const noexcept { return sqlstate_; }
  // Lost or refused connections (class 08), a server shutting down (57P0x), too many
  // connections (53300) and a disk full (53100) are the storage being unavailable; an error in
  // a statement (a broken constraint, bad SQL) is a bug of the caller.
  bool unavailable() const noexcept override {
    return sqlstate_.empty() || sqlstate_.starts_with("08") || sqlstate_.starts_with("57P") ||
           sqlstate_.starts_with("53") || sqlstate_ == "40001" || sqlstate_ == "40P01";
  }
  bool disk_full() const noexcept override { return sqlstate_ == "53100"; }

 private:
  std::string sqlstate_;
};

// SQLSTATEs the use cases tell apart.
namespace sqlstate {
inline constexpr const char* unique_violation = "23505";
inline constexpr const char* check_violation = "23514";
inline constexpr const char* foreign_key_violation = "23503";
}  // namespace sqlstate

}  // namespace cunji::storage::pg
