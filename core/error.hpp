#pragma once
// Expected failures of domain operations. They travel as values (Result<T>), never as
// exceptions; the server maps each code to an HTTP status and a problem type.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace cunji {

enum class errc {
  validation_failed,
  unauthenticated,
  forbidden,
  not_found,
  conflict,
  insufficient_stock,
  invalid_transition,
  idempotency_key_reused,
  precondition_failed,
  rate_limited,
};

struct field_error {
  std::string field;
  std::string message;
  bool operator==(const field_error&) const = default;
};

struct error {
  errc code;
  std::string detail;
  std::vector<field_error> errors{};
  std::int64_t retry_after_s = 0;                 // rate_limited only
  std::vector<std::int64_t> listing_ids{};        // insufficient_stock: the listings short of stock
  std::optional<std::int64_t> current_version{};  // precondition_failed: the object's version now
};

inline error validation(std::vector<field_error> errors, std::string detail = "The request has invalid fields.") {
  return error{errc::validation_failed, std::move(detail), std::move(errors)};
}

// A value or an error; the small subset of std::expected that the project needs. The error is
// `error` unless a module has its own kind (payments/ reports which notification check failed).
template <class T, class E = error>
class result {
 public:
  result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  result(E e) : v_(std::move(e)) {}          // NOLINT
  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const E& err() const& { return std::get<1>(v_); }
  E&& err() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, E> v_;
};

struct unit {};

}  // namespace cunji
