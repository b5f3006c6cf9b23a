// Up/down triggers keep the old and the new representation of changed columns in sync while
// both application versions run. Operations contribute assignments; the engine generates, per
// table and migration, one trigger and function for each direction that has assignments:
//
//   _slipway_trg_<migration>   BEFORE INSERT OR UPDATE [OF <columns up reads>] ... FOR EACH ROW
//     WHEN (slipway.backfill is not 'on' AND the session does not write as the new version)
//   _slipway_down_<migration>  BEFORE INSERT OR UPDATE [OF <columns down reads>] ... FOR EACH ROW
//     WHEN (slipway.backfill is not 'on' AND the session writes as the new version)
//
// A session writes as the new version when the custom GUC slipway.version names its version
// schema, or else when that schema is first in its search_path. Deciding the direction and the
// columns in the trigger definition, not in PL/pgSQL, keeps the function out of writes it has
// nothing to do for: the executor evaluates WHEN and the column list without calling it.
// Expressions see the row's columns as variables named as that version's application sees them.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "migration/engine/virtual_schema.hpp"

namespace slipway::migration {

struct TriggerAssignment {
  enum class Direction { up, down };
  Direction direction;
  std::string table;   // physical table
  std::string column;  // physical column assigned
  std::string expression;  // the user's up/down expression (a bare SELECT is made a subquery)
};

class TriggerSet {
 public:
  void add(TriggerAssignment a) { assignments_.push_back(std::move(a)); }
  const std::vector<TriggerAssignment>& assignments() const { return assignments_; }
  bool empty() const { return assignments_.empty(); }

 private:
  std::vector<TriggerAssignment> assignments_;
};

// A user's up/down expression as a SQL expression: `SELECT ...` becomes `(SELECT ...)`.
std::string as_expression(const std::string& user_expression);


// Names of slipway's triggers and functions for a table in a migration: `up` (old -> new) and
// `down` (new -> old).
std::string trigger_name(const std::string& migration,
                         TriggerAssignment::Direction d = TriggerAssignment::Direction::up);
std::string trigger_function_name(const std::string& table, const std::string& migration,
                                  TriggerAssignment::Direction d = TriggerAssignment::Direction::up);
// Both directions' trigger names (what a step that must drop "the sync trigger" drops).
std::vector<std::string> trigger_names(const std::string& migration);
// The directions that have assignments, in the order up, down.
std::vector<TriggerAssignment::Direction> directions_of(const std::vector<TriggerAssignment>& assignments);

// The physical columns each direction's expressions read (nullopt: cannot be told, so every
// UPDATE fires the trigger). An UPDATE that sets none of them cannot change what the direction
// computes, so its trigger fires only on INSERT and on UPDATEs of those columns.
struct TriggerReads {
  std::optional<std::set<std::string>> up;
  std::optional<std::set<std::string>> down;
};

// A row trigger's events: INSERT, and the UPDATEs of `columns` (nullopt: every UPDATE; empty:
// none). An UPDATE that sets none of the columns a trigger's work depends on skips it.
std::string trigger_events(const std::optional<std::set<std::string>>& columns);

// The DDL for one table's trigger functions and triggers (idempotent: CREATE OR REPLACE, and
// each trigger dropped first). `old_version`/`new_version` are the table as each version sees it
// (old_version may be null for a table the migration creates); `assignments` are this table's.
std::vector<std::string> create_trigger_statements(const std::string& schema, const std::string& migration,
                                                   const std::string& version_schema,
                                                   const std::string& physical_table,
                                                   const VirtualTable* old_version,
                                                   const VirtualTable* new_version,
                                                   const std::vector<TriggerAssignment>& assignments,
                                                   const TriggerReads& reads = {});
// DROP TRIGGER IF EXISTS that also succeeds when the table is gone.
std::string drop_trigger_if_exists_sql(const std::string& schema, const std::string& physical_table,
                                       const std::string& trigger);
// Drops both directions' triggers and functions (IF EXISTS).
std::vector<std::string> drop_trigger_statements(const std::string& schema, const std::string& physical_table,
                                                 const std::string& migration);
// SQL boolean expression: is the current session writing as `version_schema`?
std::string session_uses_version_sql(const std::string& version_schema);

}  // namespace slipway::migration
