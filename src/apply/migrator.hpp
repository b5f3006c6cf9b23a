// The migrator of `slipway apply`: decides which scripts of a migration set to run (the tool's
// own history says what is applied; --target and --down narrow it), plans all of them before
// the first change (bad input stops everything with nothing changed), then runs each through
// the applier and records it in the tool's history in the transaction of its last unit.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apply/applier.hpp"
#include "apply/history/tool_history.hpp"
#include "apply/migration_set.hpp"

namespace slipway::apply {

struct ApplyRequest {
  bool dry_run = false;
  bool rewrite = true;   // false: --no-rewrite
  bool strict = false;   // refuse hazards that stay as written
  bool down = false;
  std::optional<std::string> target;  // up: apply through it; down: revert everything after it
  HistoryOptions history;
};

struct ScriptReport {
  std::string version;
  std::string description;
  std::string direction;
  std::string file;
  std::string outcome;  // planned | applied | resumed and applied | failed
  nlohmann::json statements = nlohmann::json::array();  // the plan, statement by statement
  std::vector<std::string> warnings;
  double seconds = 0;
};

struct ApplyReport {
  std::string layout;
  std::string history_table;
  std::vector<std::string> already_applied;
  std::vector<ScriptReport> scripts;
  nlohmann::json to_json() const;
};

class Migrator {
 public:
  Migrator(pg::DdlExecutor& ddl, ApplierOptions options);

  // Throws InputError (nothing changed) for a bad request; StatementFailed/LockGaveUp when a
  // script stops (the scripts before it stay applied and recorded; it can be resumed).
  ApplyReport run(const MigrationSet& set, const ApplyRequest& request);

 private:
  pg::DdlExecutor& ddl_;
  ApplierOptions options_;
};

// The plan of a script as JSON (statements, steps, locks): `--dry-run --json` and the report.
nlohmann::json plan_to_json(const ScriptPlan& plan);

}  // namespace slipway::apply
