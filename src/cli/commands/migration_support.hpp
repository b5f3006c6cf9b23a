// What the migration commands share: reading a file, and a Migrator over the command's session.
#pragma once
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include "cli/context.hpp"
#include "migration/engine/migrator.hpp"
#include "migration/file/migration_file.hpp"

namespace slipway::cli {

inline migration::Migrator make_migrator(Session& s, const GlobalOptions& g,
                                         backfill::EngineOptions backfill = {}) {
  return migration::Migrator(s.ddl(), s.store(), {g.postgres_url, g.schema, g.state_schema, std::move(backfill)});
}

// Runs `phase` (which opens its own Session, so its own connection and the database's advisory
// lock) and, when the connection to the server is lost midway (a server restart, a failover, a
// killed backend), connects again and runs it again: every migration phase resumes from what
// the history recorded, so the rerun does exactly what is left. Gives up after `patience`
// without a usable connection (then the error says so). Errors before the first connection
// (bad URL, password) are not retried.
void resume_after_lost_connection(const std::string& what, const std::function<void()>& phase,
                                  std::chrono::seconds patience = std::chrono::seconds(60));

inline std::string file_format(const std::string& path) {
  return std::filesystem::path(path).extension() == ".json" ? "json" : "yaml";
}

}  // namespace slipway::cli
