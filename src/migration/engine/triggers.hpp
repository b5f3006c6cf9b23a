// Up/down triggers keep the old and the new representation of changed columns in sync while
// both application versions run. Operations contribute assignments; the engine generates one
// trigger function per table and migration:
//
//   BEFORE INSERT OR UPDATE ... FOR EACH ROW
//   WHEN (current_setting('slipway.backfill', true) IS DISTINCT FROM 'on')
//
// Inside, the writing session's version decides the direction: a session of the new version
// (custom GUC slipway.version = '<version schema>', or else that schema first in search_path)
// gets the `down` assignments (new -> old); every other session the `up` ones (old -> new).
// Expressions see the row's columns as variables named as that version's application sees them.
#pragma once
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

// `name` if it fits PostgreSQL's 63 bytes, else a prefix plus a hash of the whole (stable).
std::string limit_name(std::string name);

// Names of slipway's trigger and function for a table in a migration.
std::string trigger_name(const std::string& migration);
std::string trigger_function_name(const std::string& table, const std::string& migration);

// The DDL for one table's trigger function and trigger (idempotent: CREATE OR REPLACE, and the
// trigger dropped first). `old_version`/`new_version` are the table as each version sees it
// (old_version may be null for a table the migration creates); `assignments` are this table's.
std::vector<std::string> create_trigger_statements(const std::string& schema, const std::string& migration,
                                                   const std::string& version_schema,
                                                   const std::string& physical_table,
                                                   const VirtualTable* old_version,
                                                   const VirtualTable* new_version,
                                                   const std::vector<TriggerAssignment>& assignments);
// DROP TRIGGER IF EXISTS that also succeeds when the table is gone.
std::string drop_trigger_if_exists_sql(const std::string& schema, const std::string& physical_table,
                                       const std::string& trigger);
// Drops them (IF EXISTS).
std::vector<std::string> drop_trigger_statements(const std::string& schema, const std::string& physical_table,
                                                 const std::string& migration);
// SQL boolean expression: is the current session writing as `version_schema`?
std::string session_uses_version_sql(const std::string& version_schema);

}  // namespace slipway::migration
