#include "lint/row_bounds.hpp"

#include "lint/ast.hpp"
#include "lint/context.hpp"

namespace slipway::lint {
namespace {

using namespace ast;

// The column a ColumnRef names when it belongs to the target table: unqualified, or qualified
// by the table's name or alias. "" otherwise.
std::string key_side_column(const Json& n, const std::string& table, const std::string& alias) {
  auto* ref = as(n, "ColumnRef");
  if (!ref) return {};
  auto fields = strings(list(*ref, "fields"));
  if (fields.empty()) return {};
  if (fields.size() >= 2) {
    const std::string& qualifier = fields[fields.size() - 2];
    if (qualifier != alias && qualifier != table_key(table)) return {};
  }
  return fields.back();
}

// A value fixed for the whole statement: no column of any row in it (constants, parameters,
// casts, now(), lists of those).
bool value_fixed_for_statement(const Json& n) {
  bool independent = true;
  walk(n, [&](std::string_view kind, const Json&) {
    if (kind == "ColumnRef") independent = false;
  });
  return independent;
}

bool column_indexed(const std::string& column, const std::string& table, const SchemaFacts& schema) {
  std::string key = table_key(table);
  if (schema.has_index_on(key, {column})) return true;
  // A table whose definition the run has not seen: its primary key is, by convention, `id`.
  return column == "id" && !schema.created.count(key);
}

bool conjunct_bounds_rows(const Json& n, const std::string& table, const std::string& alias, const SchemaFacts& schema) {
  if (auto* b = as(n, "BoolExpr")) {
    if (str(*b, "boolop") != "AND_EXPR") return false;
    for (auto& arg : list(*b, "args"))
      if (conjunct_bounds_rows(arg, table, alias, schema)) return true;
    return false;
  }
  if (auto* e = as(n, "A_Expr")) {
    std::string kind = str(*e, "kind");
    auto op = strings(list(*e, "name"));
    bool comparison = kind == "AEXPR_IN" || kind == "AEXPR_OP_ANY" || kind == "AEXPR_BETWEEN" ||
                      (kind == "AEXPR_OP" && op.size() == 1 &&
                       (op[0] == "=" || op[0] == "<" || op[0] == ">" || op[0] == "<=" || op[0] == ">="));
    if (!comparison) return false;
    auto* l = get(*e, "lexpr");
    auto* r = get(*e, "rexpr");
    if (!l || !r) return false;
    auto bounded_by = [&](const Json& column_side, const Json& value_side) {
      std::string c = key_side_column(column_side, table, alias);
      return !c.empty() && column_indexed(c, table, schema) && value_fixed_for_statement(value_side);
    };
    return bounded_by(*l, *r) || (kind == "AEXPR_OP" && bounded_by(*r, *l));
  }
  if (auto* sub = as(n, "SubLink")) {  // key IN (SELECT ...): the batched-delete idiom
    auto* test = get(*sub, "testexpr");
    if (str(*sub, "subLinkType") != "ANY_SUBLINK" || !test) return false;
    std::string c = key_side_column(*test, table, alias);
    return !c.empty() && column_indexed(c, table, schema);
  }
  return false;
}

}  // namespace

bool where_bounds_rows_by_key(const Json* where, const std::string& table, const std::string& alias,
                              const SchemaFacts& schema) {
  return where && conjunct_bounds_rows(*where, table, alias, schema);
}

}  // namespace slipway::lint
