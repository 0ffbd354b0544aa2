#include "support/alipay_gateway.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace cunji::test {
namespace {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

// The string value of `"key":"..."` in a flat JSON object (biz_content), or "".
std::string json_field(const std::string& json, const std::string& key) {
  const auto start = json.find("\"" + key + "\":\"");
  if (start == std::string::npos) return {};
  const auto from = start + key.size() + 4;
  return json.substr(from, json.find('"', from) - from);
}

}  // namespace

alipay_gateway::alipay_gateway() : acceptor_(ioc_, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
  thread_ = std::thread([this] { serve(); });
}

alipay_gateway::~alipay_gateway() {
  boost::system::error_code ec;
  // Wakes the blocking accept: a connection to ourselves, after which serve() sees the flag.
  {
    std::lock_guard lk(m_);
    stopping_ = true;
  }
  tcp::socket wake(ioc_);
  wake.connect(acceptor_.local_endpoint(), ec);
  thread_.join();
}

std::string alipay_gateway::url() const {
  return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/gateway.do";
}

void alipay_gateway::script(std::vector<answer> next) {
  std::lock_guard lk(m_);
  script_ = std::move(next);
}

std::vector<alipay_gateway::received> alipay_gateway::requests() const {
  std::lock_guard lk(m_);
  return requests_;
}

std::map<std::string, std::string> alipay_gateway::refunded() const {
  std::lock_guard lk(m_);
  return refunded_;
}

void alipay_gateway::serve() {
  for (;;) {
    tcp::socket sock(ioc_);
    boost::system::error_code ec;
    acceptor_.accept(sock, ec);
    {
      std::lock_guard lk(m_);
      if (stopping_) return;
    }
    if (ec) continue;
    boost::beast::flat_buffer buf;
    http::request<http::string_body> req;
    http::read(sock, buf, req, ec);
    if (ec) continue;
    bool close_only = false;
    const auto body = respond(req.body(), close_only);
    if (close_only) continue;  // the socket closes unanswered
    http::response<http::string_body> res{body.empty() ? http::status::internal_server_error : http::status::ok, 11};
    res.set(http::field::content_type, body.empty() ? "text/html" : "application/json;charset=utf-8");
    res.body() = body.empty() ? "<html>500 Internal Server Error</html>" : body;
    res.keep_alive(false);
    res.prepare_payload();
    http::write(sock, res, ec);
  }
}

// The answer's body ("" for a 500), as scripted.
std::string alipay_gateway::respond(const std::string& body, bool& close_only) {
  received r;
  r.params = alipay_fake::decode(body);
  r.signature_ok = alipay_fake::gateway_accepts(r.params);
  const auto biz = r.params.contains("biz_content") ? r.params.at("biz_content") : std::string();
  r.out_trade_no = json_field(biz, "out_trade_no");
  r.refund_amount = json_field(biz, "refund_amount");
  r.out_request_no = json_field(biz, "out_request_no");
  std::lock_guard lk(m_);
  requests_.push_back(r);
  auto how = answer::as_alipay;
  if (!script_.empty()) {
    how = script_.front();
    script_.erase(script_.begin());
  }
  if (how == answer::http_500) return {};
  if (how == answer::no_answer) {
    close_only = true;
    return {};
  }
  if (how == answer::trade_not_exist)
    return alipay_fake::refund_answer(alipay_fake::refund_refused("40004", "ACQ.TRADE_NOT_EXIST"));
  // What Alipay does with a request it can check: an unsigned or forged one is refused.
  if (!r.signature_ok || r.params["method"] != "alipay.trade.refund")
    return alipay_fake::refund_answer(alipay_fake::refund_refused("40002", "isv.invalid-signature"));
  const bool first = refunded_.emplace(r.out_request_no, r.refund_amount).second;
  const auto made = alipay_fake::refund_made(r.out_trade_no, r.refund_amount, first);
  return alipay_fake::refund_answer(
      made, how == answer::bad_signature ? alipay_fake::key::merchant : alipay_fake::key::alipay);
}

}  // namespace cunji::test
