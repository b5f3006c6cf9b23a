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
  std::string version_schema;
  std::optional<std::string> previous_version_schema;  // dropped at complete
  // Kept as schemas, made JSON only when stored: two JSON trees of a 20,000-column schema cost
  // more than the schemas.
  VirtualSchema new_version;
  VirtualSchema old_version;  // the catalog before start
  Plan start, complete, rollback;

  nlohmann::json to_json() const;
  static MigrationPlans from_json(const nlohmann::json& j);
};

// "<schema>_<version_schema or name>"; InputError beyond 63 bytes.
std::string version_schema_name(const std::string& schema, const MigrationDocument& doc);

// Validates every operation in order on a copy of the live schema (InputError on the first
// problem) and plans start, complete and rollback.
// `state_schema` holds the change logs of tables being backfilled (engine/capture.hpp).
MigrationPlans plan_migration(pg::Connection& conn, const std::string& schema, const std::string& state_schema,
                              const MigrationDocument& doc,
                              const std::optional<std::string>& previous_version_schema);

}  // namespace slipway::migration
