#include "migration/engine/engine_actions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "migration/engine/capture.hpp"
#include "migration/engine/views.hpp"
#include "migration/ops/column_sql.hpp"
#include "pg/connection.hpp"
#include "pg/quote.hpp"
#include "pg/sql/catalog_sql.hpp"

namespace slipway::migration {

namespace {

// The physical columns that one direction's sync assignments read (see TriggerReads). `table`:
// the table as the direction's version sees it; its expressions use that version's names.
std::optional<std::set<std::string>> trigger_reads(pg::Connection& conn, const VirtualTable* table,
                                                   const std::vector<TriggerAssignment>& assignments,
                                                   TriggerAssignment::Direction d) {
  std::vector<std::string> set;
  for (const auto& a : assignments)
    if (a.direction == d) set.push_back(pg::quote_ident(a.column) + " = " + as_expression(a.expression));
  if (set.empty()) return std::set<std::string>{};
  if (!table) return std::nullopt;
  std::set<std::string> names;
  for (const auto& c : table->columns)
    if (!c.hidden) names.insert(c.name);
  auto read = columns_read_by_assignments(conn, set, names);
  if (!read) return std::nullopt;
  std::set<std::string> physical;
  for (const auto& c : table->columns)
    if (!c.hidden && read->count(c.name)) physical.insert(c.physical);
  return physical;
}

// The columns whose UPDATEs the write capture must see: those the backfill's assignments read
// (nullopt: any UPDATE, when that cannot be told; see create_capture_statements). `table`: the
// physical table as the planner read it from the catalog.
std::optional<std::set<std::string>> capture_watched_columns(pg::Connection& conn, const VirtualTable* table,
                                                             const std::vector<std::string>& set) {
  if (!table || !table->catalog) return std::nullopt;
  std::set<std::string> columns;
  for (const auto& c : table->catalog->columns) columns.insert(c.name);
  return columns_read_by_assignments(conn, set, columns);
}

// Drops a schema (the views of a version) with everything in it.
Action drop_version_schema(const std::string& version_schema) {
  Action a;
  a.statements = {fmt::format("DROP SCHEMA IF EXISTS {} CASCADE", pg::quote_ident(version_schema))};
  a.lock = LockMode::access_exclusive;
  a.lock_target = "views of " + version_schema;
  a.verify = pg::sql::select(pg::sql::negate(pg::sql::schema_exists(version_schema)));
  return a;
}

// The capture trigger, its function and its change log, gone.
Action drop_capture(const EngineContext& e, const std::string& table) {
  Action a;
  a.statements = drop_capture_trigger_statements(e.state_schema, e.schema, table);
  for (auto& s : drop_capture_log_statements(e.state_schema, e.schema, table)) a.statements.push_back(std::move(s));
  a.lock = LockMode::access_exclusive;  // DROP TRIGGER: brief, and the transaction's first lock
  a.lock_target = table;
  a.verify = pg::sql::select(pg::sql::relation_missing(e.state_schema, capture_names(e.schema, table).log_table));
  return a;
}

}  // namespace

std::vector<std::string> trigger_tables(const TriggerSet& triggers) {
  std::vector<std::string> out;
  for (const auto& a : triggers.assignments())
    if (std::find(out.begin(), out.end(), a.table) == out.end()) out.push_back(a.table);
  return out;
}

Action sync_trigger_action(const EngineContext& e, const std::string& table) {
  std::vector<TriggerAssignment> mine;
  for (const auto& a : e.triggers->assignments())
    if (a.table == table) mine.push_back(a);
  Action a;
  a.id = "triggers:" + table;
  a.description = fmt::format("create the up/down sync trigger on {}", table);
  const VirtualTable* old_table = e.old_version->by_physical(table);
  const VirtualTable* new_table = e.new_version->by_physical(table);
  TriggerReads reads{trigger_reads(*e.conn, old_table, mine, TriggerAssignment::Direction::up),
                     trigger_reads(*e.conn, new_table, mine, TriggerAssignment::Direction::down)};
  a.statements = create_trigger_statements(e.schema, e.migration, e.version_schema, table, old_table, new_table, mine, reads);
  a.lock = LockMode::access_exclusive;  // DROP TRIGGER IF EXISTS first: a brief exclusive lock
  a.lock_target = table;
  std::vector<std::string> names, drops;
  for (auto d : directions_of(mine)) {
    names.push_back(trigger_name(e.migration, d));
    drops.push_back(fmt::format("DROP TRIGGER {} ON {}", pg::quote_ident(trigger_name(e.migration, d)),
                                pg::qualified(e.schema, table)));
  }
  a.rollback = fmt::format("{}", fmt::join(drops, "; "));
  a.verify = pg::sql::select(pg::sql::triggers_exist(e.schema, table, names));
  return a;
}

Action drop_sync_trigger_action(const EngineContext& e, const std::string& table) {
  Action a;
  a.id = "drop_triggers:" + table;
  a.description = fmt::format("drop the sync trigger on {}", table);
  a.statements = drop_trigger_statements(e.schema, table, e.migration);
  a.lock = LockMode::access_exclusive;
  a.lock_target = table;
  a.verify = pg::sql::select(pg::sql::negate(pg::sql::function_named(
      {trigger_function_name(table, e.migration, TriggerAssignment::Direction::up),
       trigger_function_name(table, e.migration, TriggerAssignment::Direction::down)})));
  return a;
}

Action capture_action(const EngineContext& e, const Action& backfill) {
  const auto& table = backfill.backfill->table;
  auto names = capture_names(e.schema, table);
  Action a;
  a.id = "capture:" + table;
  a.description = fmt::format("capture the keys of rows the application writes to {} during its backfill", table);
  a.statements = create_capture_statements(
      e.state_schema, e.schema, table, backfill.backfill->key,
      capture_watched_columns(*e.conn, e.old_version->by_physical(table), backfill.backfill->set));
  a.lock = LockMode::share_row_exclusive;
  a.lock_target = table;
  a.rollback = fmt::format("DROP TRIGGER {} ON {}; DROP TABLE {}", pg::quote_ident(names.trigger),
                           pg::qualified(e.schema, table), pg::qualified(e.state_schema, names.log_table));
  a.verify = pg::sql::select(pg::sql::trigger_exists(e.schema, table, names.trigger));
  return a;
}

Action switch_to_sync_trigger_action(const EngineContext& e, const std::string& table) {
  auto synced = trigger_tables(*e.triggers);
  // The sync trigger's own action, its undo included, plus the capture's end.
  Action sw = std::find(synced.begin(), synced.end(), table) != synced.end() ? sync_trigger_action(e, table) : Action{};
  sw.id = "switch:" + table;
  sw.description = fmt::format("switch {} from write capture to the up/down sync trigger (one transaction)", table);
  // Not a DROP: see engine/capture.hpp (no lock upgrade inside the switch).
  for (auto& s : disable_capture_trigger_statements(e.schema, table)) sw.statements.push_back(std::move(s));
  sw.lock = LockMode::share_row_exclusive;  // reads go on during the switch
  sw.lock_target = table;
  sw.verify = pg::sql::select(pg::sql::trigger_disabled(e.schema, table, capture_names(e.schema, table).trigger));
  return sw;
}

Action replay_action(const EngineContext& e, const Action& backfill) {
  const auto& table = backfill.backfill->table;
  Action replay = backfill;
  replay.id = "replay:" + table;
  replay.description = fmt::format("recompute the rows of {} the application wrote during the backfill", table);
  replay.backfill->replay_log = capture_names(e.schema, table).log_table;
  return replay;
}

Action drop_capture_log_action(const EngineContext& e, const std::string& table) {
  Action a = drop_capture(e, table);
  a.id = "drop_capture_log:" + table;
  a.description = fmt::format("drop the disabled capture trigger and the change log of {}", table);
  return a;
}

Action drop_capture_action(const EngineContext& e, const std::string& table) {
  Action a = drop_capture(e, table);
  a.id = "drop_capture:" + table;
  a.description = fmt::format("drop the write capture of {} and its change log", table);
  return a;
}

Action version_schema_action(const EngineContext& e) {
  Action a;
  a.id = kVersionSchemaActionId;
  a.description = fmt::format("create the version schema {} (one view per table)", e.version_schema);
  a.statements = version_schema_statements(e.schema, e.version_schema, *e.new_version, has_security_invoker_views(*e.conn));
  a.deferred = true;
  a.lock = LockMode::access_share;
  a.lock_target = "every table of " + e.schema;
  a.rollback = fmt::format("DROP SCHEMA {} CASCADE", pg::quote_ident(e.version_schema));
  a.verify = pg::sql::select(pg::sql::schema_exists(e.version_schema));
  return a;
}

Action refresh_views_action(const EngineContext& e) {
  Action a;
  a.id = kRefreshViewsActionId;
  a.description = fmt::format("update the views of {} to the completed tables", e.version_schema);
  a.deferred = true;
  a.lock = LockMode::access_exclusive;
  a.lock_target = "changed views of " + e.version_schema;
  a.verify = pg::sql::select(pg::sql::schema_exists(e.version_schema));
  return a;
}

Action drop_version_schema_action(const EngineContext& e) {
  Action a = drop_version_schema(e.version_schema);
  a.id = "drop_version_schema";
  a.description = fmt::format("drop the version schema {}", e.version_schema);
  return a;
}

Action drop_previous_version_action(const std::string& previous_version_schema) {
  Action a = drop_version_schema(previous_version_schema);
  a.id = "drop_previous_version";
  a.description = fmt::format("drop the previous version schema {}", previous_version_schema);
  a.rollback = "(none: recreate by re-running the previous migration's views)";
  return a;
}

}  // namespace slipway::migration
