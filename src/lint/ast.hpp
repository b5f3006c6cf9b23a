// Small readers over libpg_query's JSON parse tree (Json), shared by the classifier
// and the rules. Missing fields read as empty/false/-1, as libpg_query omits default values.
#pragma once
#include <nlohmann/json.hpp>

#include "lint/tree.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace slipway::lint::ast {


inline const Json* get(const Json& n, std::string_view key) {
  if (!n.is_object()) return nullptr;
  auto it = n.find(key);
  return it == n.end() ? nullptr : &*it;
}
inline std::string str(const Json& n, std::string_view key) {
  auto* v = get(n, key);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}
inline bool flag(const Json& n, std::string_view key) {
  auto* v = get(n, key);
  return v && v->is_boolean() && v->get<bool>();
}
inline int integer(const Json& n, std::string_view key, int fallback = -1) {
  auto* v = get(n, key);
  return v && v->is_number_integer() ? v->get<int>() : fallback;
}
inline const Json& list(const Json& n, std::string_view key) {
  static const Json empty = Json::array();
  auto* v = get(n, key);
  return v && v->is_array() ? *v : empty;
}
// A wrapped node {"Kind": body}: its kind, or "" when `n` is not one.
inline std::string_view kind(const Json& n) {
  if (!n.is_object() || n.size() != 1) return {};
  return n.begin().key();
}
inline const Json& body(const Json& n) { return n.begin().value(); }
// The body when `n` is a node of that kind, else nullptr.
inline const Json* as(const Json& n, std::string_view k) {
  return kind(n) == k ? &body(n) : nullptr;
}
// ["a","b"] from a list of String nodes.
inline std::vector<std::string> strings(const Json& lst) {
  std::vector<std::string> out;
  if (!lst.is_array()) return out;
  for (auto& item : lst)
    if (auto* s = as(item, "String")) out.push_back(str(*s, "sval"));
  return out;
}
inline std::string join(const std::vector<std::string>& parts, std::string_view sep = ".") {
  std::string out;
  for (auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}
// A RangeVar's table name, schema-qualified when the SQL qualifies it.
inline std::string relation(const Json* rangevar) {
  if (!rangevar) return {};
  std::string schema = str(*rangevar, "schemaname");
  std::string rel = str(*rangevar, "relname");
  return schema.empty() ? rel : schema + "." + rel;
}
// The type's own name without the pg_catalog qualifier, e.g. "varchar", "int4", "serial".
inline std::string type_name(const Json& type_name_node) {
  auto names = strings(list(type_name_node, "names"));
  return names.empty() ? std::string() : names.back();
}
// Integer type modifiers, e.g. {20} for varchar(20), {10,2} for numeric(10,2).
std::vector<int> typmods(const Json& type_name_node);
bool is_array_type(const Json& type_name_node);

// True when a ColumnDef gives existing rows a value: a DEFAULT (even DEFAULT NULL, as
// PostgreSQL counts it), a serial type or a generated expression. Without one, ADD COLUMN ... REFERENCES is
// marked valid with no scan (parse_utilcmd.c: "adding a column with NULL default, we can
// safely skip validation of FK constraints").
inline bool column_has_value_expression(const Json& col) {
  if (auto* t = get(col, "typeName")) {  // serial types default to nextval()
    auto names = strings(list(*t, "names"));
    if (!names.empty() && (names.back() == "serial" || names.back() == "bigserial" || names.back() == "smallserial" ||
                           names.back() == "serial4" || names.back() == "serial8" || names.back() == "serial2"))
      return true;
  }
  for (auto& c : list(col, "constraints"))
    if (auto* con = as(c, "Constraint")) {
      std::string t = str(*con, "contype");
      if (t == "CONSTR_DEFAULT" || t == "CONSTR_GENERATED") return true;
    }
  return false;
}

// Calls f(node_kind, body) for every wrapped node below `n` (depth first).
template <typename F>
void walk(const Json& n, F&& f) {
  if (n.is_object()) {
    if (n.size() == 1 && n.begin().value().is_object() && !n.begin().key().empty() &&
        std::isupper(static_cast<unsigned char>(n.begin().key()[0])))
      f(std::string_view(n.begin().key()), n.begin().value());
    for (auto& [k, v] : n.items()) walk(v, f);
  } else if (n.is_array()) {
    for (auto& v : n) walk(v, f);
  }
}

// Normalised type name: aliases folded ("integer" -> "int4", "character varying" -> "varchar").
std::string canonical_type(std::string name);

}  // namespace slipway::lint::ast
