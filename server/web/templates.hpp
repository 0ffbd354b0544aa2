#pragma once
// The page templates (kainjow Mustache): files under server/web/templates/, embedded at build
// time and parsed once at start. A template that does not parse, or breaks a rule of
// lint_template(), stops the server from starting.
//
// layout.mustache is the one page frame; its {{{body}}} is the only unescaped slot, where the
// page's own template (rendered escaped) goes.
#include <kainjow/mustache.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cunji::server::web {

using view = kainjow::mustache::data;

// What is wrong with a template's text, one line per problem; empty when it is fine. Rules:
// no `{{{`/`{{&` but the layout's one `{{{body}}}`; no <script> at all; no variable inside
// <style>, in an on*= or style= attribute, in an unquoted attribute value, or as an attribute
// name (sections {{#x}} {{^x}} {{/x}} may wrap attributes).
std::vector<std::string> lint_template(std::string_view name, std::string_view text);

class page_templates {
 public:
  // Parses and lints every file; throws std::runtime_error naming the first bad one.
  explicit page_templates(const std::vector<std::pair<std::string_view, std::string_view>>& files);

  // Renders template `name` (without ".mustache"); throws if there is none. Names not in `v` are
  // looked up in `shared` (when given): data every page uses, such as the message catalogue,
  // kept once instead of copied into each page's view.
  std::string render(std::string_view name, const view& v, const view* shared = nullptr) const;
  // The CSP source of the layout's one inline <style>: "'sha256-…'".
  const std::string& style_source() const noexcept { return style_source_; }
  // Bytes of that <style> block's text.
  std::size_t style_bytes() const noexcept { return style_bytes_; }

 private:
  using parsed = kainjow::mustache::mustache;
  // kainjow renders through a non-const object: each render borrows a copy of the parsed
  // template from a free list (one per template), so threads never share one, and the copy
  // is made once per concurrent render rather than at every request.
  struct entry {
    explicit entry(parsed p) : original(std::move(p)) {}
    parsed original;
    mutable std::mutex m;
    mutable std::vector<std::unique_ptr<parsed>> free;
  };
  std::map<std::string, std::unique_ptr<entry>, std::less<>> parsed_;
  std::string style_source_;
  std::size_t style_bytes_ = 0;
};

// The templates compiled into the binary, by file name.
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_templates();

}  // namespace cunji::server::web
