// The migrator: start, complete and rollback of one migration, with the history in the state
// schema. Validation and planning happen before anything changes; each phase is resumable.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "backfill/engine.hpp"
#include "catalog/model.hpp"
#include "migration/engine/planner.hpp"
#include "migration/file/migration_file.hpp"
#include "pg/ddl_executor.hpp"
#include "state/migration_history.hpp"
#include "state/store.hpp"

namespace slipway::migration {

struct MigratorOptions {
  std::string conninfo;
  std::string schema = "public";
  std::string state_schema = "slipway";
  // How start backfills (workers, batch time, throttles, progress); state_schema and the lock
  // timeout are filled in by the applier.
  backfill::EngineOptions backfill;
  bool use_version_schema = true;  // --use-version-schema (pgroll's): false creates no schema of views
  bool skip_validation = false;    // start --skip-validation: PlanOptions::live_checks off
};

// What moves an active migration on from where `m` stands (interrupted, failed or given up):
// the command that resumes its phase ("start", "complete" or "rollback") and the other one
// allowed from there, if any. `slipway status` prints them; Migrator refuses the others.
struct NextCommands {
  std::string resume;
  std::optional<std::string> instead;
};
NextCommands next_commands(const state::MigrationRecord& m);

class Migrator {
 public:
  Migrator(pg::DdlExecutor& ddl, state::StateStore& store, MigratorOptions options);

  // Validates against the live catalog and plans; changes nothing. Throws InputError.
  MigrationPlans validate(const MigrationDocument& doc);
  // Starts `doc` (or resumes it when it is the active migration). `format`: yaml | json.
  void start(const MigrationDocument& doc, const std::string& format);
  // Completes / rolls back the active migration. With none active, a request the last migration
  // already satisfies (complete after it completed, rollback after it rolled back: a retry after
  // a kill) is done, `already_done`; anything else is an InputError.
  struct Outcome {
    std::string migration;
    bool already_done = false;
  };
  Outcome complete();
  Outcome rollback();
  // Whether the migration that ended last is `doc`, completed: `start FILE --complete` retried
  // after it finished (its answer was lost) then has nothing to do.
  bool completed_last(const MigrationDocument& doc);
  // Records the current schema as the baseline when it has tables but no history. Returns the
  // baseline's name if it recorded one.
  std::optional<std::string> baseline_if_needed();
  // Records a baseline now, named `name` or 00000_baseline. Over an existing history (only
  // with a name, and `restart` said: pgroll's baseline restarts the history) the baseline's
  // parent is the latest migration, and `migrate DIR` starts after it; else InputError.
  std::string baseline(const std::string& name = {}, bool restart = false);

 private:
  std::optional<state::MigrationRecord> active();
  std::optional<std::string> previous_version_schema();
  // `resume` is the command that resumes the phase, for messages; `source` names the file.
  void run_phase(const std::string& name, const MigrationPlans& plans, const std::string& phase,
                 const std::string& resume, const SourceMap& source = {});
  // The start; a statement of the user's that fails rolls back what ran (as pgroll does).
  void run_start(const MigrationDocument& doc, const MigrationPlans& plans);
  // Runs the rollback phase of the active migration `name` and records it rolled back.
  void undo(const std::string& name, const MigrationPlans& plans);
  // With no active migration: whether the last one that ended did so as `status` (its name).
  std::optional<state::MigrationRecord> last_ended_as(const std::string& status, const std::string& request);
  // The statements of a deferred step (the version schema at start, its views' refresh at
  // complete), from the catalog as it is when the step runs.
  std::vector<std::string> version_schema_statements_now(const MigrationPlans& plans, const Action& a);
  // Inserts the baseline record naming `tables` (the schema as it is now); returns its name.
  std::string record_baseline(state::MigrationHistory& history, const std::string& name,
                              const std::map<std::string, catalog::Table>& tables, bool named);

  pg::DdlExecutor& ddl_;
  state::StateStore& store_;
  MigratorOptions options_;
};

}  // namespace slipway::migration
