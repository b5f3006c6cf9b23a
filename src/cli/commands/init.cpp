// slipway init: creates (or upgrades) the state schema. Harmless to re-run.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/context.hpp"
#include "cli/registry.hpp"

namespace slipway::cli {
namespace {

CommandRegistration init_command(10, [](CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("init", "create slipway's state schema in the database (idempotent)");
  cmd->callback([&g] {
    Session s(g, Session::Mode::state_changing);
    bool existed = s.store().initialized();
    s.store().init();
    if (g.json) {
      std::cout << nlohmann::json{{"state_schema", g.state_schema}, {"created", !existed}}.dump() << "\n";
    } else {
      std::cout << (existed ? "state schema \"" + g.state_schema + "\" is up to date\n"
                            : "created state schema \"" + g.state_schema + "\"\n");
    }
  });
});

}  // namespace
}  // namespace slipway::cli
