// What the migration commands share: reading a file, and a Migrator over the command's session.
#pragma once
#include <filesystem>
#include <string>

#include "cli/context.hpp"
#include "migration/engine/migrator.hpp"
#include "migration/file/migration_file.hpp"

namespace slipway::cli {

inline migration::Migrator make_migrator(Session& s, const GlobalOptions& g,
                                         backfill::EngineOptions backfill = {}) {
  return migration::Migrator(s.ddl(), s.store(), {g.postgres_url, g.schema, g.state_schema, std::move(backfill)});
}

inline std::string file_format(const std::string& path) {
  return std::filesystem::path(path).extension() == ".json" ? "json" : "yaml";
}

}  // namespace slipway::cli
