#pragma once
// The one exception that crosses the storage seam (storage/store.hpp).
#include <stdexcept>

namespace cunji::storage {

// The database could not do what was asked (a full disk, an I/O error, a lost connection):
// nothing was acknowledged, so the client may retry (with the same Idempotency-Key).
class failure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  // The disk is full (503 storage_full) rather than failing (503 storage_unavailable).
  virtual bool disk_full() const noexcept { return false; }
  // A failure of the storage itself, as opposed to a bug (500).
  virtual bool unavailable() const noexcept { return true; }
};

}  // namespace cunji::storage
