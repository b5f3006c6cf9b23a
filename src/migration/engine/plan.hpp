// Order in a start plan: every operation's sql/concurrent actions in operation order, then the
// sync triggers of tables without a backfill, then the write capture of every backfilled table,
// every backfill, and per backfilled table the switch to the sync trigger, the replay and the
// capture's drop (engine/capture.hpp), then the actions flagged after_backfill (in plan order),
// then the version schema: plan_migration (engine/planner.cpp) reads as that sequence.
// Complete and rollback statements must be idempotent (IF EXISTS / IF NOT EXISTS): a rollback
// may follow a start that stopped half way. A user's own `down` cannot be: it runs only when a
// start step of its operation ran (Action::undoes).
//
// A plan is the ordered list of actions one phase (start, complete, rollback) performs. Operations
// only plan; the applier (engine/applier) runs actions through the lock-timeout/retry executor,
// records progress after each, and skips what an interrupted run already did.
// `slipway plan FILE` prints the same actions as a runbook.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "pg/lock_mode.hpp"

namespace slipway::migration {

using pg::LockMode;  // PostgreSQL's table-level lock modes, weakest first
// "ACCESS EXCLUSIVE"; "none" when a step takes no table lock.
const char* plan_lock_name(LockMode m);
// What the application cannot do while the lock is held: "nothing", "writes", "reads and writes".
const char* lock_blocks(LockMode m);

// A backfill the applier hands to the backfill engine.
struct BackfillSpec {
  std::string table;                  // physical table
  std::vector<std::string> key;       // batch key (primary key or unique NOT NULL key)
  std::vector<std::string> set;       // "\"col\" = (expr)" assignments, one per column filled
  // A replay (engine/capture.hpp): walk this change log (in the state schema) instead of the
  // table, and apply `set` to the rows of `table` whose keys it lists.
  std::string replay_log;
};

// An operation of the migration file: its position in `operations` and its kind.
struct OperationRef {
  size_t index = 0;
  std::string kind;
  std::string path() const { return "operations[" + std::to_string(index) + "]." + kind; }
};

struct Action {
  enum class Kind {
    sql,          // `statements` in one transaction under lock_timeout (retried as a whole)
    concurrent,   // `statements` one by one outside a transaction (CONCURRENTLY, VACUUM)
    backfill,     // `backfill` through the backfill engine
  };
  Kind kind = Kind::sql;
  std::string id;           // stable within the phase, e.g. "add_column:users.email:add"
  std::string description;  // human: "add column _slipway_new_email to users (nullable)"
  std::vector<std::string> statements;
  std::optional<BackfillSpec> backfill;
  // Start only: run after the triggers and the backfills (in plan order among such actions).
  // For constraints that rows must already satisfy (NOT VALID checks, unique indexes on
  // temporary columns): added before the triggers, an old application's UPDATE of a row not
  // yet backfilled would violate them.
  bool after_backfill = false;

  // For the runbook and the lock-safety story.
  LockMode lock = LockMode::access_exclusive;
  std::string lock_target;  // relation name
  bool scans = false;       // reads the whole table while holding the lock
  bool rewrites = false;    // rewrites the whole table while holding the lock
  std::string rollback;     // SQL (or description) that undoes this step
  std::string verify;       // query returning one boolean row: true when the step took effect

  // Concurrent index builds: the index this action creates, so the applier can detect an
  // invalid leftover from an interrupted run, drop it and build again.
  std::optional<std::string> creates_index;

  // The engine regenerates `statements` from the live catalog just before the action runs
  // (the version schema's views); what the plan holds is the prediction shown by `slipway plan`.
  bool deferred = false;

  // The operation that planned this step, for messages; unset for the engine's own steps
  // (triggers, captures, backfills, the version schema).
  std::optional<OperationRef> operation;
  // The field of that operation whose SQL the user wrote and `statements` runs as is ("up",
  // "down" of a `sql` operation); empty when slipway wrote the statements. A SQL error in such a
  // step is the user's (InputError naming the operation), not slipway's.
  std::string user_sql;
  // Rollback only: the start steps of the same operation this step undoes (set by the planner).
  // When none of them ran, there is nothing to undo and the applier skips the step: a `down`
  // the user wrote expects what its `up` made. Empty: the step always runs.
  std::vector<std::string> undoes;
};

struct Plan {
  std::vector<Action> actions;
  Action& add(Action a) {
    actions.push_back(std::move(a));
    return actions.back();
  }
};

}  // namespace slipway::migration
