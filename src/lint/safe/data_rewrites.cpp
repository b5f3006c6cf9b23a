// Changes that touch every row of an existing table, done without holding a lock that blocks
// the application while they do:
//   ADD COLUMN ... DEFAULT <volatile>  -> ADD COLUMN (no default: catalog only), SET DEFAULT (new
//                                         rows), existing rows in keyset batches; NOT NULL last
//   UPDATE of the whole table          -> keyset batches (slipway's backfill engine)
//   ALTER COLUMN ... TYPE that rewrites -> the online rewrite (shadow table, copy, swap)
#include "lint/parser.hpp"
#include "lint/row_bounds.hpp"
#include "lint/rules/common.hpp"
#include "lint/safe/rewriters.hpp"
#include "lint/types.hpp"

namespace slipway::lint::safe {
namespace {

using namespace ast;

const Json* single_cmd(const Statement& s) {
  auto& cmds = list(s.body, "cmds");
  return cmds.size() == 1 ? as(cmds[0], "AlterTableCmd") : nullptr;
}

std::optional<SafePlan> volatile_default(const Statement& s, const std::string& table, const Json& cmd,
                                         const Context& ctx) {
  auto* col = rules::added_column(cmd);
  if (!col) return std::nullopt;
  auto* def = rules::column_constraint(*col, "CONSTR_DEFAULT");
  if (!def || !get(*def, "raw_expr")) return std::nullopt;
  if (ctx.pg_version() >= 11 && expression_volatility(*get(*def, "raw_expr")).volatility != Volatility::volatile_)
    return std::nullopt;  // a catalog-only default
  std::string c = str(*col, "colname");
  bool not_null = false;
  int first_constraint = -1;
  for (auto& item : list(*col, "constraints")) {
    auto* con = as(item, "Constraint");
    if (!con) continue;
    std::string type = str(*con, "contype");
    if (type == "CONSTR_NOTNULL") not_null = true;
    else if (type == "CONSTR_NULL") {
    } else if (type != "CONSTR_DEFAULT")
      return as_written_with_warning(s, "the volatile default of " + c + " rewrites " + table +
                                            "; with its other constraints slipway does not split it: add the column "
                                            "without them, backfill, then add them");
    int at = integer(*con, "location");
    if (at >= 0 && (first_constraint < 0 || at < first_constraint)) first_constraint = at;
  }
  if (get(*col, "collClause") || first_constraint < 0) return std::nullopt;
  std::string column_def = rules::trimmed_text(s.text_between(integer(*col, "location"), first_constraint));
  std::string default_text = rules::column_constraint_text(s, *col, *def);  // "DEFAULT expr"
  if (column_def.empty() || default_text.empty()) return std::nullopt;
  std::string expr = rules::trimmed_text(std::string_view(default_text).substr(std::string_view("DEFAULT").size()));
  std::string t = rules::qualified(table);
  SafePlan p;
  p.rewrite = "ADD COLUMN with a volatile DEFAULT -> ADD COLUMN, SET DEFAULT, batched backfill" +
              std::string(not_null ? ", then the NOT NULL recipe" : "");
  p.steps.push_back(sql_step("ALTER TABLE " + t + " ADD COLUMN " + (flag(cmd, "missing_ok") ? "IF NOT EXISTS " : "") +
                             column_def));
  p.steps.push_back(sql_step("ALTER TABLE " + t + " ALTER COLUMN " + rules::ident(c) + " SET " + default_text));
  SafeStep fill;
  fill.kind = StepKind::backfill;
  fill.table = table;
  fill.assignments = rules::ident(c) + " = " + expr;
  fill.where = rules::ident(c) + " IS NULL";
  fill.sql = "UPDATE " + t + " SET " + fill.assignments + " WHERE " + fill.where;
  fill.transactional = false;
  p.steps.push_back(std::move(fill));
  if (not_null)
    for (auto& st : not_null_steps(table, c)) p.steps.push_back(std::move(st));
  return p;
}

// Where the statement's top-level WHERE begins: the first whole word WHERE before which the
// text still parses as the same UPDATE without a WHERE (a WHERE inside a sub-query or a string
// leaves the prefix unparsable).
std::size_t top_level_where(std::string_view text, std::size_t from) {
  for (std::size_t at = rules::find_keyword(text, "WHERE", from); at != std::string_view::npos;
       at = rules::find_keyword(text, "WHERE", at + 5)) {
    auto parsed = parse_sql(text.substr(0, at));
    if (parsed.statements.size() == 1 && parsed.statements[0].tree) {
      auto& node = *parsed.statements[0].tree;
      if (node.contains("UpdateStmt") && !get(node["UpdateStmt"], "whereClause")) return at;
    }
  }
  return std::string_view::npos;
}

std::optional<SafePlan> whole_table_update(const Statement& s, const Context& ctx) {
  auto* rel = get(s.body, "relation");
  std::string table = relation(rel);
  if (!rel || ctx.is_new(table) || ctx.is_system_catalog(rel)) return std::nullopt;
  auto* where = get(s.body, "whereClause");
  if (where_bounds_rows_by_key(where, table, "", ctx.schema())) return std::nullopt;
  std::string why = "UPDATE of every matching row of " + table + " in one transaction";
  if (get(*rel, "alias") || !list(s.body, "fromClause").empty() || !list(s.body, "returningList").empty() ||
      get(s.body, "withClause"))
    return as_written_with_warning(s, why + ": with an alias, FROM, RETURNING or WITH slipway does not batch it");
  std::size_t set_at = rules::find_keyword(s.text, "SET", static_cast<std::size_t>(std::max<std::ptrdiff_t>(
                                                              0, integer(*rel, "location") - s.location_shift)));
  if (set_at == std::string_view::npos) return std::nullopt;
  std::size_t where_at = where ? top_level_where(s.text, set_at) : std::string_view::npos;
  if (where && where_at == std::string_view::npos) return std::nullopt;
  SafeStep fill;
  fill.kind = StepKind::backfill;
  fill.table = table;
  fill.assignments = rules::trimmed_text(s.text.substr(set_at + 3, where_at == std::string_view::npos
                                                                       ? std::string_view::npos
                                                                       : where_at - set_at - 3));
  if (where) fill.where = rules::trimmed_text(s.text.substr(where_at + 5));
  fill.sql = std::string(s.text);
  fill.transactional = false;
  return one_step_plan("UPDATE of the whole table -> keyset batches (backfill)", std::move(fill));
}

std::optional<SafePlan> type_change(const Statement& s, const std::string& table, const Context& ctx) {
  // Every sub-command an ALTER COLUMN TYPE of the same table: the shadow table takes them all.
  bool any_rewrite = false;
  for (auto& item : list(s.body, "cmds")) {
    auto* cmd = as(item, "AlterTableCmd");
    if (!cmd || str(*cmd, "subtype") != "AT_AlterColumnType") return std::nullopt;
    TypeChange change = judge_type_change(*cmd, table, ctx);
    if (change.valid && change.rewrites) any_rewrite = true;
  }
  if (!any_rewrite) return std::nullopt;
  auto& cmds = list(s.body, "cmds");
  auto* first = as(cmds[0], "AlterTableCmd");
  // The actions: from the first ALTER [COLUMN] after the table name to the end.
  std::size_t at = rules::find_keyword(s.text, "ALTER", rules::find_keyword(s.text, "TABLE") + 5);
  if (!first || at == std::string_view::npos) return std::nullopt;
  SafeStep step;
  step.kind = StepKind::online_rewrite;
  step.table = table;
  step.alter = rules::trimmed_text(s.text.substr(at));
  step.sql = std::string(s.text);
  step.transactional = false;
  return one_step_plan("ALTER COLUMN TYPE (rewrites the table) -> online rewrite through a shadow table", std::move(step));
}

}  // namespace

std::optional<SafePlan> rewrite_data_change(const Statement& s, const Context& ctx) {
  if (s.kind == "UpdateStmt") return whole_table_update(s, ctx);
  if (s.kind != "AlterTableStmt") return std::nullopt;
  std::string table = rules::altered_table(s);
  if (table.empty() || ctx.is_new(table)) return std::nullopt;
  if (const Json* cmd = single_cmd(s))
    if (auto plan = volatile_default(s, table, *cmd, ctx)) return plan;
  return type_change(s, table, ctx);
}

}  // namespace slipway::lint::safe
