// slipway pull DIR: write the recorded migration history back to files (YAML or JSON, as each
// migration was written), e.g. to recreate a lost migrations directory.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

#include "cli/commands/migration_support.hpp"
#include "cli/registry.hpp"
#include "migration/file/writer.hpp"

namespace slipway::cli {
namespace {

CommandRegistration pull_command(28, [](CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("pull", "write the migration history back to files in a directory");
  static std::string dir;
  cmd->add_option("dir", dir, "directory to write to (created if missing)")->required();
  cmd->callback([&g] {
    Session s(g, Session::Mode::read_only);
    s.store().require_initialized();
    std::filesystem::create_directories(dir);
    int written = 0;
    for (const auto& r : s.store().migrations(g.schema).records()) {
      if (r.status == "baseline") continue;
      // `--json` (as pgroll's `pull --json`): every file as JSON; otherwise each in its own format.
      const bool as_json = g.json || r.format == "json";
      auto path = std::filesystem::path(dir) / (r.name + (as_json ? ".json" : ".yaml"));
      migration::write_migration_file(path.string(), r.migration, as_json);
      ++written;
      if (!g.json) std::cout << path.string() << "\n";
    }
    if (g.json) std::cout << nlohmann::json{{"written", written}, {"dir", dir}}.dump() << "\n";
  });
});

}  // namespace
}  // namespace slipway::cli
