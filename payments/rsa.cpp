#include "payments/rsa.hpp"

#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <sstream>

namespace cunji::payments {
namespace {

struct md_ctx_free {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, md_ctx_free>;

struct decoder_free {
  void operator()(OSSL_DECODER_CTX* c) const noexcept { OSSL_DECODER_CTX_free(c); }
};
using decoder_ptr = std::unique_ptr<OSSL_DECODER_CTX, decoder_free>;

enum class key_kind { private_key, public_key };

error key_error(std::string detail) {
  ERR_clear_error();  // OpenSSL's queue is per thread: leave it empty for the next caller
  return error{errc::validation_failed, std::move(detail)};
}

// Fetched once: an implicit fetch on every signature takes a lock in OpenSSL 3.
const EVP_MD* sha256() {
  static const EVP_MD* const md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched ? fetched : EVP_sha256();
  }();
  return md;
}

// Never asks for a passphrase (OpenSSL would otherwise prompt on the terminal).
int no_passphrase(char*, size_t, size_t*, const OSSL_PARAM*, void*) { return 0; }

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// The label of "-----BEGIN LABEL-----", or nullopt when the text is not PEM.
std::optional<std::string_view> pem_label(std::string_view text) {
  constexpr std::string_view begin = "-----BEGIN ";
  if (text.substr(0, begin.size()) != begin) return std::nullopt;
  text.remove_prefix(begin.size());
  const auto end = text.find("-----");
  if (end == std::string_view::npos) return std::nullopt;
  return text.substr(0, end);
}

// Why a PEM block of this label cannot be a key of this kind, or empty if it can be.
std::string refuse_label(std::string_view label, std::string_view text, key_kind kind) {
  const bool want_private = kind == key_kind::private_key;
  if (label.find("CERTIFICATE") != std::string_view::npos)
    return "is a certificate; give the RSA public key itself (Alipay's public-key mode)";
  if (label == "ENCRYPTED PRIVATE KEY" || text.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos)
    return "is encrypted; give the key without a passphrase";
  const bool is_private = label == "PRIVATE KEY" || label == "RSA PRIVATE KEY";
  const bool is_public = label == "PUBLIC KEY" || label == "RSA PUBLIC KEY";
  if (want_private && is_public) return "is a public key; the private key is needed here";
  if (!want_private && is_private) return "is a private key; the public key is needed here";
  if (!is_private && !is_public) return "is PEM of \"" + std::string(label) + "\", not an RSA key";
  return {};
}

result<pkey_ptr> decode_key(std::string_view text, key_kind kind) {
  text = trim(text);
  if (text.empty()) return key_error("is empty");
  std::string der;
  const auto label = pem_label(text);
  const bool pem = label.has_value();
  if (pem) {
    if (auto why = refuse_label(*label, text, kind); !why.empty()) return key_error(std::move(why));
  } else {
    std::string packed;  // bare base64, as Alipay's key tool shows keys: line breaks allowed
    for (char c : text)
      if (c != '\n' && c != '\r' && c != ' ' && c != '\t') packed += c;
    auto bytes = base64_decode(packed);
    if (!bytes) return key_error("is neither PEM nor base64");
    der = std::move(*bytes);
    text = der;
  }
  const int selection = kind == key_kind::private_key ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY;
  // DER gives no label to check: a public key must then be a SubjectPublicKeyInfo, which a
  // private key never parses as.
  const char* structure = kind == key_kind::public_key && !pem ? "SubjectPublicKeyInfo" : nullptr;
  EVP_PKEY* raw = nullptr;
  decoder_ptr dec(
      OSSL_DECODER_CTX_new_for_pkey(&raw, pem ? "PEM" : "DER", structure, "RSA", selection, nullptr, nullptr));
  if (!dec) return key_error("cannot be decoded (OpenSSL has no RSA decoder)");
  OSSL_DECODER_CTX_set_passphrase_cb(dec.get(), no_passphrase, nullptr);
  auto* data = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t len = text.size();
  if (OSSL_DECODER_from_data(dec.get(), &data, &len) != 1 || !raw)
    return key_error(kind == key_kind::private_key ? "is not an RSA private key" : "is not an RSA public key");
  pkey_ptr key(raw);
  if (const int bits = EVP_PKEY_get_bits(key.get()); bits < min_rsa_bits)
    return key_error("has " + std::to_string(bits) + " bits; RSA2 needs at least " + std::to_string(min_rsa_bits));
  return key;
}

template <class Key, class Make>
result<Key> load_file(const std::string& path, Make make) {
  auto text = read_key_file(path);
  if (!text) return std::move(text).err();
  auto key = make(text.value());
  if (!key) return error{errc::validation_failed, path + ": the key " + key.err().detail};
  return key;
}

}  // namespace

void pkey_free::operator()(evp_pkey_st* k) const noexcept { EVP_PKEY_free(k); }

result<private_key> private_key::from_pem(std::string_view text) {
  auto key = decode_key(text, key_kind::private_key);
  if (!key) return std::move(key).err();
  return private_key(std::move(key).value());
}

result<private_key> private_key::from_file(const std::string& path) {
  return load_file<private_key>(path, [](std::string_view t) { return from_pem(t); });
}

result<std::string> private_key::sign(std::string_view message) const {
  md_ctx_ptr ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, nullptr, 0) != 1)
    return key_error("RSA2 signing could not start");
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1)
    return key_error("RSA2 signing failed");
  sig.resize(len);
  return sig;
}

int private_key::bits() const noexcept { return EVP_PKEY_get_bits(key_.get()); }

result<public_key> public_key::from_pem(std::string_view text) {
  auto key = decode_key(text, key_kind::public_key);
  if (!key) return std::move(key).err();
  return public_key(std::move(key).value());
}

result<public_key> public_key::from_file(const std::string& path) {
  return load_file<public_key>(path, [](std::string_view t) { return from_pem(t); });
}

bool public_key::verify(std::string_view message, std::string_view signature) const noexcept {
  md_ctx_ptr ctx(EVP_MD_CTX_new());
  const bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, sha256(), nullptr, key_.get()) == 1 &&
                  EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                                   signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                                   message.size()) == 1;
  if (!ok) ERR_clear_error();  // a bad signature leaves an entry on the thread's queue
  return ok;
}

int public_key::bits() const noexcept { return EVP_PKEY_get_bits(key_.get()); }

bool same_key(const private_key& a, const public_key& b) noexcept {
  return EVP_PKEY_eq(a.key_.get(), b.key_.get()) == 1;
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');  // + the NUL EVP_EncodeBlock writes
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0 || text.size() > (1u << 30)) return std::nullopt;
  const auto body = text.substr(0, text.find_last_not_of('=') + 1);
  const std::size_t pad = text.size() - body.size();
  if (pad > 2) return std::nullopt;
  for (unsigned char c : body)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'))
      return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<std::size_t>(n) - pad);        // EVP_DecodeBlock counts the padding as zero bytes
  if (base64_encode(out) != text) return std::nullopt;  // unused bits set: not the canonical form
  return out;
}

result<std::string> read_key_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return error{errc::validation_failed, path + ": cannot be read"};
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return error{errc::validation_failed, path + ": cannot be read"};
  auto text = std::move(buf).str();
  if (text.size() > 64 * 1024) return error{errc::validation_failed, path + ": too large for a key file"};
  return text;
}

}  // namespace cunji::payments
