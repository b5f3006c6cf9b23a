#include "lint/directives.hpp"

#include "lint/rule.hpp"
#include "util/error.hpp"

namespace slipway::lint {
namespace {

constexpr std::string_view ignore_tag = "slipway:ignore";
constexpr std::string_view ignore_file_tag = "slipway:ignore-file";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == ','; }

// Parses the rule list after a tag; validates every id.
void read_rules(std::string_view rest, std::size_t rest_offset, IgnoreSet& out, const Locator& locate) {
  std::size_t i = 0;
  bool any = false;
  while (i < rest.size()) {
    while (i < rest.size() && is_space(rest[i])) ++i;
    std::size_t start = i;
    while (i < rest.size() && !is_space(rest[i]) && rest[i] != '\n') ++i;
    if (start == i) break;
    std::string id(rest.substr(start, i - start));
    if (id == "--" || id.rfind("--", 0) == 0) break;  // a trailing explanation
    if (id != syntax_error_rule && !find_rule(id)) {
      auto p = locate(rest_offset + start);
      throw InputError("unknown rule \"" + id + "\" in slipway:ignore at line " + std::to_string(p.line) + ":" +
                           std::to_string(p.col),
                       "run `slipway lint --list-rules` for the rule ids");
    }
    out.rules.insert(id);
    any = true;
  }
  if (!any) out.all = true;
}

// Calls f(comment_body, body_offset) for every `--` comment in text[from, to) that starts a line
// or follows only whitespace; block comments are not directive carriers.
template <typename F>
void each_line_comment(std::string_view text, std::size_t from, std::size_t to, F&& f) {
  std::size_t i = from;
  while (i < to) {
    std::size_t eol = text.find('\n', i);
    if (eol == std::string_view::npos || eol > to) eol = to;
    std::size_t j = i;
    while (j < eol && (text[j] == ' ' || text[j] == '\t')) ++j;
    if (j + 1 < eol && text[j] == '-' && text[j + 1] == '-') f(text.substr(j + 2, eol - j - 2), j + 2);
    i = eol + 1;
  }
}

}  // namespace

IgnoreSet ignored_rules(std::string_view text, std::size_t from, std::size_t to, const Locator& locate) {
  IgnoreSet out;
  if (text.substr(from, to - from).find(ignore_tag) == std::string_view::npos) return out;
  each_line_comment(text, from, to, [&](std::string_view body, std::size_t offset) {
    std::size_t j = 0;
    while (j < body.size() && body[j] == ' ') ++j;
    if (body.substr(j, ignore_tag.size()) != ignore_tag) return;
    std::size_t after = j + ignore_tag.size();
    if (after < body.size() && body[after] == '-') return;  // ignore-file is handled separately
    read_rules(body.substr(after), offset + after, out, locate);
  });
  return out;
}

IgnoreSet file_ignore_directive(std::string_view text, const Locator& locate) {
  IgnoreSet out;
  if (text.find(ignore_file_tag) == std::string_view::npos) return out;
  each_line_comment(text, 0, text.size(), [&](std::string_view body, std::size_t offset) {
    std::size_t j = 0;
    while (j < body.size() && body[j] == ' ') ++j;
    if (body.substr(j, ignore_file_tag.size()) != ignore_file_tag) return;
    std::size_t after = j + ignore_file_tag.size();
    read_rules(body.substr(after), offset + after, out, locate);
  });
  return out;
}

}  // namespace slipway::lint
