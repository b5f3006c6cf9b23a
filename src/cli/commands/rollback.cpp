// slipway rollback: undo the active migration; the schema ends as it was before start (exit 0
// when the last migration is rolled back already: a retry after a kill).
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
    auto outcome = make_migrator(s, g).rollback();
    if (g.json) {
      std::cout << nlohmann::json{{"migration", outcome.migration}, {"status", "rolled_back"},
                                  {"already_done", outcome.already_done}}
                       .dump()
                << "\n";
    }
  });
});

}  // namespace
}  // namespace slipway::cli
