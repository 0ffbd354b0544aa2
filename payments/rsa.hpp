#pragma once
// RSA keys from PEM text, SHA256withRSA ("RSA2": PKCS#1 v1.5 over SHA-256) and strict base64.
// OpenSSL stays out of this header: keys are held through a forward-declared EVP_PKEY.
// A key is read-only once loaded, so one key may sign or verify on many threads at once.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace cunji::payments {

// RSA keys shorter than this are refused: Alipay's RSA2 keys are 2048 bits.
inline constexpr int min_rsa_bits = 2048;

struct pkey_free {
  void operator()(evp_pkey_st* k) const noexcept;
};
using pkey_ptr = std::unique_ptr<evp_pkey_st, pkey_free>;

// A private key signs. Loaded from PEM ("PRIVATE KEY" = PKCS#8 or "RSA PRIVATE KEY" = PKCS#1)
// or from the bare base64 that Alipay's key tool shows. Encrypted keys are refused.
class public_key;

class private_key {
 public:
  static result<private_key> from_pem(std::string_view text);
  static result<private_key> from_file(const std::string& path);

  // The RSA2 signature of `message` (raw bytes, as many as the key's modulus).
  result<std::string> sign(std::string_view message) const;
  int bits() const noexcept;

 private:
  friend bool same_key(const private_key& a, const public_key& b) noexcept;
  explicit private_key(pkey_ptr k) : key_(std::move(k)) {}
  pkey_ptr key_;
};

// A public key verifies. PEM ("PUBLIC KEY" = SubjectPublicKeyInfo or "RSA PUBLIC KEY" =
// PKCS#1) or bare base64; a private key or a certificate given instead is an error.
class public_key {
 public:
  static result<public_key> from_pem(std::string_view text);
  static result<public_key> from_file(const std::string& path);

  // True only if `signature` (raw bytes) is this key's RSA2 signature of `message`.
  bool verify(std::string_view message, std::string_view signature) const noexcept;
  int bits() const noexcept;

 private:
  friend bool same_key(const private_key& a, const public_key& b) noexcept;
  explicit public_key(pkey_ptr k) : key_(std::move(k)) {}
  pkey_ptr key_;
};

// True if `b` is the public half of `a`.
bool same_key(const private_key& a, const public_key& b) noexcept;

// Standard base64 (RFC 4648 section 4) with padding, no line breaks.
std::string base64_encode(std::string_view bytes);
// Strict: the canonical encoding only (length a multiple of 4, padding only at the end, no
// whitespace, unused bits zero); anything else is nullopt.
std::optional<std::string> base64_decode(std::string_view text);

// The whole file, or an error naming the path (never its content).
result<std::string> read_key_file(const std::string& path);

}  // namespace cunji::payments
