// slipway create --name NAME: a new migration file from a template (as pgroll's `create`,
// without its interactive prompts): DIR/NAME.yaml with the operations commented out for editing,
// or an empty one (--empty, or --json: JSON has no comments). Never overwrites a file.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/registry.hpp"
#include "migration/file/writer.hpp"
#include "util/error.hpp"

namespace slipway::cli {
namespace {

namespace fs = std::filesystem;

const char* kTemplate = R"(# %NAME%: edit the operations, then `slipway validate` and `slipway start` this file.
# Each operation is expanded without blocking the application and contracted at `complete`
# (docs/migrations.md lists them all). For example:
#
# operations:
#   - add_column:
#       table: users
#       column: {name: nickname, type: text, nullable: true}
#   - create_index:
#       name: users_nickname_idx
#       table: users
#       columns: [{column: nickname}]
operations: []
)";

CommandRegistration create_command(19, [](CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("create", "write a new migration file from a template (no database)");
  static std::string name, dir = ".";
  static bool empty = false;
  cmd->add_option("-n,--name", name, "the migration's name (the file is NAME.yaml)")->required();
  cmd->add_option("--dir", dir, "directory to write it to (created if missing)")->capture_default_str();
  cmd->add_flag("-e,--empty", empty, "no commented example, only `operations: []`");
  cmd->callback([&g] {
    if (name.size() > 63 || name.find_first_of("/\\") != std::string::npos || name.front() == '.')
      throw InputError(fmt::format("\"{}\" cannot name a migration file", name), "use letters, digits, _ and -, at most 63 bytes");
    fs::create_directories(dir);
    auto path = fs::path(dir) / (name + (g.json ? ".json" : ".yaml"));
    if (fs::exists(path)) throw InputError(path.string() + " exists", "choose another name");
    if (g.json || empty) {
      migration::write_migration_file(path.string(), {{"operations", nlohmann::json::array()}}, g.json);
    } else {
      std::string text = kTemplate;
      text.replace(text.find("%NAME%"), 6, name);
      std::ofstream(path) << text;
    }
    if (g.json) std::cout << nlohmann::json{{"file", path.string()}}.dump() << "\n";
    else std::cout << "wrote " << path.string() << "\n";
  });
});

}  // namespace
}  // namespace slipway::cli
