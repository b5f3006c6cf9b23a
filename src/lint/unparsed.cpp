#include "lint/unparsed.hpp"

#include <cctype>
#include <vector>

#include "lint/parser.hpp"

namespace slipway::lint {
namespace {

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

// The leading words of a statement: keywords and identifiers (quoted ones kept with their
// quotes), '.' as its own token; stops at the first other character.
std::vector<std::string> head_tokens(std::string_view text, std::size_t max_tokens) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (out.size() < max_tokens) {
    i = skip_blank(text, i, text.size());
    if (i >= text.size()) break;
    char c = text[i];
    if (c == '.') {
      out.emplace_back(".");
      ++i;
    } else if (c == '"') {
      std::string quoted = "\"";
      ++i;
      while (i < text.size()) {
        if (text[i] == '"' && i + 1 < text.size() && text[i + 1] == '"') {
          quoted += '"';
          i += 2;
        } else if (text[i] == '"') {
          ++i;
          break;
        } else {
          quoted += text[i++];
        }
      }
      out.push_back(quoted);
    } else if (word_char(c) && !std::isdigit(static_cast<unsigned char>(c))) {
      std::string word;
      while (i < text.size() && word_char(text[i]))
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i++])));
      out.push_back(word);
    } else {
      break;
    }
  }
  return out;
}

bool identifier(const std::string& t) { return !t.empty() && t != "."; }
std::string name_of(const std::string& t) { return t[0] == '"' ? t.substr(1) : t; }

}  // namespace

bool starts_like_sql(std::string_view statement) {
  std::size_t i = skip_blank(statement, 0, statement.size());
  // Template placeholders ({{ .Namespace }}, ${schema}) make any statement unparsable.
  bool template_text = statement.find("{{") != std::string_view::npos || statement.find("${") != std::string_view::npos;
  return !template_text && i < statement.size() && std::isalpha(static_cast<unsigned char>(statement[i]));
}

std::optional<std::string> relation_created_by_unparsed(std::string_view statement) {
  auto t = head_tokens(statement, 14);
  std::size_t i = 0;
  auto is = [&](std::string_view w) { return i < t.size() && t[i] == w; };
  if (!is("create")) return std::nullopt;
  ++i;
  if (is("or") && i + 1 < t.size() && t[i + 1] == "replace") i += 2;
  bool index = false;
  if (is("global") || is("local")) ++i;
  if (is("temp") || is("temporary") || is("unlogged")) ++i;
  if (is("unique")) ++i;
  if (is("table") || is("view") || is("sequence")) {
    ++i;
  } else if (is("materialized") && i + 1 < t.size() && t[i + 1] == "view") {
    i += 2;
  } else if (is("index")) {
    index = true;
    ++i;
    if (is("concurrently")) ++i;
  } else {
    return std::nullopt;
  }
  if (is("if") && i + 2 < t.size() && t[i + 1] == "not" && t[i + 2] == "exists") i += 3;
  if (i >= t.size() || !identifier(t[i]) || (index && t[i] == "on")) return std::nullopt;  // unnamed index
  std::string name = name_of(t[i]);
  if (i + 2 < t.size() && t[i + 1] == "." && identifier(t[i + 2])) name += "." + name_of(t[i + 2]);
  return name;
}

}  // namespace slipway::lint
