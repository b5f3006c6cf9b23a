// Online table rewrite and repack: the library entry point (`slipway rewrite`, `slipway repack`,
// and the migration engine). Client-side only: no extension, no superuser; the table's owner is
// enough.
//
//   start    one transaction: shadow table (LIKE the table, then the --alter actions), change
//            capture (log table + statement triggers); the table itself is not rewritten
//   copy     keyset chunks, each its own short transaction with its checkpoint, throttled
//   index    the table's indexes and constraints built on the shadow; ANALYZE
//   replay   the log, in batches, until the backlog is small
//   verify   per key range: row count and checksum of both sides (server-side), mismatched
//            ranges re-copied and re-checked; never swaps on a mismatch
//   swap     one short transaction under lock_timeout (see swap.hpp); the lock time is measured
//   validate foreign keys re-created NOT VALID are validated
// Then the old table stays, kept in sync by change capture, until --cleanup (drop it) or --undo
// (swap back). --abort before the swap removes every helper object. Every step is resumable:
// running the same command again after kill -9 continues where it stopped.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pg/ddl_executor.hpp"

namespace slipway::rewrite {

enum class Kind { rewrite, repack };

struct Options {
  std::string schema = "public";
  std::string table;
  Kind kind = Kind::rewrite;
  std::string alter;  // ALTER TABLE actions, e.g. "ALTER COLUMN id TYPE bigint"; empty for repack
  std::string state_schema = "slipway";
  // Copy chunks adapt their size so one takes about chunk_time.
  int64_t initial_chunk_rows = 5000;
  int64_t max_chunk_rows = 200000;
  std::chrono::milliseconds chunk_time{500};
  int copy_workers = 2;  // connections copying key ranges in parallel
  int64_t replay_batch_rows = 10000;
  int64_t swap_backlog = 1000;  // replay until fewer log entries remain, then swap
  int64_t verify_chunk_rows = 50000;
  int verify_attempts = 3;  // re-copies of a mismatched range before giving up
  // Throttling of copy, replay and verification.
  std::optional<double> max_rate;  // rows per second
  std::optional<std::chrono::milliseconds> max_lag;  // replication lag of any standby
  std::string throttle_query;      // throttled while it returns true
  std::string pause_file;          // paused while it exists
};

struct Report {
  int64_t id = 0;
  std::string table;   // schema.table
  std::string kind;    // rewrite | repack
  std::string status;  // in_progress | swapped | undone | cleaned_up | aborted
  std::string action;  // what this run did: "swapped", "resumed and swapped", "undone", ...
  std::string old_table;  // the original table after the swap (until --cleanup)
  int64_t rows_copied = 0;
  int64_t chunks = 0;
  int64_t replayed = 0;
  int64_t ranges_verified = 0;
  int64_t ranges_recopied = 0;
  int64_t rows_verified = 0;
  std::optional<double> lock_held_ms;
  int swap_attempts = 0;
  std::vector<std::string> views_recreated;
  std::vector<std::string> foreign_keys_validated;
  int64_t size_before = 0;
  int64_t size_after = 0;
  double seconds = 0;
  double throttled_seconds = 0;
  std::vector<std::pair<std::string, double>> phase_seconds;  // this run's phases, in order

  nlohmann::json to_json() const;
  std::string to_text() const;
};

enum class Action { run, undo, cleanup, abort };

class Rewriter {
 public:
  // Everything runs on the executor's connection; the caller holds slipway's session lock.
  explicit Rewriter(pg::DdlExecutor& ddl);

  // Starts, or resumes the rewrite of the same table with the same options, through the swap.
  Report run(const Options& options);
  // Swaps the old table back in while the rollback window is open; drops the rewritten one.
  Report undo(const Options& options);
  // Ends the rollback window: drops the old table and the change capture that fed it.
  Report cleanup(const Options& options);
  // Before the swap: removes every helper object; the table was never touched.
  Report abort(const Options& options);
  Report perform(Action action, const Options& options);

 private:
  pg::DdlExecutor& ddl_;
};

}  // namespace slipway::rewrite
