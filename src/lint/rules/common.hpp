// Helpers shared by the rules (kept header-only and small).
#pragma once
#include <nlohmann/json.hpp>

#include <string>

#include "lint/ast.hpp"
#include "lint/context.hpp"
#include "lint/rule.hpp"

namespace slipway::lint::rules {

using namespace ast;

// The ALTER TABLE statement's target, or "" for other statements.
inline std::string altered_table(const Statement& s) {
  if (s.kind != "AlterTableStmt") return {};
  return relation(get(s.body, "relation"));
}

// Calls f(subtype, cmd) for each sub-command of an ALTER TABLE.
template <typename F>
void each_alter_cmd(const Statement& s, F&& f) {
  if (s.kind != "AlterTableStmt") return;
  for (auto& item : list(s.body, "cmds"))
    if (auto* cmd = as(item, "AlterTableCmd")) f(str(*cmd, "subtype"), *cmd);
}

// The constraint of an ADD CONSTRAINT sub-command (nullptr otherwise).
inline const Json* added_constraint(const Json& cmd) {
  if (str(cmd, "subtype") != "AT_AddConstraint") return nullptr;
  auto* def = get(cmd, "def");
  return def ? as(*def, "Constraint") : nullptr;
}

// The column of an ADD COLUMN sub-command (nullptr otherwise).
inline const Json* added_column(const Json& cmd) {
  if (str(cmd, "subtype") != "AT_AddColumn") return nullptr;
  auto* def = get(cmd, "def");
  return def ? as(*def, "ColumnDef") : nullptr;
}

// The constraints of a column definition of one contype.
inline const Json* column_constraint(const Json& col, std::string_view contype) {
  for (auto& c : list(col, "constraints"))
    if (auto* con = as(c, "Constraint"))
      if (str(*con, "contype") == contype) return con;
  return nullptr;
}

// Quotes an identifier only when PostgreSQL would need it (lower-case letters, digits, '_').
inline std::string ident(const std::string& name) {
  bool plain = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) plain = false;
  if (plain) return name;
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// A qualified relation name, quoted part by part.
inline std::string qualified(const std::string& relation) {
  auto dot = relation.find('.');
  if (dot == std::string::npos) return ident(relation);
  return ident(relation.substr(0, dot)) + "." + ident(relation.substr(dot + 1));
}

// Inserts `word` after the first case-insensitive occurrence of the keyword `after` (a whole
// word) in the statement text; "" when the keyword is not found.
std::string insert_after_keyword(std::string_view text, std::string_view after, std::string_view word);

// " (held since line N)" when the open transaction already holds a lock that blocks traffic.
std::string held_lock_note(const Context& ctx);

}  // namespace slipway::lint::rules

namespace slipway::lint::rules {

// A column being defined: CREATE TABLE columns, ADD COLUMN, or the new type of ALTER TYPE.
struct NewColumn {
  std::string table;
  std::string name;
  const Json* type = nullptr;  // TypeName
  bool key = false;            // primary key, identity or foreign key column
  int location = -1;
};
std::vector<NewColumn> new_columns(const Statement& s);

}  // namespace slipway::lint::rules
