#include "server/web/templates.hpp"

#include <sodium.h>

#include <stdexcept>

#include "server/crypto.hpp"

namespace cunji::embedded {
const std::vector<std::pair<std::string_view, std::string_view>>& page_templates();
}

namespace cunji::server::web {

const std::vector<std::pair<std::string_view, std::string_view>>& embedded_templates() {
  return embedded::page_templates();
}

namespace {

bool starts_with_ci(std::string_view s, std::size_t at, std::string_view word) {
  if (s.size() - at < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[at + i])) != word[i]) return false;
  return true;
}

// Whether the mustache tag at `at` ("{{" ...) is a section, an inverted section, an end or a
// comment: tags that print nothing of their own.
bool is_structural_tag(std::string_view s, std::size_t at) {
  const char c = at + 2 < s.size() ? s[at + 2] : '\0';
  return c == '#' || c == '^' || c == '/' || c == '!';
}

struct linter {
  std::string_view name, s;
  std::vector<std::string> out;

  void add(const std::string& what) { out.push_back(std::string(name) + ": " + what); }

  // Checks the attributes of the tag whose name ends at `i`; returns the position after '>'.
  std::size_t tag(std::size_t i) {
    while (i < s.size() && s[i] != '>') {
      if (s.compare(i, 2, "{{") == 0) {
        if (!is_structural_tag(s, i)) add("a variable outside a quoted attribute value");
        i = s.find("}}", i);
        if (i == std::string_view::npos) return s.size();
        i += 2;
        continue;
      }
      if (std::isspace(static_cast<unsigned char>(s[i]))) {
        ++i;
        continue;
      }
      const auto attr_start = i;
      while (i < s.size() && s[i] != '=' && s[i] != '>' && !std::isspace(static_cast<unsigned char>(s[i])) &&
             s.compare(i, 2, "{{") != 0)
        ++i;
      std::string attr(s.substr(attr_start, i - attr_start));
      for (auto& ch : attr) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (i >= s.size() || s[i] != '=') continue;
      ++i;
      std::string_view value;
      if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
        const auto close = s.find(s[i], i + 1);
        if (close == std::string_view::npos) return s.size();
        value = s.substr(i + 1, close - i - 1);
        i = close + 1;
      } else {
        const auto start = i;
        while (i < s.size() && s[i] != '>' && !std::isspace(static_cast<unsigned char>(s[i]))) {
          if (s.compare(i, 2, "{{") == 0) add("a variable in the unquoted value of " + attr);
          ++i;
        }
        value = s.substr(start, i - start);
      }
      if (value.find("{{") != std::string_view::npos && (attr.starts_with("on") || attr == "style"))
        add("a variable in the " + attr + " attribute");
    }
    return i < s.size() ? i + 1 : i;
  }

  void run() {
    for (std::size_t at = s.find("{{"); at != std::string_view::npos; at = s.find("{{", at + 2)) {
      if (at + 2 < s.size() && (s[at + 2] == '{' || s[at + 2] == '&')) {
        const bool slot = name == "layout.mustache" && s.compare(at, 10, "{{{body}}}") == 0;
        if (!slot) add("an unescaped variable at byte " + std::to_string(at));
      }
    }
    if (name == "layout.mustache" && s.find("{{{body}}}") != s.rfind("{{{body}}}")) add("more than one body slot");
    for (std::size_t i = 0; i < s.size();) {
      if (s[i] != '<') {
        ++i;
        continue;
      }
      if (starts_with_ci(s, i, "<script")) add("a <script> element");
      if (starts_with_ci(s, i, "<style") || starts_with_ci(s, i, "<script")) {
        const bool style = starts_with_ci(s, i, "<style");
        auto end = s.find(style ? "</style" : "</script", i);
        if (end == std::string_view::npos) end = s.size();
        const auto open_end = s.find('>', i);
        if (s.substr(i, end - i).find("{{") != std::string_view::npos)
          add(std::string("a variable inside <") + (style ? "style>" : "script>"));
        (void)open_end;
        i = end + 1;
        continue;
      }
      std::size_t j = i + 1;
      if (j < s.size() && (std::isalpha(static_cast<unsigned char>(s[j])) || s[j] == '/')) {
        while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '/' || s[j] == '!')) ++j;
        i = tag(j);
      } else {
        i = j;
      }
    }
  }
};

// The text of the layout's <style> element.
std::string_view style_text(std::string_view layout) {
  const auto open = layout.find("<style>");
  const auto close = layout.find("</style>");
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return {};
  return layout.substr(open + 7, close - open - 7);
}

std::string base64(const unsigned char* p, std::size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), p, n, sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);
  return out;
}

}  // namespace

std::vector<std::string> lint_template(std::string_view name, std::string_view text) {
  linter l{name, text, {}};
  l.run();
  return std::move(l.out);
}

page_templates::page_templates(const std::vector<std::pair<std::string_view, std::string_view>>& files) {
  for (const auto& [file, text] : files) {
    const auto problems = lint_template(file, text);
    if (!problems.empty()) throw std::runtime_error("page template " + problems.front());
    kainjow::mustache::mustache m{std::string(text)};
    if (!m.is_valid()) throw std::runtime_error("page template " + std::string(file) + ": " + m.error_message());
    auto key = std::string(file);
    if (key.ends_with(".mustache")) key.resize(key.size() - 9);
    if (key == "layout") {
      const auto style = style_text(text);
      if (style.empty() || style.find("{{") != std::string_view::npos)
        throw std::runtime_error("page template layout.mustache: needs one constant <style> block");
      const auto digest = sha256(style);
      style_source_ = "'sha256-" + base64(digest.data(), digest.size()) + "'";
      style_bytes_ = style.size();
    }
    parsed_.emplace(std::move(key), std::make_unique<entry>(std::move(m)));
  }
  if (!parsed_.contains("layout")) throw std::runtime_error("page templates: no layout.mustache");
}

std::string page_templates::render(std::string_view name, const view& v, const view* shared) const {
  const auto it = parsed_.find(name);
  if (it == parsed_.end()) throw std::logic_error("no page template " + std::string(name));
  auto& e = *it->second;
  std::unique_ptr<parsed> copy;
  {
    std::lock_guard lk(e.m);
    if (!e.free.empty()) {
      copy = std::move(e.free.back());
      e.free.pop_back();
    }
  }
  if (!copy) copy = std::make_unique<parsed>(e.original);
  // The context looks a name up in `v` first, then in `shared`.
  kainjow::mustache::context<std::string> ctx;
  if (shared) ctx.push(shared);
  ctx.push(&v);
  auto out = copy->render(ctx);
  std::lock_guard lk(e.m);
  e.free.push_back(std::move(copy));
  return out;
}

}  // namespace cunji::server::web
