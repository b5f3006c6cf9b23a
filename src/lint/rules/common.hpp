// Helpers shared by the rules (kept header-only and small).
#pragma once
#include <nlohmann/json.hpp>

#include <string>

#include "lint/ast.hpp"
#include "lint/context.hpp"
#include "lint/rule.hpp"
#include "pg/quote.hpp"

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

// Quotes an identifier only when PostgreSQL would need it (case, symbols, reserved keywords).
inline std::string ident(const std::string& name) { return pg::quote_ident_if_needed(name); }

// A qualified relation name, quoted part by part.
inline std::string qualified(const std::string& relation) {
  auto dot = relation.find('.');
  if (dot == std::string::npos) return ident(relation);
  return ident(relation.substr(0, dot)) + "." + ident(relation.substr(dot + 1));
}

// Offset of the first case-insensitive occurrence of `keyword` as a whole word at or after
// `from` (npos when there is none).
std::size_t find_keyword(std::string_view text, std::string_view keyword, std::size_t from = 0);
// Inserts `word` after the first case-insensitive occurrence of the keyword `after` (a whole
// word) in the statement text; "" when the keyword is not found.
std::string insert_after_keyword(std::string_view text, std::string_view after, std::string_view word);

// `t` without leading and trailing white space.
std::string trimmed_text(std::string_view t);
// The text of the constraint `con` of column definition `col` in a one-command statement: from
// its location to the next constraint's (DEFERRABLE / INITIALLY ... kept with it) or the end.
std::string column_constraint_text(const Statement& s, const Json& col, const Json& con);
// The column definition `col` without that constraint ("" when the statement has several
// commands or a location is missing): what ADD COLUMN should say before the constraint is
// added on its own.
std::string column_without_constraint(const Statement& s, const Json& col, const Json& con);
// The name PostgreSQL gives an unnamed constraint of `table` (unqualified): <table>_<col>..._<suffix>.
inline std::string default_constraint_name(const std::string& table, const std::vector<std::string>& cols,
                                           const std::string& suffix) {
  return pg::generated_constraint_name(table_key(table), cols, suffix);
}
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
