#pragma once
// Password hashing (argon2id) and bearer tokens, with libsodium.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "storage/accounts.hpp"

namespace cunji::server {

struct password_params {
  // OWASP's minimum for argon2id: 19 MiB of memory, 2 iterations, 1 lane.
  unsigned long long opslimit = 2;
  std::size_t memlimit = 19 * 1024 * 1024;
};

// Initializes libsodium once; throws if it cannot.
void crypto_init();

// An encoded argon2id hash (salt and parameters included). CPU- and memory-heavy: never call
// on an I/O thread.
std::string hash_password(std::string_view password, const password_params& p);
bool verify_password(const std::string& encoded_hash, std::string_view password);

// 32 random bytes, base64url without padding (43 characters).
std::string new_token();
// `n` random bytes (libsodium's CSPRNG).
std::vector<unsigned char> random_bytes(std::size_t n);
// SHA-256 of any bytes.
std::array<unsigned char, 32> sha256(std::string_view bytes);
// Our number of a new payment: "CJ" and 22 random letters and digits (server/routes/payments.cpp).
std::string new_out_trade_no();
// What is stored for a token: its SHA-256.
storage::token_hash hash_token(std::string_view token);

}  // namespace cunji::server
