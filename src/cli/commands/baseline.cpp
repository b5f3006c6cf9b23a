// slipway baseline [VERSION DIR]: record the current schema as the starting point of slipway's
// history, for databases that existed before slipway (start does this automatically when
// needed). As pgroll's `baseline VERSION DIR`: the baseline is named VERSION and DIR/VERSION.yaml
// (.json with --json) is written, an empty migration standing for the schema as it was, so the
// directory and the history agree and `migrate DIR` starts after it.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

#include "cli/commands/migration_support.hpp"
#include "cli/registry.hpp"
#include "migration/file/writer.hpp"
#include "util/error.hpp"

namespace slipway::cli {
namespace {

namespace fs = std::filesystem;

CommandRegistration baseline_command(26, [](CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("baseline", "record the existing schema as slipway's baseline");
  static std::string version, dir;
  static bool yes = false;
  cmd->add_option("version", version, "the baseline's name (as pgroll's baseline VERSION DIR)");
  cmd->add_option("dir", dir, "directory to write VERSION.yaml to (created if missing)");
  cmd->add_flag("-y,--yes", yes, "restart an existing history at VERSION (as pgroll's --yes; refused without it)");
  cmd->callback([&g] {
    if (!version.empty() && dir.empty()) throw InputError("baseline VERSION needs a DIR to write the baseline file to");
    if (!version.empty() && (version.size() > 63 || version.find_first_of("/\\") != std::string::npos ||
                             version.front() == '.'))
      throw InputError(fmt::format("\"{}\" cannot name a migration file and a version", version),
                       "use letters, digits, _ and -, at most 63 bytes");
    fs::path file;
    if (!dir.empty()) {
      file = fs::path(dir) / (version + (g.json ? ".json" : ".yaml"));
      if (fs::exists(file)) throw InputError(file.string() + " exists", "choose another VERSION or remove the file");
    }
    Session s(g, Session::Mode::state_changing);
    auto name = make_migrator(s, g).baseline(version, yes);
    if (!file.empty()) {
      fs::create_directories(dir);
      migration::write_migration_file(file.string(), {{"operations", nlohmann::json::array()}}, g.json);
    }
    if (g.json) std::cout << nlohmann::json{{"baseline", name}, {"file", file.string()}}.dump() << "\n";
    else std::cout << "recorded the current schema " << g.schema << " as baseline " << name
                   << (file.empty() ? "" : ", wrote " + file.string()) << "\n";
  });
});

}  // namespace
}  // namespace slipway::cli
