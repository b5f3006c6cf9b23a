#include "lint/user_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "lint/ast.hpp"
#include "pg/quote.hpp"
#include "util/text_file.hpp"

namespace slipway::lint {
namespace {

// A and B are the same tree but for the nodes' positions.
bool same_tree(const Json& a, const Json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    auto ia = a.begin(), ib = b.begin();
    for (;; ++ia, ++ib) {
      if (ia != a.end() && ia.key() == "location") ++ia;
      if (ib != b.end() && ib.key() == "location") ++ib;
      if (ia == a.end() || ib == b.end()) return ia == a.end() && ib == b.end();
      if (ia.key() != ib.key() || !same_tree(ia.value(), ib.value())) return false;
    }
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!same_tree(a[i], b[i])) return false;
    return true;
  }
  return a == b;
}

// `prefix text suffix` parsed as the one statement slipway will run.
struct Wrapped {
  ParseOutput parse;      // owns the tree's memory
  const Json* statement;  // {"<Kind>": {...}}; null when `problem` is set
  std::optional<UserTextProblem> problem;
};

std::optional<UserTextProblem> one_statement(const ParseOutput& out, std::string_view what, std::string_view hint) {
  if (out.statements.size() != 1) {
    return UserTextProblem{fmt::format("is not {}: it makes {} statements", what, out.statements.size()),
                       std::string(hint)};
  }
  if (const auto& st = out.statements[0]; st.error || !st.tree) {
    return UserTextProblem{fmt::format("is not {}: {}", what, st.error ? st.error->message : "no statement"),
                       std::string(hint)};
  }
  return std::nullopt;
}

// Parsed twice, as is and with a newline after the text: text that ends in a `--` comment
// (which would swallow what slipway writes after it) parses differently or not at all.
Wrapped parse_wrapped(std::string_view prefix, std::string_view text, std::string_view suffix, std::string_view what,
                      std::string_view hint) {
  Wrapped w;
  w.statement = nullptr;
  // The parser reads UTF-8 C strings: a NUL would end the text there (and libpq would cut
  // slipway's statement at it), invalid UTF-8 breaks the parse tree's JSON.
  if (auto bad = first_text_problem(text, true)) {
    w.problem = UserTextProblem{fmt::format("is not {}: it holds {} at byte {}", what, bad.what, bad.offset + 1),
                                "give the text as UTF-8, without NUL bytes or control characters"};
    return w;
  }
  std::string sql = fmt::format("{}{}{}", prefix, text, suffix);
  w.parse = parse_sql(sql);
  w.problem = one_statement(w.parse, what, hint);
  ParseOutput again = parse_sql(fmt::format("{}{}\n{}", prefix, text, suffix));
  bool again_ok = !one_statement(again, what, hint);
  if (w.problem && !again_ok) return w;
  if (w.problem || !again_ok || !same_tree(*w.parse.statements[0].tree, *again.statements[0].tree)) {
    w.problem = UserTextProblem{fmt::format("is not {}: it ends in a -- comment that hides what follows it", what),
                            "end the comment with a newline, use /* */ or leave it out"};
    return w;
  }
  w.statement = w.parse.statements[0].tree.get();
  return w;
}

// The keys of a node's body, all of them in `allowed`.
bool only_keys(const Json& body, std::initializer_list<std::string_view> allowed) {
  for (auto it = body.begin(); it != body.end(); ++it) {
    bool ok = it.key() == "location";
    for (auto a : allowed) ok = ok || it.key() == a;
    if (!ok) return false;
  }
  return true;
}

// `SELECT (<x>)`'s one value, or nullptr when the statement is anything more.
const Json* single_select_value(const Json& statement) {
  const Json* sel = ast::as(statement, "SelectStmt");
  if (!sel || !only_keys(*sel, {"targetList", "limitOption", "op"}) || ast::str(*sel, "op") != "SETOP_NONE") {
    return nullptr;
  }
  const Json& targets = ast::list(*sel, "targetList");
  if (targets.size() != 1) return nullptr;
  const Json* target = ast::as(targets[0], "ResTarget");
  if (!target || !only_keys(*target, {"val"})) return nullptr;
  return ast::get(*target, "val");
}

// Whether the text's own parentheses balance. Inside `(` and `)`, "a) OR (b" is one expression
// too (the wrapper's parentheses pair with the text's); between `[` and `]` it is not. A bare
// query, which slipway's parentheses make a scalar subquery, balances when it is one statement.
bool balanced_expression(std::string_view text) {
  ParseOutput bracketed = parse_sql(fmt::format("SELECT ARRAY[{}]", text));
  if (bracketed.statements.size() == 1 && bracketed.statements[0].tree) {
    const Json* value = single_select_value(*bracketed.statements[0].tree);
    const Json* array = value ? ast::as(*value, "A_ArrayExpr") : nullptr;
    if (array && ast::list(*array, "elements").size() == 1) return true;
  }
  ParseOutput alone = parse_sql(text);
  return alone.statements.size() == 1 && alone.statements[0].tree && ast::as(*alone.statements[0].tree, "SelectStmt");
}

// Each element of `list` is a `kind` node.
bool all_of_kind(const Json& list, std::string_view kind) {
  for (const auto& e : list)
    if (!ast::as(e, kind)) return false;
  return true;
}

// `CREATE INDEX _i ON _t (...)`'s one index statement, or nullptr when it is anything more
// than the keys `extra` (besides the name, table, method and columns) allow.
const Json* bare_index(const Json& statement, std::initializer_list<std::string_view> extra) {
  const Json* index = ast::as(statement, "IndexStmt");
  if (!index) return nullptr;
  for (auto it = index->begin(); it != index->end(); ++it) {
    bool ok = it.key() == "idxname" || it.key() == "relation" || it.key() == "accessMethod" || it.key() == "indexParams";
    for (auto e : extra) ok = ok || it.key() == e;
    if (!ok) return nullptr;
  }
  return index;
}

// `CREATE TABLE _t (<one element>)`'s element, or nullptr when the statement is anything more.
const Json* single_table_element(const Json& statement) {
  const Json* create = ast::as(statement, "CreateStmt");
  if (!create || !only_keys(*create, {"relation", "tableElts", "oncommit"})) return nullptr;
  const Json& elements = ast::list(*create, "tableElts");
  return elements.size() == 1 ? &elements[0] : nullptr;
}

// A clause list: what it is ("a list of storage parameters"), the part of the statement it may
// be ("the WITH list"), what to give instead.
struct ClauseShape {
  std::string_view what, part, hint;
};

// `text` parsed between `prefix` and `suffix`, accepted when `accepts` holds for the statement.
std::optional<UserTextProblem> clause_problem(std::string_view prefix, std::string_view text, std::string_view suffix,
                                              const ClauseShape& shape, const std::function<bool(const Json&)>& accepts) {
  auto w = parse_wrapped(prefix, text, suffix, shape.what, shape.hint);
  if (w.problem) return w.problem;
  if (!accepts(*w.statement)) {
    return UserTextProblem{fmt::format("is not {}: it holds more than {}", shape.what, shape.part), std::string(shape.hint)};
  }
  return std::nullopt;
}

constexpr std::string_view kExpressionHint =
    "give one SQL expression, e.g. `lower(email)` or `price * 100`; statements belong in a `sql` operation";

}  // namespace

std::optional<UserTextProblem> expression_problem(std::string_view expression) {
  constexpr std::string_view what = "one SQL expression";
  auto w = parse_wrapped("SELECT (", expression, ")", what, kExpressionHint);
  if (w.problem) return w.problem;
  if (!single_select_value(*w.statement) || !balanced_expression(expression)) {
    return UserTextProblem{fmt::format("is not {}: it closes the parenthesis around it", what), std::string(kExpressionHint)};
  }
  return std::nullopt;
}

std::optional<UserTextProblem> type_problem(std::string_view type) {
  constexpr std::string_view what = "one type name";
  constexpr std::string_view hint = "give a type as a column takes it, e.g. `bigint`, `varchar(20)`, `numeric(10,2)[]`";
  auto w = parse_wrapped("SELECT (NULL::", type, ")", what, hint);
  if (w.problem) return w.problem;
  const Json* value = single_select_value(*w.statement);
  const Json* cast = value ? ast::as(*value, "TypeCast") : nullptr;
  const Json* arg = cast && only_keys(*cast, {"arg", "typeName"}) ? ast::get(*cast, "arg") : nullptr;
  const Json* null = arg ? ast::as(*arg, "A_Const") : nullptr;
  if (!null || !ast::flag(*null, "isnull")) {
    return UserTextProblem{fmt::format("is not {}: it holds more than a type", what), std::string(hint)};
  }
  return std::nullopt;
}

std::optional<UserTextProblem> assignments_problem(std::string_view assignments) {
  constexpr std::string_view what = "a list of assignments";
  constexpr std::string_view hint =
      "give `column = expression[, column = expression ...]`, e.g. \"full_name = first_name || ' ' || last_name\"; "
      "restrict the rows with --where";
  // Followed by one more assignment: the text must end where an assignment ends.
  constexpr std::string_view sentinel = "_slipway_end";
  auto w = parse_wrapped("UPDATE _slipway_table SET ", assignments, fmt::format(", {} = NULL", sentinel), what, hint);
  if (w.problem) return w.problem;
  const Json* update = ast::as(*w.statement, "UpdateStmt");
  bool ok = update && only_keys(*update, {"relation", "targetList"});
  const Json& targets = ok ? ast::list(*update, "targetList") : Json::array();
  ok = ok && targets.size() >= 2;
  for (std::size_t i = 0; ok && i < targets.size(); ++i) {
    const Json* t = ast::as(targets[i], "ResTarget");
    ok = t && only_keys(*t, {"name", "val", "indirection"}) && !ast::str(*t, "name").empty();
  }
  if (ok) ok = ast::str(ast::body(targets.back()), "name") == sentinel;
  if (!ok) return UserTextProblem{fmt::format("is not {}: it holds more than the SET list", what), std::string(hint)};
  return std::nullopt;
}

std::optional<UserTextProblem> query_problem(std::string_view query) {
  constexpr std::string_view what = "one read-only query";
  constexpr std::string_view hint = "give one SELECT that returns one row and one column, e.g. \"SELECT count(*) > 10 FROM pg_stat_activity\"";
  ParseOutput out = parse_sql(query);
  if (auto p = one_statement(out, what, hint)) return p;
  const Json& statement = *out.statements[0].tree;
  if (!ast::as(statement, "SelectStmt")) {
    return UserTextProblem{fmt::format("is not {}: it is a {}", what, ast::kind(statement)), std::string(hint)};
  }
  std::optional<UserTextProblem> problem;
  ast::walk(statement, [&](std::string_view kind, const Json& body) {
    if (problem) return;
    if (kind == "InsertStmt" || kind == "UpdateStmt" || kind == "DeleteStmt" || kind == "MergeStmt") {
      problem = UserTextProblem{fmt::format("is not {}: it holds a data-modifying {}", what, kind), std::string(hint)};
    } else if (kind == "SelectStmt" && (ast::get(body, "intoClause") || ast::get(body, "lockingClause"))) {
      problem = UserTextProblem{fmt::format("is not {}: it has SELECT INTO or FOR UPDATE/SHARE", what), std::string(hint)};
    }
  });
  return problem;
}

std::optional<UserTextProblem> alter_table_problem(std::string_view schema, std::string_view table, std::string_view alter) {
  constexpr std::string_view what = "ALTER TABLE subcommands";
  constexpr std::string_view hint =
      "give the actions of one ALTER TABLE statement for this table, comma-separated, e.g. "
      "\"ALTER COLUMN id TYPE bigint, ADD COLUMN flag boolean NOT NULL DEFAULT true\"";
  constexpr std::string_view plain =
      "renames, owner and schema changes need no rewrite: run them as plain ALTER TABLE";
  auto w = parse_wrapped(fmt::format("ALTER TABLE {} ", pg::qualified(schema, table)), alter, "", what, hint);
  if (w.problem) return w.problem;
  auto kind = ast::kind(*w.statement);
  if (kind == "RenameStmt") return UserTextProblem{"renames (RENAME)", std::string(plain)};
  if (kind == "AlterObjectSchemaStmt") return UserTextProblem{"moves the table to another schema (SET SCHEMA)", std::string(plain)};
  const Json* stmt = ast::as(*w.statement, "AlterTableStmt");
  if (!stmt) return UserTextProblem{fmt::format("is not {}: it makes a {}", what, kind), std::string(hint)};
  const Json* relation = ast::get(*stmt, "relation");
  if (!relation || ast::str(*relation, "schemaname") != schema || ast::str(*relation, "relname") != table ||
      ast::str(*stmt, "objtype") != "OBJECT_TABLE") {
    return UserTextProblem{fmt::format("is not {} for {}.{}", what, schema, table), std::string(hint)};
  }
  for (const auto& c : ast::list(*stmt, "cmds")) {
    const Json* cmd = ast::as(c, "AlterTableCmd");
    if (!cmd) return UserTextProblem{fmt::format("is not {}", what), std::string(hint)};
    std::string subtype = ast::str(*cmd, "subtype");
    if (subtype == "AT_ChangeOwner") return UserTextProblem{"changes the owner (OWNER TO)", std::string(plain)};
    const Json* def = ast::get(*cmd, "def");
    const Json* column = def ? ast::as(*def, "ColumnDef") : nullptr;
    if (subtype == "AT_AlterColumnType" && column && ast::get(*column, "raw_default")) {
      return UserTextProblem{"contains USING",
                         "rows are converted with an explicit cast to the new type (col::newtype); for another "
                         "conversion add a new column and backfill it with a migration instead"};
    }
  }
  return std::nullopt;
}

std::optional<UserTextProblem> statements_problem(std::string_view statements) {
  constexpr std::string_view hint = "correct the SQL; `slipway lint` shows every problem of a file of it";
  if (auto bad = first_text_problem(statements, false)) {
    return UserTextProblem{fmt::format("holds {} at byte {}", bad.what, bad.offset + 1),
                           "give the SQL as UTF-8 without NUL bytes"};
  }
  ParseOutput out = parse_sql(statements);
  if (out.statements.empty()) return UserTextProblem{"holds no SQL statement", std::string(hint)};
  for (const auto& st : out.statements) {
    if (!st.error) continue;
    auto offset = std::min(st.error->offset, statements.size());
    auto before = statements.substr(0, offset);
    auto line = 1 + std::count(before.begin(), before.end(), '\n');
    auto line_start = before.rfind('\n');
    auto column = offset - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
    return UserTextProblem{fmt::format("has a syntax error at line {}, column {} of the SQL: {}", line, column,
                                       st.error->message),
                           std::string(hint)};
  }
  return std::nullopt;
}

std::optional<UserTextProblem> storage_parameters_problem(std::string_view parameters) {
  return clause_problem("CREATE INDEX _slipway_i ON _slipway_t (c) WITH (", parameters, ")",
                        {"a list of storage parameters", "the WITH list",
                         "give `name = value[, name = value ...]`, e.g. `fillfactor = 70, deduplicate_items = off`"},
                        [](const Json& statement) {
                          const Json* index = bare_index(statement, {"options"});
                          return index && ast::list(*index, "indexParams").size() == 1 &&
                                 all_of_kind(ast::list(*index, "options"), "DefElem");
                        });
}

std::optional<UserTextProblem> opclass_problem(std::string_view opclass) {
  // Followed by a second column: the text must end where one column's operator class ends.
  return clause_problem(
      "CREATE INDEX _slipway_i ON _slipway_t (c ", opclass, ", _slipway_end)",
      {"an operator class", "one column's operator class",
       "give an operator class name with optional parameters, e.g. `text_pattern_ops` or `gist_trgm_ops (siglen = 32)`"},
      [](const Json& statement) {
        const Json* index = bare_index(statement, {});
        const Json& columns = index ? ast::list(*index, "indexParams") : Json::array();
        const Json* first = columns.size() == 2 ? ast::as(columns[0], "IndexElem") : nullptr;
        const Json* last = first ? ast::as(columns[1], "IndexElem") : nullptr;
        return first && last && only_keys(*first, {"name", "opclass", "opclassopts", "ordering", "nulls_ordering"}) &&
               ast::str(*first, "name") == "c" && !ast::list(*first, "opclass").empty() &&
               ast::str(*first, "ordering") == "SORTBY_DEFAULT" &&
               ast::str(*first, "nulls_ordering") == "SORTBY_NULLS_DEFAULT" &&
               all_of_kind(ast::list(*first, "opclassopts"), "DefElem") &&
               only_keys(*last, {"name", "ordering", "nulls_ordering"}) && ast::str(*last, "name") == "_slipway_end";
      });
}

std::optional<UserTextProblem> exclusion_elements_problem(std::string_view elements) {
  return clause_problem("CREATE TABLE _slipway_t (CONSTRAINT c EXCLUDE USING gist (", elements, "))",
                        {"a list of exclusion elements", "the elements",
                         "give `column_or_expression WITH operator[, ...]`, e.g. `room WITH =, during WITH &&`; "
                         "the predicate goes in `predicate`"},
                        [](const Json& statement) {
                          const Json* element = single_table_element(statement);
                          const Json* constraint = element ? ast::as(*element, "Constraint") : nullptr;
                          return constraint &&
                                 only_keys(*constraint, {"contype", "conname", "exclusions", "access_method"}) &&
                                 ast::str(*constraint, "contype") == "CONSTR_EXCLUSION" &&
                                 !ast::list(*constraint, "exclusions").empty();
                        });
}

std::optional<UserTextProblem> sequence_options_problem(std::string_view options) {
  return clause_problem("CREATE TABLE _slipway_t (c int GENERATED BY DEFAULT AS IDENTITY (", options, "))",
                        {"a list of sequence options", "the options",
                         "give identity sequence options, e.g. `START WITH 10 INCREMENT BY 2`"},
                        [](const Json& statement) {
                          const Json* element = single_table_element(statement);
                          const Json* column = element ? ast::as(*element, "ColumnDef") : nullptr;
                          if (!column || !only_keys(*column, {"colname", "typeName", "is_local", "constraints"}))
                            return false;
                          const Json& constraints = ast::list(*column, "constraints");
                          const Json* identity = constraints.size() == 1 ? ast::as(constraints[0], "Constraint") : nullptr;
                          return identity && only_keys(*identity, {"contype", "generated_when", "options"}) &&
                                 ast::str(*identity, "contype") == "CONSTR_IDENTITY" &&
                                 all_of_kind(ast::list(*identity, "options"), "DefElem");
                        });
}

std::optional<SyntaxError> check_expression(std::string_view expression) {
  // The position of a syntax error, as the linter shows it.
  static constexpr std::string_view prefix = "SELECT (";
  if (auto bad = first_text_problem(expression, true)) return SyntaxError{bad.offset, bad.what};
  ParseOutput out = parse_sql(fmt::format("{}{})", prefix, expression));
  for (const auto& st : out.statements) {
    if (!st.error) continue;
    std::size_t at = st.error->offset >= prefix.size() ? st.error->offset - prefix.size() : 0;
    return SyntaxError{std::min(at, expression.size()), st.error->message};
  }
  if (auto p = expression_problem(expression)) return SyntaxError{0, p->what};
  return std::nullopt;
}

}  // namespace slipway::lint
