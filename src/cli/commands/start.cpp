// slipway start FILE [--complete]: validate a migration against the live database, then expand:
// new structures, sync triggers, backfill, and the new version's schema of views.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/backfill_flags.hpp"
#include "cli/commands/migration_support.hpp"
#include "cli/registry.hpp"
#include "pg/resume.hpp"
#include "util/log.hpp"

namespace slipway::cli {
namespace {

CommandRegistration start_command(20, [](CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("start", "start a migration (expand); re-run to resume an interrupted start");
  static std::string file;
  static bool complete = false;
  static bool skip_validation = false;
  static BackfillFlags flags;
  cmd->add_option("file", file, "migration file (.yaml, .yml or .json)")->required();
  cmd->add_flag("--complete", complete, "complete the migration right after starting it");
  cmd->add_flag("-s,--skip-validation", skip_validation,
                "skip the checks that ask the database (expressions, types, functions, operator classes); "
                "the checks of tables and columns stay");
  add_backfill_flags(*cmd, flags);
  cmd->callback([&g] {
    auto doc = migration::read_migration_file(file);
    std::unique_ptr<backfill::ProgressSink> sink;
    auto backfill_options = engine_options(g, flags, sink, /*global_json=*/false);
    bool done = false;
    pg::resume_after_lost_connection("start", [&] {
      Session s(g, Session::Mode::state_changing);
      auto migrator = make_migrator(s, g, backfill_options, skip_validation);
      // A retry of `start --complete` whose first run finished: done, as `complete` says.
      if (complete && migrator.completed_last(doc)) {
        log::info("migration {} was already started and completed: nothing to do", doc.name);
        done = true;
        return;
      }
      migrator.start(doc, file_format(file));
    });
    if (complete && !done) {
      pg::resume_after_lost_connection("complete", [&] {
        Session s(g, Session::Mode::state_changing);
        make_migrator(s, g, backfill_options).complete();
      });
    }
    if (g.json) {
      std::cout << nlohmann::json{{"migration", doc.name}, {"status", complete ? "complete" : "active"}}.dump() << "\n";
    }
  });
});

}  // namespace
}  // namespace slipway::cli
