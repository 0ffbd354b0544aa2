#include "support/alipay_fake.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cctype>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

namespace cunji::test {
namespace {

struct key_pair {
  EVP_PKEY* pkey;  // kept for the whole process
  std::string private_pem;
  std::string public_pem;
};

std::string to_pem(EVP_PKEY* k, bool private_part) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  const int ok = private_part ? PEM_write_bio_PrivateKey(bio.get(), k, nullptr, nullptr, 0, nullptr, nullptr)
                              : PEM_write_bio_PUBKEY(bio.get(), k);
  if (!ok) throw std::runtime_error("PEM_write failed");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

key_pair make_pair() {
  EVP_PKEY* k = EVP_RSA_gen(2048);
  if (!k) throw std::runtime_error("EVP_RSA_gen failed");
  return key_pair{k, to_pem(k, true), to_pem(k, false)};
}

const key_pair& pair_of(alipay_fake::key which) {
  static const key_pair alipay = make_pair();  // made once: 2048-bit generation is slow
  static const key_pair merchant = make_pair();
  return which == alipay_fake::key::alipay ? alipay : merchant;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  throw std::runtime_error("bad escape");
}

std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') out += ' ';
    else if (s[i] == '%') out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])), i += 2;
    else out += s[i];
  }
  return out;
}

}  // namespace

alipay_fake::alipay_fake() {
  write_file(alipay_private_key_file(), pair_of(key::alipay).private_pem);
  write_file(alipay_public_key_file(), pair_of(key::alipay).public_pem);
  write_file(merchant_private_key_file(), pair_of(key::merchant).private_pem);
  write_file(merchant_public_key_file(), pair_of(key::merchant).public_pem);
}

alipay_fake::params alipay_fake::trade_success(std::string out_trade_no, std::string total_amount) {
  return {{"app_id", std::string(app_id)},
          {"auth_app_id", std::string(app_id)},
          {"seller_id", std::string(seller_id)},
          {"buyer_id", "2088102122524333"},
          {"out_trade_no", std::move(out_trade_no)},
          {"trade_no", "2026112322001456380542497258"},
          {"total_amount", total_amount},
          {"receipt_amount", total_amount},
          {"buyer_pay_amount", total_amount},
          {"trade_status", "TRADE_SUCCESS"},
          {"subject", "村集订单 #1"},
          {"body", "红富士苹果 5斤装 x2"},
          {"charset", "utf-8"},
          {"version", "1.0"},
          {"notify_type", "trade_status_sync"},
          {"notify_id", "2026112300222105938056380529774436"},
          {"notify_time", "2026-11-23 22:00:05"},
          {"gmt_create", "2026-11-23 21:59:58"},
          {"gmt_payment", "2026-11-23 22:00:04"},
          {"fund_bill_list", R"([{"amount":")" + total_amount + R"(","fundChannel":"ALIPAYACCOUNT"}])"}};
}

std::string alipay_fake::content_to_sign(const params& p, bool notification) {
  std::string out;
  for (const auto& [k, v] : p) {  // std::map: sorted by key
    if (k == "sign" || (notification && k == "sign_type")) continue;
    out += (out.empty() ? "" : "&") + k + "=" + v;
  }
  return out;
}

std::string alipay_fake::sign(std::string_view content, key signer) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::size_t n = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pair_of(signer).pkey) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &n, nullptr, 0) != 1)
    throw std::runtime_error("sign init failed");
  std::vector<unsigned char> sig(n);
  if (EVP_DigestSign(ctx.get(), sig.data(), &n, reinterpret_cast<const unsigned char*>(content.data()),
                     content.size()) != 1)
    throw std::runtime_error("sign failed");
  std::string b64(4 * ((n + 2) / 3) + 1, '\0');
  b64.resize(static_cast<std::size_t>(
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), sig.data(), static_cast<int>(n))));
  return b64;
}

std::string alipay_fake::notification(params p, key signer) const {
  p["sign_type"] = "RSA2";
  p["sign"] = sign(content_to_sign(p, true), signer);
  return encode(p);
}

std::string alipay_fake::encode(const params& p) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (const auto& [k, v] : p) {
    out += (out.empty() ? "" : "&") + k + "=";
    for (unsigned char c : v) {
      if (std::isalnum(c) || c == '.' || c == '-' || c == '*' || c == '_') out += static_cast<char>(c);
      else if (c == ' ') out += '+';
      else out += {'%', digits[c >> 4], digits[c & 15]};
    }
  }
  return out;
}

alipay_fake::params alipay_fake::decode(std::string_view body) {
  params p;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const auto pair = body.substr(0, amp);
    const auto eq = pair.find('=');
    p[unescape(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : unescape(pair.substr(eq + 1));
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
  }
  return p;
}

bool alipay_fake::gateway_accepts(const params& request) {
  const auto sign_it = request.find("sign");
  const auto type_it = request.find("sign_type");
  if (sign_it == request.end() || type_it == request.end() || type_it->second != "RSA2") return false;
  const auto& b64 = sign_it->second;
  std::vector<unsigned char> sig(b64.size());
  int n = EVP_DecodeBlock(sig.data(), reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  if (n < 0) return false;
  n -= static_cast<int>(b64.size() - b64.find_last_not_of('=') - 1);  // padding decodes as zero bytes
  const auto content = content_to_sign(request, false);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pair_of(key::merchant).pkey) == 1 &&
         EVP_DigestVerify(ctx.get(), sig.data(), static_cast<std::size_t>(n),
                          reinterpret_cast<const unsigned char*>(content.data()), content.size()) == 1;
}

std::string alipay_fake::refund_answer(std::string_view response, key signer) {
  return R"({"alipay_trade_refund_response":)" + std::string(response) + R"(,"sign":")" + sign(response, signer) +
         R"("})";
}

std::string alipay_fake::refund_made(std::string_view out_trade_no, std::string_view refund_fee, bool fund_change) {
  // Alipay's field order, with a non-ASCII value and an escaped slash as its JSON may have.
  return std::string(R"({"code":"10000","msg":"Success","buyer_logon_id":"159****5620",)") +
         R"("buyer_user_id":"2088101117955611","fund_change":")" + (fund_change ? "Y" : "N") +
         R"(","gmt_refund_pay":"2026-11-23 22:10:00","out_trade_no":")" + std::string(out_trade_no) +
         R"(","refund_fee":")" + std::string(refund_fee) + R"(","send_back_fee":")" + std::string(refund_fee) +
         R"(","trade_no":"2026112322001456380542497258","store_name":"村集\/测试"})";
}

std::string alipay_fake::refund_refused(std::string_view code, std::string_view sub_code) {
  return R"({"code":")" + std::string(code) + R"(","msg":"Business Failed","sub_code":")" + std::string(sub_code) +
         R"(","sub_msg":"交易不存在"})";
}

}  // namespace cunji::test
