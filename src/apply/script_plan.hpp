// The planner of `slipway apply`: one direction of one script -> its statements (split by the
// PostgreSQL parser), the safe form of each (lint/safe), and the units of work they run as.
//
// A unit is what commits at once. In a script its tool runs as one transaction (and inside a
// BEGIN ... COMMIT the script writes itself), consecutive transactional steps share a unit:
// the file stays atomic wherever the rewrites allow. A step that has to leave the transaction
// (CONCURRENTLY, batches, the online rewrite) or must not share one (VALIDATE) is a unit of
// its own, and the statements after it start the next unit. Outside a transaction every
// statement is its own unit, as the tool would have run it.
#pragma once
#include <string>
#include <vector>

#include "apply/migration_set.hpp"
#include "lint/context.hpp"
#include "lint/safe/plan.hpp"

namespace slipway::apply {

struct PlannedStatement {
  int line = 0;           // in the script's file
  std::string text;       // as written
  lint::SafePlan plan;    // what runs instead (as written: one step)
  std::string note;       // why it is not run ("transaction control: ...", "slipway's lock policy governs ...")
  bool skipped = false;   // not run at all (see note)
};

struct UnitStep {
  const lint::SafeStep* step;  // into ScriptPlan::statements
  std::size_t statement;       // index into ScriptPlan::statements
};

struct Unit {
  bool transactional = true;
  std::vector<UnitStep> steps;
};

struct ScriptPlan {
  std::filesystem::path file;
  std::vector<PlannedStatement> statements;
  std::vector<Unit> units;
  std::vector<std::string> warnings;  // "line N: ..." for hazards left as written
  std::string hash;                   // of the section text and the options that shape the plan

  // Not copyable: units point into statements.
  ScriptPlan() = default;
  ScriptPlan(const ScriptPlan&) = delete;
  ScriptPlan& operator=(const ScriptPlan&) = delete;
  ScriptPlan(ScriptPlan&&) = default;
  ScriptPlan& operator=(ScriptPlan&&) = default;
};

struct PlanOptions {
  bool rewrite = true;    // false: --no-rewrite, every statement as written
  int pg_version = 15;
};

// A hash of the SQL of the first `units` units: what a checkpoint after them stands on.
std::string units_hash(const ScriptPlan& plan, int units);

// Plans `section`. `schema` carries what earlier scripts of the run created and indexed (the
// same facts lint keeps across files). Throws InputError for what cannot run at all (ROLLBACK
// in a script, a psql meta-command), naming the file and line.
ScriptPlan plan_section(const Section& section, bool in_transaction, const PlanOptions& options,
                        lint::SchemaFacts& schema);

}  // namespace slipway::apply
