// slipway validate FILE: check a migration against the live database without changing anything.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands/migration_support.hpp"
#include "cli/registry.hpp"

namespace slipway::cli {
namespace {

CommandRegistration validate_command(25, [](CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("validate", "validate a migration file against the live database (changes nothing)");
  static std::string file;
  cmd->add_option("file", file, "migration file")->required();
  cmd->callback([&g] {
    auto doc = migration::read_migration_file(file);
    Session s(g, Session::Mode::read_only);
    auto plans = make_migrator(s, g).validate(doc);
    if (g.json) {
      std::cout << nlohmann::json{{"migration", doc.name}, {"valid", true}, {"version_schema", version_schema_json(plans)},
                                  {"start_steps", plans.start.actions.size()},
                                  {"complete_steps", plans.complete.actions.size()}}
                       .dump()
                << "\n";
    } else {
      std::cout << file << ": valid (" << doc.operations.size() << " operations, " << version_schema_text(plans)
                << ")\n";
    }
  });
});

}  // namespace
}  // namespace slipway::cli
