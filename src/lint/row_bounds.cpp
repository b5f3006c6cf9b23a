#include "lint/row_bounds.hpp"

#include <set>
#include <utility>

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

// What the conjuncts of a WHERE say about the indexed columns: a column pinned (=, IN, = ANY,
// BETWEEN, IN (SELECT ... LIMIT n)) bounds the rows; a one-sided range (id > 0) does not, unless
// another conjunct closes it from the other side.
struct KeyBounds {
  bool pinned = false;
  std::set<std::string> lower, upper;
};

void collect_bounds(const Json& n, const std::string& table, const std::string& alias, const SchemaFacts& schema,
                    KeyBounds& out) {
  if (auto* b = as(n, "BoolExpr")) {
    if (str(*b, "boolop") == "AND_EXPR")
      for (auto& arg : list(*b, "args")) collect_bounds(arg, table, alias, schema, out);
    return;
  }
  auto indexed_column = [&](const Json& side) {
    std::string c = key_side_column(side, table, alias);
    return !c.empty() && column_indexed(c, table, schema) ? c : std::string();
  };
  if (auto* e = as(n, "A_Expr")) {
    std::string kind = str(*e, "kind");
    auto op = strings(list(*e, "name"));
    std::string o = op.size() == 1 ? op[0] : std::string();
    auto* l = get(*e, "lexpr");
    auto* r = get(*e, "rexpr");
    if (!l || !r) return;
    if (kind == "AEXPR_IN" || kind == "AEXPR_OP_ANY" || kind == "AEXPR_BETWEEN") {
      bool pins = kind == "AEXPR_BETWEEN" || o == "=";  // NOT IN is AEXPR_IN with <>
      if (pins && !indexed_column(*l).empty() && value_fixed_for_statement(*r)) out.pinned = true;
      return;
    }
    if (kind != "AEXPR_OP") return;
    for (int flipped = 0; flipped < 2; ++flipped) {
      const Json& col_side = flipped ? *r : *l;
      const Json& val_side = flipped ? *l : *r;
      std::string c = indexed_column(col_side);
      if (c.empty() || !value_fixed_for_statement(val_side)) continue;
      bool less = o == "<" || o == "<=", more = o == ">" || o == ">=";
      if (flipped) std::swap(less, more);  // 5 < id is id > 5
      if (o == "=") out.pinned = true;
      if (less) out.upper.insert(c);
      if (more) out.lower.insert(c);
    }
    return;
  }
  if (auto* sub = as(n, "SubLink")) {  // key IN (SELECT ... LIMIT n): the batched-delete idiom
    auto* test = get(*sub, "testexpr");
    auto ops = strings(list(*sub, "operName"));
    auto* query = get(*sub, "subselect");
    auto* select = query ? as(*query, "SelectStmt") : nullptr;
    if (str(*sub, "subLinkType") == "ANY_SUBLINK" && test && (ops.empty() || ops == std::vector<std::string>{"="}) &&
        select && get(*select, "limitCount") && !indexed_column(*test).empty())
      out.pinned = true;
  }
}

}  // namespace

bool where_bounds_rows_by_key(const Json* where, const std::string& table, const std::string& alias,
                              const SchemaFacts& schema) {
  if (!where) return false;
  KeyBounds b;
  collect_bounds(*where, table, alias, schema, b);
  if (b.pinned) return true;
  for (auto& c : b.lower)
    if (b.upper.count(c)) return true;
  return false;
}

}  // namespace slipway::lint
