// Runs a phase's plan: each action through the lock-timeout/retry executor, progress recorded
// after each (in the same transaction for transactional actions), actions an interrupted run
// already finished skipped. Concurrent index builds are idempotent by catalog check: a valid
// index is kept, an invalid leftover is dropped and built again.
#pragma once
#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "backfill/engine.hpp"
#include "migration/engine/plan.hpp"
#include "migration/file/source_map.hpp"
#include "pg/ddl_executor.hpp"
#include "state/migration_history.hpp"

namespace slipway::migration {

struct ApplierOptions {
  std::string conninfo;      // for backfill sessions
  std::string schema;        // application schema
  std::string state_schema;
  std::string migration;     // name, the history key
  std::string phase;         // start | complete | rollback
  backfill::EngineOptions backfill;  // base options of the backfill jobs
  SourceMap source;          // the migration file, to name an operation in messages (may be empty)
  std::string resume_command;  // what resumes this phase, e.g. "slipway start FILE" (for messages)
};

// A statement the user wrote (Action::user_sql) failed: bad input, naming the file and the
// operation. Nothing of that step committed.
class StatementFailed : public InputError {
 public:
  using InputError::InputError;
};

// The backfill engine's job id for a migration's backfill action.
std::string backfill_job_id(const std::string& migration, const std::string& action_id);

class Applier {
 public:
  // Regenerates a deferred action's statements just before it runs.
  using Generator = std::function<std::vector<std::string>(const Action&)>;

  Applier(pg::DdlExecutor& ddl, state::MigrationHistory& history, ApplierOptions options, Generator generator = {});

  // Runs every action of `plan` not done yet. Returns the number of actions run now.
  int run(const Plan& plan);

 private:
  void run_action(const Action& a);
  // Whether some start step among `ids` ran (committed, or began without finishing).
  bool any_start_step_ran(const std::vector<std::string>& ids) const;
  [[noreturn]] void rethrow_explained(const Action& a, size_t index, size_t total);
  void mark_done(pqxx::work* tx, const Action& a);
  void run_backfill(const Action& a);
  void pause_for_tests(const Action& a);

  pg::DdlExecutor& ddl_;
  state::MigrationHistory& history_;
  ApplierOptions options_;
  Generator generator_;
  nlohmann::json progress_;
};

}  // namespace slipway::migration
