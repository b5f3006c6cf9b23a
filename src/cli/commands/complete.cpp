// slipway complete: contract the active migration (idempotent; re-run to resume; exit 0 when the
// last migration is complete already: a retry after a kill).
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands/migration_support.hpp"
#include "cli/registry.hpp"
#include "pg/resume.hpp"

namespace slipway::cli {
namespace {

CommandRegistration complete_command(21, [](CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("complete", "complete the active migration (contract)");
  cmd->callback([&g] {
    migration::Migrator::Outcome outcome;
    pg::resume_after_lost_connection("complete", [&] {
      Session s(g, Session::Mode::state_changing);
      s.store().require_initialized();
      outcome = make_migrator(s, g).complete();
    });
    if (g.json) {
      std::cout << nlohmann::json{{"migration", outcome.migration}, {"status", "complete"},
                                  {"already_done", outcome.already_done}}
                       .dump()
                << "\n";
    }
  });
});

}  // namespace
}  // namespace slipway::cli
