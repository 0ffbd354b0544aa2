#pragma once
// A fake Alipay gateway on loopback (plain HTTP) for the refund sender's tests: it checks each
// request's signature as Alipay does (alipay_fake::gateway_accepts), refunds each out_request_no
// at most once, and answers as Alipay does (alipay_fake::refund_answer), or as scripted: a 500,
// an answer whose signature is not Alipay's, a refusal (40004), or no answer at all.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/alipay_fake.hpp"

namespace cunji::test {

class alipay_gateway {
 public:
  enum class answer {
    as_alipay,        // checks the request and refunds (code 10000; fund_change N for a repeat)
    http_500,         // an error page, nothing refunded
    bad_signature,    // refunds, but the answer is signed with another key than Alipay's
    trade_not_exist,  // code 40004 ACQ.TRADE_NOT_EXIST, signed, nothing refunded
    no_answer,        // closes the connection without answering, nothing refunded
  };
  struct received {
    alipay_fake::params params;  // the form as decoded
    bool signature_ok = false;
    std::string out_trade_no, refund_amount, out_request_no;  // from biz_content
  };

  alipay_gateway();
  ~alipay_gateway();
  alipay_gateway(const alipay_gateway&) = delete;
  alipay_gateway& operator=(const alipay_gateway&) = delete;

  std::string url() const;  // http://127.0.0.1:<port>/gateway.do
  // How to answer the next requests, in order; after them, as_alipay.
  void script(std::vector<answer> next);
  std::vector<received> requests() const;
  // Money refunded: the refund_amount of each out_request_no, once.
  std::map<std::string, std::string> refunded() const;

 private:
  void serve();
  std::string respond(const std::string& body, bool& close_only);

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  mutable std::mutex m_;
  std::vector<answer> script_;
  std::vector<received> requests_;
  std::map<std::string, std::string> refunded_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace cunji::test
