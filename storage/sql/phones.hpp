#pragma once
// Stored phones in their normal form (core normalize_phone), for the databases from before it.
#include <cstdint>
#include <string>
#include <vector>

namespace cunji::storage {

class connection;

// Rewrites every account's and villager's phone to its normal form, in the caller's
// transaction. An account whose normal form another account has, or that several accounts
// would share, is not rewritten but listed in phone_conflicts. Run by migrate() right after
// migration 0011.
void normalize_stored_phones(connection& c);

struct phone_conflict {
  std::int64_t account_id = 0;
  std::string phone;
  std::string normal_phone;
};

// The accounts listed in phone_conflicts (not yet settled), by id.
std::vector<phone_conflict> phone_conflicts(connection& c);

}  // namespace cunji::storage
