// slipway update DIR: rewrite migration files written in older pgroll formats to the current
// one (as pgroll's `update`), each checked by the reader before it replaces the file. Files
// already current are left alone. With --json the rewritten files are JSON.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

#include "cli/registry.hpp"
#include "migration/file/migration_file.hpp"
#include "migration/file/updater.hpp"
#include "migration/file/writer.hpp"

namespace slipway::cli {
namespace {

namespace fs = std::filesystem;

CommandRegistration update_command(29, [](CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("update", "rewrite migration files in older pgroll formats to the current one (no database)");
  static std::string dir;
  cmd->add_option("dir", dir, "directory of migration files")->required();
  cmd->callback([&g] {
    nlohmann::json updated = nlohmann::json::array();
    for (const auto& file : migration::migration_files_in(dir)) {
      auto doc = migration::read_migration_document(file);
      if (!migration::update_to_current_format(doc)) continue;
      // The rewritten document must read as a migration before it replaces anything.
      migration::parse_migration(fs::path(file).stem().string(), doc);
      const bool as_json = g.json || fs::path(file).extension() == ".json";
      auto target = fs::path(file).replace_extension(as_json ? ".json" : ".yaml");
      migration::write_migration_file(target.string(), doc, as_json);
      if (target != fs::path(file)) fs::remove(file);
      updated.push_back(target.string());
      if (!g.json) std::cout << "updated " << target.string() << "\n";
    }
    if (g.json) std::cout << nlohmann::json{{"updated", updated}}.dump() << "\n";
    else if (updated.empty()) std::cout << "every migration file in " << dir << " is in the current format\n";
  });
});

}  // namespace
}  // namespace slipway::cli
