// slipway baseline: record the current schema as the starting point of slipway's history, for
// databases that existed before slipway (start does this automatically when needed).
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands/migration_support.hpp"
#include "cli/registry.hpp"

namespace slipway::cli {
namespace {

CommandRegistration baseline_command(26, [](CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("baseline", "record the existing schema as slipway's baseline");
  cmd->callback([&g] {
    Session s(g, Session::Mode::state_changing);
    auto name = make_migrator(s, g).baseline();
    if (g.json) std::cout << nlohmann::json{{"baseline", name}}.dump() << "\n";
    else std::cout << "recorded the current schema " << g.schema << " as baseline " << name << "\n";
  });
});

}  // namespace
}  // namespace slipway::cli
