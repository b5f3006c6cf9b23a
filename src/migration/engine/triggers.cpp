#include "migration/engine/triggers.hpp"

#include <fmt/format.h>

#include "migration/ops/column_sql.hpp"
#include "pg/quote.hpp"

namespace slipway::migration {

std::string limit_name(std::string name) {
  if (name.size() <= 63) return name;
  uint32_t h = 2166136261u;
  for (unsigned char c : name) h = (h ^ c) * 16777619u;
  return name.substr(0, 54) + fmt::format("_{:08x}", h);
}

namespace {

// The block of one direction: its version's column names as PL/pgSQL variables holding the
// row's values (typed like the physical columns they read), then the assignments. Only the
// names the expressions use are declared when that can be told (each declaration is evaluated
// for every row the application writes: on a 7-column table, declaring all of them cost about
// as much as the expression itself); nothing at all when the direction assigns nothing.
std::string direction_block(const std::string& schema, const std::string& table, const VirtualTable* t,
                            const std::vector<TriggerAssignment>& as, TriggerAssignment::Direction d) {
  std::string assignments;
  std::optional<std::set<std::string>> used = std::set<std::string>{};
  for (const auto& a : as) {
    if (a.direction != d) continue;
    assignments += fmt::format("      NEW.{} := {};\n", pg::quote_ident(a.column), as_expression(a.expression));
    auto names = names_referenced(as_expression(a.expression));
    if (!names) used.reset();
    else if (used) used->insert(names->begin(), names->end());
  }
  if (assignments.empty()) return "    NULL;\n";
  std::string declarations;
  const std::vector<VirtualColumn> none;
  for (const auto& c : t ? t->columns : none) {
    if (c.hidden || (used && !used->count(c.name))) continue;
    declarations += fmt::format("      {} {}.{}%TYPE := NEW.{};\n", pg::quote_ident(c.name),
                                pg::qualified(schema, table), pg::quote_ident(c.physical), pg::quote_ident(c.physical));
  }
  return (declarations.empty() ? "" : "    DECLARE\n" + declarations) + "    BEGIN\n" + assignments + "    END;\n";
}
}  // namespace

std::string as_expression(const std::string& user_expression) {
  // Parenthesised, a bare `SELECT ...` is a scalar subquery and any other expression is unchanged.
  return "(" + user_expression + ")";
}

std::string trigger_name(const std::string& migration) { return limit_name("_slipway_trg_" + migration); }

std::string trigger_function_name(const std::string& table, const std::string& migration) {
  return limit_name("_slipway_trg_" + table + "_" + migration);
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
                                                   const std::vector<TriggerAssignment>& assignments) {
  std::string fn = pg::qualified(schema, trigger_function_name(physical_table, migration));
  // Each direction in its own block: `up` sees the old version's column names, `down` the new
  // version's; #variable_conflict lets expressions with subqueries use those names unambiguously.
  std::string body = fmt::format(
      "#variable_conflict use_variable\n"
      "DECLARE\n"
      "  _slipway_new_version boolean := {};\n"
      "BEGIN\n"
      "  IF NOT _slipway_new_version THEN\n{}"
      "  ELSE\n{}"
      "  END IF;\n"
      "  RETURN NEW;\n"
      "END",
      session_uses_version_sql(version_schema),
      direction_block(schema, physical_table, old_version, assignments, TriggerAssignment::Direction::up),
      direction_block(schema, physical_table, new_version, assignments, TriggerAssignment::Direction::down));
  return {
      fmt::format("CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS $_slipway_$\n{}\n$_slipway_$", fn,
                  body),
      fmt::format("DROP TRIGGER IF EXISTS {} ON {}", pg::quote_ident(trigger_name(migration)),
                  pg::qualified(schema, physical_table)),
      fmt::format("CREATE TRIGGER {} BEFORE INSERT OR UPDATE ON {} FOR EACH ROW "
                  "WHEN (current_setting('slipway.backfill', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION {}()",
                  pg::quote_ident(trigger_name(migration)), pg::qualified(schema, physical_table), fn),
  };
}

std::string drop_trigger_if_exists_sql(const std::string& schema, const std::string& physical_table,
                                       const std::string& trigger) {
  // The table itself may be gone (rolled back before it was created): check first.
  std::string table = pg::qualified(schema, physical_table);
  return fmt::format(
      "DO $_slipway_$ BEGIN IF to_regclass({}) IS NOT NULL THEN DROP TRIGGER IF EXISTS {} ON {}; END IF; "
      "END $_slipway_$",
      pg::quote_literal(table), pg::quote_ident(trigger), table);
}

std::vector<std::string> drop_trigger_statements(const std::string& schema, const std::string& physical_table,
                                                 const std::string& migration) {
  return {
      drop_trigger_if_exists_sql(schema, physical_table, trigger_name(migration)),
      fmt::format("DROP FUNCTION IF EXISTS {}()",
                  pg::qualified(schema, trigger_function_name(physical_table, migration))),
  };
}

}  // namespace slipway::migration
