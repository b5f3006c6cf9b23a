// slipway rollback: undo the active migration; the schema ends as it was before start.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands/migration_support.hpp"
#include "cli/registry.hpp"

namespace slipway::cli {
namespace {

CommandRegistration rollback_command(22, [](CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("rollback", "roll back the active migration");
  cmd->callback([&g] {
    Session s(g, Session::Mode::state_changing);
    s.store().require_initialized();
    auto name = make_migrator(s, g).rollback();
    if (g.json) std::cout << nlohmann::json{{"migration", name}, {"status", "rolled_back"}}.dump() << "\n";
  });
});

}  // namespace
}  // namespace slipway::cli
