#include "payments/rsa.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "support/alipay_fake.hpp"
#include "support/temp_dir.hpp"

using namespace cunji;
using namespace cunji::payments;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const std::string& path, std::string_view text) { std::ofstream(path, std::ios::binary) << text; }

// Runs the standard `openssl` tool; true if it exits 0.
bool openssl(const std::string& args) { return std::system(("openssl " + args + " >/dev/null 2>&1").c_str()) == 0; }

// Keys made by the openssl tool, once per process.
const test::temp_dir& tool_keys() {
  static const test::temp_dir d;
  static const bool made = [] {
    const auto f = [](const char* name) { return d.file(name); };
    return openssl("genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + f("pkcs8.pem")) &&
           openssl("pkey -in " + f("pkcs8.pem") + " -pubout -out " + f("spki.pem")) &&
           openssl("pkey -in " + f("pkcs8.pem") + " -traditional -out " + f("pkcs1.pem")) &&
           openssl("rsa -in " + f("pkcs8.pem") + " -RSAPublicKey_out -out " + f("pkcs1_public.pem")) &&
           openssl("genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out " + f("short.pem")) &&
           openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + f("ec.pem")) &&
           openssl("pkey -in " + f("pkcs8.pem") + " -aes256 -passout pass:secret -out " + f("encrypted.pem")) &&
           openssl("req -x509 -key " + f("pkcs8.pem") + " -subj /CN=alipay -days 1 -out " + f("cert.pem"));
  }();
  INFO("the openssl tool makes these keys (scripts/setup installs it)");
  REQUIRE(made);
  return d;
}

// The base64 between a PEM block's header and footer, on one line, as Alipay's key tool shows it.
std::string bare_base64(const std::string& pem) {
  std::istringstream in(pem);
  std::string line, out;
  while (std::getline(in, line))
    if (line.rfind("-----", 0) != 0) out += line;
  return out;
}

std::string load_error(result<private_key> r) { return r ? "" : r.err().detail; }
std::string load_error(result<public_key> r) { return r ? "" : r.err().detail; }

}  // namespace

TEST_CASE("base64 encodes and decodes strictly", "[payments][rsa]") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("\xfb\xff") == "+/8=");
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xfb\xff\x00\x01"})
    CHECK(base64_decode(base64_encode(s)) == s);
  CHECK(base64_decode("Zm9vYmFy") == "foobar");
  for (const char* bad : {"Zg", "Zg=", "Zg===", "Z===", "Zm9v\n", " Zm9v", "Zm 9v", "Zm9v====", "Zg==Zg==", "Zm-_",
                          "Zh==", "Zm9=", "=Zm9"})  // Zh== and Zm9= set unused bits: not canonical
    CHECK_FALSE(base64_decode(bad));
}

TEST_CASE("keys load from PEM in either structure and from bare base64", "[payments][rsa]") {
  const auto& d = tool_keys();
  CHECK(load_error(private_key::from_file(d.file("pkcs8.pem"))) == "");
  CHECK(load_error(private_key::from_file(d.file("pkcs1.pem"))) == "");
  CHECK(load_error(private_key::from_pem(bare_base64(slurp(d.file("pkcs8.pem"))))) == "");
  CHECK(load_error(private_key::from_pem(bare_base64(slurp(d.file("pkcs1.pem"))))) == "");
  CHECK(load_error(public_key::from_file(d.file("spki.pem"))) == "");
  CHECK(load_error(public_key::from_file(d.file("pkcs1_public.pem"))) == "");
  CHECK(load_error(public_key::from_pem(bare_base64(slurp(d.file("spki.pem"))))) == "");
  CHECK(private_key::from_file(d.file("pkcs8.pem"))->bits() == 2048);
}

TEST_CASE("a missing or wrong key is a clear error", "[payments][rsa]") {
  const auto& d = tool_keys();
  using Catch::Matchers::Contains;
  CHECK_THAT(load_error(private_key::from_file(d.file("absent.pem"))), Contains("absent.pem: cannot be read"));
  CHECK_THAT(load_error(private_key::from_pem("")), Contains("is empty"));
  CHECK_THAT(load_error(private_key::from_pem("not a key")), Contains("neither PEM nor base64"));
  CHECK_THAT(load_error(private_key::from_pem("TWFu")), Contains("is not an RSA private key"));
  CHECK_THAT(load_error(private_key::from_file(d.file("spki.pem"))), Contains("is a public key"));
  CHECK_THAT(load_error(public_key::from_file(d.file("pkcs8.pem"))), Contains("is a private key"));
  CHECK_THAT(load_error(public_key::from_file(d.file("pkcs1.pem"))), Contains("is a private key"));
  CHECK_THAT(load_error(public_key::from_pem(bare_base64(slurp(d.file("pkcs8.pem"))))),
             Contains("is not an RSA public key"));
  CHECK_THAT(load_error(public_key::from_file(d.file("cert.pem"))), Contains("is a certificate"));
  CHECK_THAT(load_error(private_key::from_file(d.file("encrypted.pem"))), Contains("is encrypted"));
  CHECK_THAT(load_error(private_key::from_file(d.file("short.pem"))), Contains("has 1024 bits"));
  CHECK_THAT(load_error(private_key::from_file(d.file("ec.pem"))), Contains("is not an RSA private key"));
  auto truncated = slurp(d.file("pkcs8.pem"));
  truncated.erase(200, 40);
  CHECK_THAT(load_error(private_key::from_pem(truncated)), Contains("is not an RSA private key"));
  // The error names the file, never the key's text.
  CHECK_THAT(load_error(private_key::from_file(d.file("spki.pem"))), Contains(d.file("spki.pem") + ": the key"));
  CHECK_THAT(load_error(private_key::from_file(d.file("spki.pem"))), !Contains("MII"));
}

TEST_CASE("RSA2 signatures verify, and fail for any other message or key", "[payments][rsa]") {
  const test::alipay_fake fake;
  const auto key = private_key::from_file(fake.merchant_private_key_file());
  const auto pub = public_key::from_file(fake.merchant_public_key_file());
  const auto other = public_key::from_file(fake.alipay_public_key_file());
  REQUIRE(key);
  REQUIRE(pub);
  REQUIRE(other);
  const std::string message = "app_id=2021000000000001&biz_content={\"subject\":\"村集\"}&method=alipay.trade.app.pay";
  const auto sig = key->sign(message);
  REQUIRE(sig);
  CHECK(sig->size() == 256);
  CHECK(pub->verify(message, sig.value()));
  CHECK_FALSE(other->verify(message, sig.value()));
  CHECK_FALSE(pub->verify(message + " ", sig.value()));
  auto flipped = sig.value();
  flipped[100] ^= 1;
  CHECK_FALSE(pub->verify(message, flipped));
  CHECK_FALSE(pub->verify(message, ""));
  CHECK_FALSE(pub->verify(message, sig->substr(1)));
  CHECK(same_key(key.value(), pub.value()));
  CHECK_FALSE(same_key(key.value(), other.value()));
}

TEST_CASE("signatures match the openssl tool's in both directions", "[payments][rsa]") {
  const auto& d = tool_keys();
  const auto key = private_key::from_file(d.file("pkcs8.pem"));
  const auto pub = public_key::from_file(d.file("spki.pem"));
  REQUIRE(key);
  REQUIRE(pub);
  // A fixed parameter set, joined as Alipay signs it.
  const std::string content =
      "app_id=2021000000000001&biz_content={\"out_trade_no\":\"P1\",\"total_amount\":\"12.34\","
      "\"subject\":\"村集订单\",\"product_code\":\"QUICK_MSECURITY_PAY\"}&charset=utf-8&format=JSON"
      "&method=alipay.trade.app.pay&sign_type=RSA2&timestamp=2026-11-23 22:00:00&version=1.0";
  spit(d.file("content.txt"), content);

  const auto ours = key->sign(content);
  REQUIRE(ours);
  spit(d.file("ours.sig"), ours.value());
  CHECK(openssl("dgst -sha256 -verify " + d.file("spki.pem") + " -signature " + d.file("ours.sig") + " " +
                d.file("content.txt")));
  spit(d.file("content.txt"), content + "x");  // the tool must be able to say no
  CHECK_FALSE(openssl("dgst -sha256 -verify " + d.file("spki.pem") + " -signature " + d.file("ours.sig") + " " +
                      d.file("content.txt")));
  spit(d.file("content.txt"), content);

  REQUIRE(openssl("dgst -sha256 -sign " + d.file("pkcs8.pem") + " -out " + d.file("tool.sig") + " " +
                  d.file("content.txt")));
  const auto tools = slurp(d.file("tool.sig"));
  CHECK(pub->verify(content, tools));
  CHECK(tools == ours.value());  // PKCS#1 v1.5 is deterministic: the very same bytes
}
