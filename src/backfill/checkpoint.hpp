// A backfill job as the state schema records it: its row in backfill_jobs, its key ranges in
// backfill_ranges with their checkpoints, and the advisory lock that lets one process at a time
// run it. Every statement on those tables, and the lock's key, is here (checkpoint.cpp).
#pragma once
#include <pqxx/transaction>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "backfill/engine.hpp"
#include "backfill/key.hpp"
#include "pg/advisory_lock.hpp"
#include "pg/connection.hpp"

namespace slipway::backfill {

// One key range of a job (one per worker it started with).
struct Range {
  int no = 0;
  std::optional<KeyValue> lo;    // exclusive
  KeyValue hi;                   // inclusive
  std::optional<KeyValue> last;  // the checkpoint: the range is done up to here
};

// What a job was created as (its backfill_jobs row).
struct RecordedJob {
  std::string schema;
  std::string table;
  std::string key_columns;  // the text[] as PostgreSQL prints it, e.g. {id} or {tenant,id}
  std::string action;
  std::string status;       // running | complete | failed
  int64_t rows_estimate = 0;
};

// One job's rows. Holds no connection: each statement runs on the session given (the engine's
// main connection, or a worker's), so any thread may use it.
class JobCheckpoint {
 public:
  JobCheckpoint(const std::string& state_schema, std::string job_id);

  std::optional<RecordedJob> find(pg::Connection& c) const;
  // Records a new job and its ranges in one transaction. Without an `end` key (an empty table)
  // the job is complete at once.
  void create(pg::Connection& c, const JobSpec& spec, const std::vector<std::string>& key_columns,
              const std::optional<KeyValue>& end, int64_t rows_estimate, const std::vector<Range>& ranges) const;
  void mark_running(pg::Connection& c) const;
  void mark_failed(pg::Connection& c, const std::string& error) const;
  // Once done, the rows walked replace the estimate (pg_class.reltuples, which can be far off on
  // a table that was just rewritten row by row).
  void mark_complete(pg::Connection& c) const;
  // Deletes the job and its ranges; true when it existed.
  bool remove(pg::Connection& c) const;

  // Rows done over all ranges and runs.
  int64_t rows_done(pg::Connection& c) const;
  // The ranges not done yet, in order, each with its checkpoint.
  std::vector<Range> open_ranges(pg::Connection& c) const;
  bool all_ranges_done(pg::Connection& c) const;
  // Where range `r` stands: its checkpoint, or its lower bound before its first batch.
  std::optional<KeyValue> last_key(pg::Connection& c, const Range& r) const;
  // The range's checkpoint counters: rows_done, batches.
  std::pair<int64_t, int64_t> counts(pg::Connection& c, const Range& r) const;
  // A batch's checkpoint, in the batch's own transaction: the batch and its checkpoint commit
  // together or not at all.
  void save(pqxx::work& tx, const Range& r, const KeyValue& upto, int64_t walked, bool range_done) const;

  // Whether the state schema has the job tables.
  static bool tables_exist(pg::Connection& c, const std::string& state_schema);
  // Every recorded job (or the one named), with its status as recorded.
  static std::vector<JobStatus> recorded(pg::Connection& c, const std::string& state_schema,
                                         const std::optional<std::string>& job_id);

 private:
  std::string jobs_, ranges_, job_id_;
  std::string save_sql_;  // built once: it runs with every batch
};

// The job's lock: a session-level advisory lock on a connection of its own, released if we die.
// A server restart ends that session and the lock with it, while the workers reconnect and go
// on; so a worker takes it again (or learns another process has it) before its first batch on a
// new connection, and the progress ticker checks it every second even while throttled.
class JobLock {
 public:
  JobLock(std::string conninfo, std::string state_schema, std::string job_id);

  // Makes sure this process holds the lock, taking it again after its session was lost. Throws
  // AnotherSlipwayRunning when another process has it; ConnectFailed while the server is
  // unreachable (a worker backs off and tries again). Thread-safe.
  void hold();
  // Unlocks before disconnecting: a closed session's locks go only when its backend has exited,
  // which can be after this process has moved on (a rewrite forgets its copy job right after
  // the copy, and a session still holding the lock made that fail as "is running").
  void release();

  // The same lock taken and released on a session the caller owns (--status, --forget): nullopt
  // when it was free and is now taken, else its holder (after waiting up to `wait` for a holder
  // that is going away, as hold() does); and its release.
  static std::optional<pg::AdvisoryHolder> try_take(pg::Connection& c, const std::string& state_schema,
                                                    const std::string& job_id, std::chrono::milliseconds wait);
  static void unlock(pg::Connection& c, const std::string& state_schema, const std::string& job_id);

 private:
  std::string conninfo_, state_schema_, job_id_;
  std::mutex mu_;
  std::unique_ptr<pg::Connection> conn_;
};

}  // namespace slipway::backfill
