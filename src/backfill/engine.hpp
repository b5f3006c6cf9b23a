// The batch engine: walks one table in key order in short transactions ("keyset batches"),
// applying an action to each key range. Used by `slipway backfill`, by the migration engine to
// fill new columns (update_action), and by the online rewrite to copy into a shadow table
// (a custom BatchAction).
//
//   worker session: SET slipway.backfill = 'on' (slipway's triggers skip its writes)
//   batch:  BEGIN;
//           hi := the n-th key after `last` (an index-only range scan, O(n));
//           action(last < key <= hi);                  -- e.g. one set-based UPDATE
//           UPDATE <state>.backfill_ranges SET last_key = hi ...;   -- the checkpoint (checkpoint.hpp)
//           COMMIT;
//
// The key space is fixed when the job starts (keys up to the largest key at that moment): rows
// written later are the triggers' business, so the engine terminates under any insert load.
// A job is identified by its id: running it again after a crash, a lost connection or a
// server restart continues from the last committed checkpoint.
//
// For a migration: install the triggers that keep new writes right BEFORE the job's first run
// (the first run fixes the key space; a row written between that and the triggers would be
// missed).
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backfill/key.hpp"
#include "backfill/progress.hpp"
#include "backfill/throttler.hpp"

namespace pqxx {
class dbtransaction;
}

namespace slipway::backfill {

// What an action sees of its batch. Runs inside the batch's transaction (which commits together
// with the checkpoint); slipway.backfill is 'on' for it.
struct BatchContext {
  pqxx::dbtransaction& tx;
  const KeySql& key;             // predicate builders for the table's key (unqualified columns)
  const KeyRange& bounds;        // this batch: key > after AND key <= upto (always set)
  std::string table;             // "schema"."table", quoted
  int64_t batch_rows;            // rows of the table in the range when it was sized

  // Runs `sql` with the range predicate's values bound as $first..: write the predicate with
  // key.range_predicate(bounds, first, params) and pass the same params here.
  // Returns rows affected.
  int64_t exec(const std::string& sql, const std::vector<std::string>& params) const;
};

// Returns the rows it changed (BackfillResult::rows_affected_this_run; progress counts the keys
// walked). Called once before the job starts over an empty range (key > K AND key <= K) in a
// transaction that is rolled back, so bad SQL is reported as InputError before any change; a
// batch that fails is rolled back and its range is run again.
using BatchAction = std::function<int64_t(BatchContext&)>;

// The migration engine's action: UPDATE <table> SET <set_clause> WHERE <key range>.
// `set_clause` is trusted SQL built by the caller with quoted identifiers, e.g.
//   "_slipway_new_full_name" = (first_name || ' ' || last_name)
// `where` (optional) further restricts the rows updated (e.g. "col IS NULL").
BatchAction update_action(std::string set_clause, std::string where = {});

// A replay of captured writes: the job walks a change log (whose rows hold keys of `target`),
// and each batch runs UPDATE <target> SET <set_clause> WHERE (key) IN (the batch's logged keys).
// `target` is "schema"."table", quoted; `key` the target's key columns, as named in the log.
BatchAction replay_action(std::string target, std::vector<std::string> key, std::string set_clause);

struct JobSpec {
  std::string job_id;   // stable across runs: the checkpoint is found by it
  std::string schema;   // application schema of the table
  std::string table;
  // Key to walk by; empty = the table's primary key, else its first unique NOT NULL key.
  std::vector<std::string> key_columns;
  BatchAction action;
  // Identifies what the action does (e.g. the set clause); stored with the job. A rerun with a
  // different description for an unfinished job is refused (InputError) rather than mixed.
  std::string action_description;
  std::string label;    // for progress; default "backfill schema.table"
};

struct EngineOptions {
  std::string state_schema = "slipway";
  // Adaptive batch size: grows/shrinks smoothly so a batch takes about `batch_time`.
  std::chrono::milliseconds batch_time{100};
  int64_t initial_batch_size = 1000;
  int64_t min_batch_size = 10;
  int64_t max_batch_size = 50000;
  std::optional<int64_t> fixed_batch_size;  // --batch-size: pins the size
  // After an application session waited on a batch, batches aim at this (at most half the
  // throttler's cancel threshold) until they have run 10 s without contention: a table the
  // application writes to gets short batches, which hold few rows locked at a time.
  std::chrono::milliseconds contended_batch_time{15};
  // Each worker starts at contended_batch_time and moves to batch_time after 1 s of batches
  // without contention (when lock-wait detection is on).
  bool slow_start = true;
  int workers = 1;                          // key range split across this many connections
  ThrottleOptions throttle;
  // Plain VACUUM (on a connection of its own, concurrently with the batches) after every
  // `vacuum_every_fraction` of the estimated rows (and at least `vacuum_min_rows` rows), so
  // later batches reuse the space freed by earlier ones. 0 disables.
  double vacuum_every_fraction = 0.1;
  int64_t vacuum_min_rows = 20000;
  // Batch failures retried (lock timeout, deadlock, lost connection, cancel) before giving up:
  // consecutive failures without progress, per worker.
  int max_consecutive_failures = 30;
  std::chrono::milliseconds lock_timeout{1000};  // SET lock_timeout for batch sessions
  std::string metrics_addr;                 // "host:port": Prometheus metrics while running
  ProgressSink* progress = nullptr;         // not owned; nullptr = silent
};

struct BackfillResult {
  std::string job_id;
  int64_t rows_done = 0;           // over all runs of the job
  int64_t rows_this_run = 0;
  int64_t rows_affected_this_run = 0;  // what the actions returned (e.g. rows a WHERE kept)
  int64_t batches_this_run = 0;
  bool resumed = false;            // a checkpoint existed
  bool already_complete = false;   // nothing left to do
  bool complete = false;           // the job is done (false when stopped by request_stop)
  double seconds = 0;
  std::map<std::string, double> throttled_seconds;
  int64_t lock_wait_events = 0;     // batches cancelled for a waiting application session
  int64_t batches_waited_on = 0;    // batches an application session was seen waiting on
  int vacuums = 0;
};

class Engine {
 public:
  // `conninfo`: the database (each worker, the throttler and the vacuum connect on their own).
  Engine(std::string conninfo, JobSpec spec, EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Runs (or resumes) the job to completion. Throws InputError for a bad table/key/spec before
  // changing anything; pg errors after max_consecutive_failures; Error if another process runs
  // the same job right now.
  BackfillResult run();

  // Asks a running run() to stop after the current batches (thread-safe; e.g. from SIGINT).
  // The job stays resumable; run() returns normally with the rows done so far.
  void request_stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Jobs recorded in the state schema, for `slipway backfill --status`.
struct JobStatus {
  std::string job_id;
  std::string schema;
  std::string table;
  std::vector<std::string> key_columns;
  std::string action;
  std::string status;        // running (someone runs it now) | interrupted | complete | failed
  int64_t rows_done = 0;
  int64_t rows_estimate = 0;
  int ranges = 0;
  int ranges_done = 0;
  std::string started_at;
  std::string updated_at;
  std::optional<std::string> completed_at;
  std::optional<std::string> error;
};

std::vector<JobStatus> list_jobs(const std::string& conninfo, const std::string& state_schema,
                                 const std::optional<std::string>& job_id = {});
// Removes a job's checkpoint (e.g. after a migration rollback). True when it existed.
bool forget_job(const std::string& conninfo, const std::string& state_schema, const std::string& job_id);

}  // namespace slipway::backfill
