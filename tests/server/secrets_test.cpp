// Secrets stay secret: with the access log on, a session of registrations, logins, reads,
// orders and failures writes neither a token, a password nor a password hash to the log, and no
// response carries a password or a hash.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "order_fixture.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {

// Sends everything written to file descriptor 2 (the server's log) to a file while it lives.
class stderr_capture {
 public:
  explicit stderr_capture(const std::string& path) : path_(path) {
    std::fflush(stderr);
    saved_ = dup(2);
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(dup2(fd, 2) == 2);
    close(fd);
  }
  stderr_capture(const stderr_capture&) = delete;
  stderr_capture& operator=(const stderr_capture&) = delete;
  ~stderr_capture() { restore(); }
  std::string finish() {
    restore();
    std::ifstream in(path_);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    dup2(saved_, 2);
    close(saved_);
    saved_ = -1;
  }
  std::string path_;
  int saved_ = -1;
};

}  // namespace

TEST_CASE("tokens, passwords and password hashes appear in no log line and no response", "[server][security]") {
  temp_dir dir;
  std::vector<std::string> secrets;
  std::vector<reply> replies;
  std::string log;
  {
    test_server s([](server::server_config& c) { c.quiet = false; });
    stderr_capture capture(dir.file("server.log"));
    const std::string password = "secret-passphrase-42";
    auto r = s.post("/v1/accounts",
                    R"({"role":"buyer","name":"王芳","phone":"+8613900000042","password":")" + password + "\"}");
    REQUIRE(r.status == 201);
    replies.push_back(r);
    r = s.post("/v1/sessions", R"({"phone":"+8613900000042","password":")" + password + "\"}");
    REQUIRE(r.status == 201);
    replies.push_back(r);
    const std::string token = std::string(r.json().at("token").as_string());
    replies.push_back(s.post("/v1/sessions", R"({"phone":"+8613900000042","password":"wrong-guess-77"})"));
    replies.push_back(s.get("/v1/me", token));
    replies.push_back(s.get("/v1/orders?limit=5", token));
    replies.push_back(s.get("/v1/orders/999999", token));
    replies.push_back(s.get("/v1/me", token + "x"));  // a near-miss token
    market m(s);
    replies.push_back(s.post("/v1/orders", m.order_body(m.shop, m.listing, 1), token));
    replies.push_back(s.post("/v1/orders", "{not json", token));
    replies.push_back(s.get("/v1/me?token=" + token, m.farmer));  // a token in a query string
    replies.push_back(s.del("/v1/sessions/current", token));
    secrets = {password, "wrong-guess-77", token, m.farmer, m.partner, m.admin, "$argon2"};
    log = capture.finish();
  }
  // The capture saw the access log (so an empty log cannot pass by accident).
  CHECK(log.find("POST /v1/sessions 201") != std::string::npos);
  CHECK(log.find("GET /v1/orders/{id} 404") != std::string::npos);
  CHECK(log.find("GET /v1/me 200") != std::string::npos);
  for (const auto& secret : secrets) {
    INFO("secret: " << secret.substr(0, 12));
    CHECK(log.find(secret) == std::string::npos);
  }
  // Responses: the login's own token is the one secret a response may carry, to its owner.
  for (std::size_t i = 0; i < replies.size(); ++i) {
    INFO("reply " << i << ": " << replies[i].body.substr(0, 200));
    CHECK(replies[i].body.find("secret-passphrase-42") == std::string::npos);
    CHECK(replies[i].body.find("wrong-guess-77") == std::string::npos);
    CHECK(replies[i].body.find("$argon2") == std::string::npos);
    CHECK(replies[i].body.find("password_hash") == std::string::npos);
    if (i != 1) CHECK(replies[i].body.find(secrets[2]) == std::string::npos);
  }
}
