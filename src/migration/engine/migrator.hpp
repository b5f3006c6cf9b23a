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
#include "state/store.hpp"

namespace slipway::migration {

struct MigratorOptions {
  std::string conninfo;
  std::string schema = "public";
  std::string state_schema = "slipway";
  // How start backfills (workers, batch time, throttles, progress); state_schema and the lock
  // timeout are filled in by the applier.
  backfill::EngineOptions backfill;
};

class Migrator {
 public:
  Migrator(pg::DdlExecutor& ddl, state::StateStore& store, MigratorOptions options);

  // Validates against the live catalog and plans; changes nothing. Throws InputError.
  MigrationPlans validate(const MigrationDocument& doc);
  // Starts `doc` (or resumes it when it is the active migration). `format`: yaml | json.
  void start(const MigrationDocument& doc, const std::string& format);
  // Completes / rolls back the active migration; returns its name. InputError if none.
  std::string complete();
  std::string rollback();
  // Records the current schema as the baseline when it has tables but no history. Returns the
  // baseline's name if it recorded one.
  std::optional<std::string> baseline_if_needed();
  // Records a baseline now (InputError if history exists).
  std::string baseline();

 private:
  std::optional<state::MigrationRecord> active();
  std::optional<std::string> previous_version_schema();
  void run_phase(const std::string& name, const MigrationPlans& plans, const std::string& phase);
  // The statements of a deferred step (the version schema at start, its views' refresh at
  // complete), from the catalog as it is when the step runs.
  std::vector<std::string> version_schema_statements_now(const MigrationPlans& plans, const Action& a);
  // Inserts the baseline record naming `tables` (the schema as it is now); returns its name.
  std::string record_baseline(state::MigrationHistory& history, const std::map<std::string, catalog::Table>& tables);

  pg::DdlExecutor& ddl_;
  state::StateStore& store_;
  MigratorOptions options_;
};

}  // namespace slipway::migration
