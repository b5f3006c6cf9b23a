#include "migration/engine/triggers.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "migration/ops/column_sql.hpp"
#include "pg/quote.hpp"
#include "pg/sql/catalog_sql.hpp"

namespace slipway::migration {


namespace {

using Direction = TriggerAssignment::Direction;

// One direction's function body: its version's column names as PL/pgSQL variables holding the
// row's values (typed like the physical columns they read), then the assignments. Only the
// names the expressions use are declared when that can be told (each declaration is evaluated
// for every row the application writes: on a 7-column table, declaring all of them cost about
// as much as the expression itself). #variable_conflict lets expressions with subqueries use
// those names unambiguously.
std::string function_body(const std::string& schema, const std::string& table, const VirtualTable* t,
                          const std::vector<TriggerAssignment>& as, Direction d) {
  std::string assignments;
  std::optional<std::set<std::string>> used = std::set<std::string>{};
  for (const auto& a : as) {
    if (a.direction != d) continue;
    assignments += fmt::format("  NEW.{} := {};\n", pg::quote_ident(a.column), as_expression(a.expression));
    auto names = names_referenced(as_expression(a.expression));
    if (!names) used.reset();
    else if (used) used->insert(names->begin(), names->end());
  }
  std::string declarations;
  const std::vector<VirtualColumn> none;
  for (const auto& c : t ? t->columns : none) {
    if (c.hidden || (used && !used->count(c.name))) continue;
    declarations += fmt::format("  {} {}.{}%TYPE := NEW.{};\n", pg::quote_ident(c.name), pg::qualified(schema, table),
                                pg::quote_ident(c.physical), pg::quote_ident(c.physical));
  }
  return "#variable_conflict use_variable\n" + (declarations.empty() ? "" : "DECLARE\n" + declarations) + "BEGIN\n" +
         assignments + "  RETURN NEW;\nEND";
}

const char* direction_word(Direction d) { return d == Direction::up ? "trg" : "down"; }

}  // namespace

std::string trigger_events(const std::optional<std::set<std::string>>& columns) {
  if (!columns) return "INSERT OR UPDATE";
  if (columns->empty()) return "INSERT";
  std::string list;
  for (const auto& c : *columns) list += (list.empty() ? "" : ", ") + pg::quote_ident(c);
  return "INSERT OR UPDATE OF " + list;
}

std::string as_expression(const std::string& user_expression) {
  // Parenthesised, a bare `SELECT ...` is a scalar subquery and any other expression is unchanged.
  return "(" + user_expression + ")";
}

std::string trigger_name(const std::string& migration, Direction d) {
  return pg::fit_identifier(fmt::format("_slipway_{}_{}", direction_word(d), migration));
}

std::string trigger_function_name(const std::string& table, const std::string& migration, Direction d) {
  return pg::fit_identifier(fmt::format("_slipway_{}_{}_{}", direction_word(d), table, migration));
}

std::vector<std::string> trigger_names(const std::string& migration) {
  return {trigger_name(migration, Direction::up), trigger_name(migration, Direction::down)};
}

std::vector<Direction> directions_of(const std::vector<TriggerAssignment>& assignments) {
  std::vector<Direction> out;
  for (auto d : {Direction::up, Direction::down})
    if (std::any_of(assignments.begin(), assignments.end(), [d](const auto& a) { return a.direction == d; }))
      out.push_back(d);
  return out;
}

std::string session_uses_version_sql(const std::string& version_schema) {
  // slipway.version wins when set (apps that need search_path for something else); otherwise
  // the first schema of search_path, pgroll's convention.
  return fmt::format(
      "coalesce(nullif(current_setting('slipway.version', true), ''), (current_schemas(false))[1], '') = {}",
      pg::quote_literal(version_schema));
}

std::vector<std::string> create_trigger_statements(const std::string& schema, const std::string& migration,
                                                   const std::string& version_schema,
                                                   const std::string& physical_table,
                                                   const VirtualTable* old_version,
                                                   const VirtualTable* new_version,
                                                   const std::vector<TriggerAssignment>& assignments,
                                                   const TriggerReads& reads) {
  std::string table = pg::qualified(schema, physical_table);
  std::vector<std::string> out;
  for (Direction d : directions_of(assignments)) {
    bool up = d == Direction::up;
    std::string fn = pg::qualified(schema, trigger_function_name(physical_table, migration, d));
    std::string trigger = pg::quote_ident(trigger_name(migration, d));
    out.push_back(fmt::format("CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql {} AS {}", fn,
                              pg::sql::pinned_search_path(schema),
                              pg::dollar_quote("\n" +
                                               function_body(schema, physical_table, up ? old_version : new_version,
                                                             assignments, d) +
                                               "\n")));
    out.push_back(fmt::format("DROP TRIGGER IF EXISTS {} ON {}", trigger, table));
    out.push_back(fmt::format("CREATE TRIGGER {} BEFORE {} ON {} FOR EACH ROW "
                              "WHEN (current_setting('slipway.backfill', true) IS DISTINCT FROM 'on' AND {}({})) "
                              "EXECUTE FUNCTION {}()",
                              trigger, trigger_events(up ? reads.up : reads.down), table, up ? "NOT " : "",
                              session_uses_version_sql(version_schema), fn));
  }
  return out;
}

std::string drop_trigger_if_exists_sql(const std::string& schema, const std::string& physical_table,
                                       const std::string& trigger) {
  // The table itself may be gone (rolled back before it was created): check first.
  return pg::sql::guarded(pg::sql::relation_exists(schema, physical_table),
                          {fmt::format("DROP TRIGGER IF EXISTS {} ON {}", pg::quote_ident(trigger),
                                       pg::qualified(schema, physical_table))});
}

std::vector<std::string> drop_trigger_statements(const std::string& schema, const std::string& physical_table,
                                                 const std::string& migration) {
  std::vector<std::string> out;
  for (auto d : {Direction::up, Direction::down}) {
    out.push_back(drop_trigger_if_exists_sql(schema, physical_table, trigger_name(migration, d)));
    out.push_back(fmt::format("DROP FUNCTION IF EXISTS {}()",
                              pg::qualified(schema, trigger_function_name(physical_table, migration, d))));
  }
  return out;
}

}  // namespace slipway::migration
