#include "pg/quote.hpp"

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

std::string quote_ident_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += quote_ident(n);
  }
  return out;
}

}  // namespace slipway::pg
