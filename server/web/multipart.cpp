#include "server/web/multipart.hpp"

#include <boost/beast/core/string.hpp>
#include <optional>

#include "core/text.hpp"

namespace cunji::server::web {

namespace {

using boost::beast::iequals;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The parameters of a header value after its first ';' (`a="x"; b=y`), quoted or not.
struct header_params {
  std::string_view first;  // the value before any ';'
  std::vector<std::pair<std::string_view, std::string_view>> params;
};

std::optional<header_params> split_params(std::string_view v) {
  header_params out;
  const auto semi = v.find(';');
  out.first = trim(v.substr(0, semi));
  if (semi == std::string_view::npos) return out;
  v.remove_prefix(semi + 1);
  while (!v.empty()) {
    v = trim(v);
    const auto eq = v.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    const auto key = trim(v.substr(0, eq));
    v = trim(v.substr(eq + 1));
    std::string_view value;
    if (!v.empty() && v.front() == '"') {
      const auto close = v.find('"', 1);
      if (close == std::string_view::npos) return std::nullopt;
      value = v.substr(1, close - 1);
      v.remove_prefix(close + 1);
      v = trim(v);
      if (!v.empty() && v.front() != ';') return std::nullopt;
    } else {
      value = trim(v.substr(0, v.find(';')));
      v.remove_prefix(std::min(v.size(), v.find(';')));
    }
    if (key.empty()) return std::nullopt;
    out.params.emplace_back(key, value);
    if (!v.empty()) v.remove_prefix(1);  // the ';'
  }
  return out;
}

std::optional<std::string_view> param(const header_params& h, std::string_view name) {
  for (const auto& [k, v] : h.params)
    if (iequals(k, name)) return v;
  return std::nullopt;
}

struct part_head {
  std::string name;
  std::optional<std::string> filename;
  std::string content_type;
};

// The header block of a part (without its final CRLF CRLF).
std::optional<part_head> read_head(std::string_view block) {
  part_head h;
  bool disposition = false;
  while (!block.empty()) {
    const auto eol = block.find("\r\n");
    const auto line = block.substr(0, eol);
    block.remove_prefix(eol == std::string_view::npos ? block.size() : eol + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    const auto key = line.substr(0, colon);
    const auto value = trim(line.substr(colon + 1));
    if (iequals(key, "content-disposition")) {
      const auto p = split_params(value);
      if (!p || !iequals(p->first, "form-data") || disposition) return std::nullopt;
      const auto name = param(*p, "name");
      if (!name || name->empty() || !text::utf8_length(*name)) return std::nullopt;
      h.name = std::string(*name);
      if (const auto f = param(*p, "filename")) h.filename = std::string(*f);
      disposition = true;
    } else if (iequals(key, "content-type")) {
      h.content_type = std::string(value);
    }
  }
  if (!disposition) return std::nullopt;
  return h;
}

}  // namespace

std::string multipart_boundary(std::string_view content_type) {
  const auto p = split_params(content_type);
  if (!p || !iequals(p->first, "multipart/form-data")) return "";
  const auto b = param(*p, "boundary");
  if (!b || b->empty() || b->size() > 70) return "";
  return std::string(*b);
}

multipart_form parse_multipart(std::string_view body, std::string_view boundary, const multipart_limits& lim) {
  multipart_form out;
  auto fail = [&out](multipart_error e) {
    out.fields.fields.clear();
    out.files.clear();
    out.error = e;
    return std::move(out);
  };
  if (boundary.empty()) return fail(multipart_error::malformed);
  const std::string delim = "\r\n--" + std::string(boundary);
  // The first delimiter has no CRLF before it (a preamble is not sent by browsers: refused).
  if (!body.starts_with(std::string_view(delim).substr(2))) return fail(multipart_error::malformed);
  std::size_t pos = delim.size() - 2;
  std::size_t parts = 0;
  for (;;) {
    if (body.substr(pos, 2) == "--") return out;  // the close delimiter; an epilogue is ignored
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;  // transport padding
    if (body.substr(pos, 2) != "\r\n") return fail(multipart_error::malformed);
    pos += 2;
    if (++parts > lim.max_parts) return fail(multipart_error::too_large);
    const auto head_end = body.find("\r\n\r\n", pos);
    if (head_end == std::string_view::npos)
      return fail(body.size() - pos > lim.max_header_bytes ? multipart_error::too_large : multipart_error::malformed);
    if (head_end - pos > lim.max_header_bytes) return fail(multipart_error::too_large);
    const auto head = read_head(body.substr(pos, head_end - pos));
    if (!head) return fail(multipart_error::malformed);
    const auto start = head_end + 4;
    // The data ends at the next CRLF "--" boundary followed by "--" or (padding and) CRLF; the
    // same bytes followed by anything else are data.
    std::size_t at = start, after = 0;
    for (;; ++at) {
      at = body.find(delim, at);
      if (at == std::string_view::npos) return fail(multipart_error::malformed);
      after = at + delim.size();
      auto rest = body.substr(after);
      if (rest.starts_with("--")) break;
      while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
      if (rest.starts_with("\r\n")) break;
    }
    const auto data = body.substr(start, at - start);
    if (head->filename) {
      if (!(head->filename->empty() && data.empty())) {
        if (data.size() > lim.max_file_bytes || out.files.size() == lim.max_files)
          return fail(multipart_error::too_large);
        out.files.push_back({head->name, *head->filename, head->content_type, data});
      }
    } else {
      if (data.size() > lim.max_field_bytes) return fail(multipart_error::too_large);
      if (!text::utf8_length(data)) return fail(multipart_error::malformed);
      out.fields.fields.emplace_back(head->name, std::string(data));
    }
    pos = after;
  }
}

}  // namespace cunji::server::web
