// Validates a migration against the live catalog and plans all three of its phases. Nothing
// here changes the database.
#pragma once
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "migration/engine/plan.hpp"
#include "migration/engine/virtual_schema.hpp"
#include "migration/file/migration_file.hpp"
#include "pg/connection.hpp"

namespace slipway::migration {

struct MigrationPlans {
  // The new version's name: its schema of views, and the label a session gives with
  // `SET slipway.version` (the sync triggers read it), which exists without the schema too.
  std::string version_schema;
  // false under --use-version-schema=false (pgroll's flag): no schema of views is created at
  // start or refreshed at complete; applications use the tables' physical columns.
  bool creates_version_schema = true;
  std::optional<std::string> previous_version_schema;  // dropped at complete
  // Kept as schemas, made JSON only when stored: two JSON trees of a 20,000-column schema cost
  // more than the schemas.
  VirtualSchema new_version;
  VirtualSchema old_version;  // the catalog before start
  Plan start, complete, rollback;

  // The JSON stored with the migration, written a step at a time: a tree of every step of a
  // 20,000-operation plan would cost several times the plan itself.
  std::string to_json_text() const;
  static MigrationPlans from_json(const nlohmann::json& j);
};

// "<schema>_<version_schema or name>"; InputError beyond 63 bytes.
std::string version_schema_name(const std::string& schema, const MigrationDocument& doc);

struct PlanOptions {
  std::string schema = "public";
  // Holds the change logs of tables being backfilled (engine/capture.hpp).
  std::string state_schema = "slipway";
  // The completed version whose schema of views the complete drops.
  std::optional<std::string> previous_version_schema;
  bool version_schema = true;  // --use-version-schema
  // start --skip-validation: the checks that ask the database (expressions compile, types,
  // functions, collations and operator classes exist, dependants) are skipped; the checks on
  // the schema read once, which the plan is made from, stay (see docs/migrations.md).
  bool live_checks = true;
};

// Validates every operation in order on a copy of the live schema (InputError on the first
// problem) and plans start, complete and rollback.
MigrationPlans plan_migration(pg::Connection& conn, const MigrationDocument& doc, const PlanOptions& options);

}  // namespace slipway::migration
