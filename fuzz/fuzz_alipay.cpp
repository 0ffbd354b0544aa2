// fuzz_alipay: bytes -> what payments/ reads from outside: a notification's form body, Alipay
// amounts, base64, key files, and the gateway's answer to a refund request.
//
// Properties: a parsed form re-encodes and parses back to the same fields; a parsed form signed
// with Alipay's key passes the form, sign_type and signature checks whatever its fields; a
// parsed amount is in range and survives yuan_text; decoded base64 is canonical; any JSON
// object Alipay signs as a refund answer passes the signature check, found by its raw text
// however it is spaced or escaped. Key loading and verification never crash on any input.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "payments/alipay.hpp"

namespace {

using namespace cunji;
using namespace cunji::payments;

std::string pem_of(EVP_PKEY* k, bool private_part) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (private_part) PEM_write_bio_PrivateKey(bio.get(), k, nullptr, nullptr, 0, nullptr, nullptr);
  else PEM_write_bio_PUBKEY(bio.get(), k);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

struct world {
  std::unique_ptr<private_key> alipay_signer;
  std::unique_ptr<alipay_provider> provider;
};

const world& the_world() {
  static const world w = [] {
    EVP_PKEY* alipay = EVP_RSA_gen(2048);
    EVP_PKEY* merchant = EVP_RSA_gen(2048);
    world w;
    w.alipay_signer = std::make_unique<private_key>(private_key::from_pem(pem_of(alipay, true)).value());
    w.provider = std::make_unique<alipay_provider>(alipay_config{
        "2021000000000001", "2088000000000001", "", "https://gw", private_key::from_pem(pem_of(merchant, true)).value(),
        public_key::from_pem(pem_of(alipay, false)).value()});
    EVP_PKEY_free(alipay);
    EVP_PKEY_free(merchant);
    return w;
  }();
  return w;
}

void check_form(std::string_view text) {
  const auto f = parse_form(text);
  if (!f) return;
  const auto again = parse_form(encode_form(f.value()));
  FUZZ_CHECK(again && again.value() == f.value(), "a parsed form does not survive encode_form");
  // Signed as Alipay signs, any form passes the first three checks.
  if (f->size() > 16) return;  // one RSA signature per input: keep the rate up
  auto signed_form = f.value();
  const auto& w = the_world();
  signed_form["sign_type"] = "RSA2";
  signed_form["sign"] = base64_encode(w.alipay_signer->sign(alipay_sign_content(signed_form, true)).value());
  const auto r = w.provider->verify_notification(encode_form(signed_form));
  if (!r) {
    const auto c = r.err().check;
    FUZZ_CHECK(c != notice_check::form && c != notice_check::sign_type && c != notice_check::signature,
               "a form signed by Alipay failed %s", std::string(to_string(c)).c_str());
  }
}

void check_amount(std::string_view text) {
  const auto fen = parse_yuan(text);
  if (!fen) return;
  FUZZ_CHECK(*fen >= 1 && *fen <= 10'000'000'000, "amount out of range");
  FUZZ_CHECK(parse_yuan(yuan_text(*fen)) == fen, "yuan_text does not parse back");
  FUZZ_CHECK(text.size() <= 12, "a long amount parsed");
}

// `text` as the response object of a refund answer signed by Alipay: if it is a JSON object
// the signature must verify (a refusal names another reason than the signature).
void check_refund_answer(std::string_view text) {
  if (text.size() > 2048 || text.empty() || text.front() != '{') return;
  const auto& w = the_world();
  const refund_order r{"P1", 100, "R1-1", 1'795'442'400};
  const auto sig = base64_encode(w.alipay_signer->sign(text).value());
  const auto body = R"({"alipay_trade_refund_response":)" + std::string(text) + R"(,"sign":")" + sig + R"("})";
  const auto reply = w.provider->read_refund_reply(body, r);
  if (reply.detail != "not a JSON object" && reply.detail != "no alipay_trade_refund_response")
    FUZZ_CHECK(reply.detail.find("signature") == std::string::npos, "a signed refund answer failed: %s",
               reply.detail.c_str());
}

void check_base64(std::string_view text) {
  const auto bytes = base64_decode(text);
  if (bytes) FUZZ_CHECK(base64_encode(*bytes) == text, "decoded base64 is not canonical");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_form(text);
  check_amount(text);
  check_base64(text);
  check_refund_answer(text);
  (void)the_world().provider->verify_notification(text);
  (void)the_world().provider->read_refund_reply(text, refund_order{"P1", 100, "R1-1", 1});
  if (size < 4096) {
    (void)private_key::from_pem(text);
    (void)public_key::from_pem(text);
  }
  return 0;
}
