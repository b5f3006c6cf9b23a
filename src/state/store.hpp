// slipway's own state, in a schema of the database being changed (default `slipway`): the
// migration history and whatever the other layers need to resume after a crash.
#pragma once
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "pg/connection.hpp"

namespace slipway::state {

struct MigrationRecord {
  std::string schema;          // the application schema the migration applies to
  std::string name;
  std::optional<std::string> parent;
  nlohmann::json migration;    // the migration document as read from its file
  std::string status;          // active | complete | rolled_back | baseline
  std::string version_schema;  // e.g. public_02_add_column
  std::string started_at;
  std::optional<std::string> completed_at;
  nlohmann::json progress;     // where an interrupted step stopped (resume information)
};

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

  std::vector<MigrationRecord> history(const std::string& app_schema);
  std::optional<MigrationRecord> active_migration(const std::string& app_schema);
  std::optional<MigrationRecord> latest_migration(const std::string& app_schema);

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
