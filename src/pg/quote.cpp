#include "pg/quote.hpp"

#include <set>

#include <cctype>
#include <cstdint>
#include <cstdio>

#include "util/stable_hash.hpp"

namespace slipway::pg {

std::string quote_ident(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out += '"';
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string qualified(std::string_view schema, std::string_view name) {
  return quote_ident(schema) + "." + quote_ident(name);
}

std::string quote_literal(std::string_view value) {
  std::string out;
  bool backslash = value.find('\\') != std::string_view::npos;
  if (backslash) out += 'E';
  out += '\'';
  for (char c : value) {
    if (c == '\'') out += '\'';
    if (c == '\\') out += '\\';
    out += c;
  }
  out += '\'';
  return out;
}

std::string dollar_quote(std::string_view body) {
  std::string tag = "$_slipway_$";
  for (int n = 1; body.find(tag) != std::string_view::npos; ++n) tag = "$_slipway_" + std::to_string(n) + "$";
  return tag + std::string(body) + tag;
}

std::optional<QualifiedName> split_qualified(std::string_view text, bool fold_unquoted) {
  std::vector<std::string> parts(1);
  bool quoted = false, part_quoted = false;
  auto end_part = [&] {
    if (fold_unquoted && !part_quoted)
      for (char& ch : parts.back()) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c != '"') parts.back() += c;
      else if (i + 1 < text.size() && text[i + 1] == '"') parts.back() += text[++i];
      else quoted = false;
    } else if (c == '"' && parts.back().empty() && !part_quoted) {
      quoted = part_quoted = true;
    } else if (c == '.') {
      if (parts.back().empty()) return std::nullopt;
      end_part();
      parts.emplace_back();
      part_quoted = false;
    } else if (part_quoted) {
      return std::nullopt;  // text after a closing quote
    } else {
      parts.back() += c;
    }
  }
  if (quoted || parts.back().empty() || parts.size() > 2) return std::nullopt;
  end_part();
  if (parts.size() == 1) return QualifiedName{"", parts[0]};
  return QualifiedName{parts[0], parts[1]};
}

std::string fit_identifier(std::string name) {
  if (name.size() <= 63) return name;
  char suffix[10];
  std::snprintf(suffix, sizeof suffix, "_%08x", stable_hash(name));
  size_t cut = 54;  // on a character boundary: never half a UTF-8 sequence
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  return name.substr(0, cut) + suffix;
}

std::string generated_constraint_name(std::string_view table, const std::vector<std::string>& columns,
                                      std::string_view suffix) {
  std::string name(table);
  for (const auto& c : columns) name += "_" + c;
  return fit_identifier(name + "_" + std::string(suffix));
}

std::string quote_ident_if_needed(std::string_view name) {
  // PostgreSQL 15's reserved keywords and those reserved except as function or type names
  // (Appendix C): as a bare identifier each is a syntax error.
  static const std::set<std::string, std::less<>> reserved = {
      "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "binary",
      "both", "case", "cast", "check", "collate", "collation", "column", "concurrently", "constraint", "create",
      "cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time",
      "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end",
      "except", "false", "fetch", "for", "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike",
      "in", "initially", "inner", "intersect", "into", "is", "isnull", "join", "lateral", "leading", "left",
      "like", "limit", "localtime", "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only",
      "or", "order", "outer", "overlaps", "placing", "primary", "references", "returning", "right", "select",
      "session_user", "similar", "some", "symmetric", "table", "tablesample", "then", "to", "trailing", "true",
      "union", "unique", "user", "using", "variadic", "verbose", "when", "where", "window", "with"};
  bool plain = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) plain = false;
  return plain && !reserved.count(name) ? std::string(name) : quote_ident(name);
}

std::string quote_ident_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += quote_ident(n);
  }
  return out;
}

}  // namespace slipway::pg
