// slipway's own state, in a schema of the database being changed (default `slipway`): the
// migration history and whatever the other layers need to resume after a crash. The store owns
// the schema (its DDL and version); each table has its own owner (the history:
// state/migration_history.hpp).
#pragma once
#include <string>
#include <vector>

#include "pg/connection.hpp"
#include "state/migration_history.hpp"

namespace slipway::state {

class StateStore {
 public:
  StateStore(pg::Connection& conn, std::string state_schema);

  // Creates or upgrades the state schema. Idempotent.
  void init();
  bool initialized();
  // Throws InputError telling the user to run `slipway init`.
  void require_initialized();

  const std::string& schema() const { return schema_; }
  // "slipway"."table"
  std::string table(std::string_view name) const;
  pg::Connection& connection() { return conn_; }

  // The migration history of `app_schema`.
  MigrationHistory migrations(const std::string& app_schema) { return {conn_, schema_, app_schema}; }

 private:
  pg::Connection& conn_;
  std::string schema_;
};

// DDL of the state schema, in order; every statement idempotent. Layers that need tables of
// their own append them here (state/schema.cpp).
std::vector<std::string> state_schema_ddl(const std::string& state_schema);
// The version of that DDL, kept as the state schema's comment: init() runs the DDL only when the
// comment differs. Change it with every change to state_schema_ddl.
std::string state_schema_version();

}  // namespace slipway::state
