// What the migration commands share: reading a file, and a Migrator over the command's session.
#pragma once
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

#include "cli/context.hpp"
#include "migration/engine/migrator.hpp"
#include "migration/file/migration_file.hpp"

namespace slipway::cli {

// `skip_validation`: start --skip-validation.
inline migration::Migrator make_migrator(Session& s, const GlobalOptions& g, backfill::EngineOptions backfill = {},
                                         bool skip_validation = false) {
  migration::MigratorOptions o{g.postgres_url, g.schema, g.state_schema, std::move(backfill)};
  o.use_version_schema = g.use_version_schema;
  o.skip_validation = skip_validation;
  return migration::Migrator(s.ddl(), s.store(), std::move(o));
}

// The new version's schema of views as `validate` and `plan` show it: null / "no version
// schema" under --use-version-schema=false.
inline nlohmann::json version_schema_json(const migration::MigrationPlans& p) {
  return p.creates_version_schema ? nlohmann::json(p.version_schema) : nlohmann::json();
}
inline std::string version_schema_text(const migration::MigrationPlans& p) {
  return p.creates_version_schema ? "version schema " + p.version_schema : "no version schema";
}

inline std::string file_format(const std::string& path) {
  return std::filesystem::path(path).extension() == ".json" ? "json" : "yaml";
}

}  // namespace slipway::cli
