// multipart/form-data bodies: fields and files, boundaries inside the data, limits, and
// malformed input (a problem, never a crash).
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "server/web/multipart.hpp"

using namespace cunji::server::web;

namespace {

const std::string b = "----cunjiB0undary";

std::string field_part(const std::string& name, const std::string& value) {
  return "--" + b + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
}

std::string file_part(const std::string& name, const std::string& filename, const std::string& bytes) {
  return "--" + b + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename +
         "\"\r\nContent-Type: image/jpeg\r\n\r\n" + bytes + "\r\n";
}

std::string end() { return "--" + b + "--\r\n"; }

}  // namespace

TEST_CASE("multipart: the boundary of a multipart/form-data type", "[server][web][multipart]") {
  CHECK(multipart_boundary("multipart/form-data; boundary=abc") == "abc");
  CHECK(multipart_boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b;c\"") == "a b;c");
  CHECK(multipart_boundary("multipart/form-data") == "");
  CHECK(multipart_boundary("multipart/form-data; boundary=") == "");
  CHECK(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'x')) == "");
  CHECK(multipart_boundary("multipart/mixed; boundary=abc") == "");
  CHECK(multipart_boundary("application/x-www-form-urlencoded") == "");
}

TEST_CASE("multipart: fields and a file", "[server][web][multipart]") {
  const std::string jpeg = std::string("\xFF\xD8\xFF\xE0", 4) + std::string("\0\r\n--x\r\n", 8) + "\xFF\xD9";
  const auto body = field_part("title", "奉节脐橙") + field_part("price", "12.50") + file_part("photo", "a.jpg", jpeg) +
                    field_part("empty", "") + end();
  const auto f = parse_multipart(body, b);
  REQUIRE(f.error == multipart_error::none);
  CHECK(f.fields.str("title") == "奉节脐橙");
  CHECK(f.fields.str("price") == "12.50");
  CHECK(f.fields.get("empty") == std::string_view(""));
  REQUIRE(f.files.size() == 1);
  CHECK(f.files[0].name == "photo");
  CHECK(f.files[0].filename == "a.jpg");
  CHECK(f.files[0].content_type == "image/jpeg");
  CHECK(f.files[0].bytes == jpeg);
  // An empty file input (no file chosen) is no file.
  const auto none = parse_multipart(field_part("t", "x") + file_part("photo", "", "") + end(), b);
  REQUIRE(none.error == multipart_error::none);
  CHECK(none.files.empty());
}

TEST_CASE("multipart: the boundary's bytes inside the data are data", "[server][web][multipart]") {
  // Without the CRLF before it, followed by another character, or cut short.
  const std::string tricky = "a--" + b + "\r\nb\r\n--" + b + "x\r\n--" + b.substr(0, 5);
  const auto body = field_part("d", tricky) + file_part("photo", "p.jpg", tricky) + end();  // outlives the views
  const auto f = parse_multipart(body, b);
  REQUIRE(f.error == multipart_error::none);
  CHECK(f.fields.str("d") == tricky);
  REQUIRE(f.files.size() == 1);
  CHECK(f.files[0].bytes == tricky);
  // Transport padding after a delimiter is allowed.
  const auto padded = "--" + b + "  \r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n" + end();
  CHECK(parse_multipart(padded, b).fields.str("a") == "1");
}

TEST_CASE("multipart: limits answer too_large", "[server][web][multipart]") {
  multipart_limits lim;
  lim.max_parts = 3;
  lim.max_field_bytes = 10;
  lim.max_file_bytes = 20;
  lim.max_header_bytes = 200;
  CHECK(parse_multipart(field_part("a", "1") + field_part("b", "2") + field_part("c", "3") + end(), b, lim).error ==
        multipart_error::none);
  CHECK(parse_multipart(
            field_part("a", "1") + field_part("b", "2") + field_part("c", "3") + field_part("d", "4") + end(), b, lim)
            .error == multipart_error::too_large);
  CHECK(parse_multipart(field_part("a", std::string(10, 'x')) + end(), b, lim).error == multipart_error::none);
  CHECK(parse_multipart(field_part("a", std::string(11, 'x')) + end(), b, lim).error == multipart_error::too_large);
  CHECK(parse_multipart(file_part("p", "p.jpg", std::string(20, 'x')) + end(), b, lim).error == multipart_error::none);
  CHECK(parse_multipart(file_part("p", "p.jpg", std::string(21, 'x')) + end(), b, lim).error ==
        multipart_error::too_large);
  CHECK(parse_multipart(file_part("p", "p.jpg", "1") + file_part("q", "q.jpg", "2") + end(), b, lim).error ==
        multipart_error::too_large);  // one file at most
  const auto long_head = "--" + b + "\r\nContent-Disposition: form-data; name=\"" + std::string(300, 'n') +
                         "\"\r\n\r\n1\r\n" + end();
  CHECK(parse_multipart(long_head, b, lim).error == multipart_error::too_large);
  const auto endless_head = "--" + b + "\r\nX-A: " + std::string(300, 'n');
  CHECK(parse_multipart(endless_head, b, lim).error == multipart_error::too_large);
}

TEST_CASE("multipart: malformed bodies are refused", "[server][web][multipart]") {
  const auto ok = field_part("a", "1") + end();
  REQUIRE(parse_multipart(ok, b).error == multipart_error::none);
  const std::vector<std::string> bad{
      "",
      "preamble\r\n" + ok,                                                   // not at the first delimiter
      field_part("a", "1"),                                                  // no close delimiter
      "--" + b + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1",  // data never ends
      "--" + b + "\r\nContent-Disposition: form-data; name=\"a\"\r\n",       // header block never ends
      "--" + b + "\r\n\r\n1\r\n" + end(),                                    // no header at all
      "--" + b + "\r\nContent-Type: text/plain\r\n\r\n1\r\n" + end(),        // no Content-Disposition
      "--" + b + "\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\n1\r\n" + end(),
      "--" + b + "\r\nContent-Disposition: form-data\r\n\r\n1\r\n" + end(),             // no name
      "--" + b + "\r\nContent-Disposition: form-data; name=\"\"\r\n\r\n1\r\n" + end(),  // empty name
      "--" + b + "\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n" + end(),   // unclosed quote
      "--" + b + "\r\nno colon here\r\n\r\n1\r\n" + end(),
      "--" + b + "junk\r\n" + ok.substr(b.size() + 4),  // junk after a delimiter
      field_part("a", "\xC0\xAF") + end(),              // not UTF-8
  };
  for (const auto& body : bad) {
    INFO(body);
    const auto f = parse_multipart(body, b);
    CHECK(f.error == multipart_error::malformed);
    CHECK(f.fields.fields.empty());
    CHECK(f.files.empty());
  }
  CHECK(parse_multipart(ok, "").error == multipart_error::malformed);
}

TEST_CASE("multipart: random bytes and cut bodies never crash", "[server][web][multipart]") {
  const auto whole = field_part("title", "橙") + file_part("photo", "a.jpg", "\xFF\xD8 bytes \xFF\xD9") + end();
  for (std::size_t n = 0; n + 2 < whole.size(); ++n) {  // the last CRLF is optional
    const auto f = parse_multipart(whole.substr(0, n), b);
    CHECK(f.error != multipart_error::none);
  }
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    auto body = whole;
    for (int k = 0; k < 3; ++k) body[rng() % body.size()] = static_cast<char>(rng() % 256);
    const auto f = parse_multipart(body, b);
    if (f.error != multipart_error::none) CHECK((f.fields.fields.empty() && f.files.empty()));
  }
}
