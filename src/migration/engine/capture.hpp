// Change capture while a table is backfilled, and the switch to the sync trigger after it.
//
// Why not install the up/down sync trigger first and backfill under it? With any BEFORE UPDATE
// row trigger on a table, PostgreSQL locks and re-reads every row an UPDATE touches before it
// even evaluates the trigger's WHEN clause (GetTupleForTrigger) — so the backfill's own
// UPDATEs, which the WHEN clause skips, still pay an extra tuple lock and WAL record per row
// (~20–25% of the backfill's cost, measured in bench/RESULTS.md). An AFTER row trigger whose
// WHEN clause is false costs nothing measurable. So, per table:
//
//   capture   AFTER INSERT OR UPDATE trigger (WHEN: not a slipway backfill session) appends the
//             key of every row the application writes to a change log in the state schema
//   backfill  keyset batches compute the new columns for every row that existed
//   switch    one short transaction: create the up/down sync trigger, disable the capture
//             trigger. CREATE TRIGGER waits for every open writer of the table (its lock
//             conflicts with theirs), so every write made before the switch is committed and
//             logged, and every write after it goes through the sync trigger. Both statements
//             take SHARE ROW EXCLUSIVE (reads go on): dropping the capture trigger here would
//             need ACCESS EXCLUSIVE after the weaker lock is held, and that lock upgrade
//             deadlocks with an application transaction that read the table and then writes it
//             (it waits for our lock while we wait for its ACCESS SHARE) — the application gets
//             the deadlock error. Measured in the benchmark; see tests/migration/capture_test.
//   replay    the logged keys' rows get the new columns recomputed from their current values,
//             in checkpointed batches (walking the log by its sequence); nothing to do when the
//             log is empty (the switch made it final)
//   drop      the disabled capture trigger, its function, the log (the trigger's brief
//             ACCESS EXCLUSIVE is the transaction's first lock)
//
// No write is missed: rows written before the capture existed were committed before the
// backfill fixed its key space (CREATE TRIGGER waited for their writers), so the backfill
// covers them; rows written later are in the log or go through the sync trigger.
// During the backfill no session writes as the new version (its schema of views is created at
// the end of start), so only the `up` direction needs capturing.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace slipway::migration {

struct CaptureNames {
  std::string log_table;      // in the state schema
  std::string function;       // in the state schema
  std::string trigger;        // on the application table
};
CaptureNames capture_names(const std::string& schema, const std::string& physical_table);

// The change log's sequence column (its primary key), walked by the replay.
inline constexpr const char* kCaptureSeqColumn = "_slipway_seq";

// Creates the change log (the key columns with the table's own types, plus the sequence), the
// capture function (SECURITY DEFINER: application roles need no privilege on the state schema)
// and the trigger. One transaction.
// `watched`: when known, the columns whose UPDATE can change what the backfill computed (the
// columns `up` reads) — the trigger then fires only for UPDATEs that set one of them or a key
// column (a row whose key changes may move behind the backfill's position). nullopt: every
// UPDATE. An application UPDATE that sets none of them costs no trigger call at all.
std::vector<std::string> create_capture_statements(const std::string& state_schema, const std::string& schema,
                                                   const std::string& physical_table,
                                                   const std::vector<std::string>& key,
                                                   const std::optional<std::set<std::string>>& watched);
// Disables the capture trigger (SHARE ROW EXCLUSIVE, like CREATE TRIGGER); the log stays for
// the replay.
std::vector<std::string> disable_capture_trigger_statements(const std::string& schema, const std::string& physical_table);
// Drops the capture trigger and function (IF EXISTS).
std::vector<std::string> drop_capture_trigger_statements(const std::string& state_schema, const std::string& schema,
                                                         const std::string& physical_table);
// Drops the change log (IF EXISTS).
std::vector<std::string> drop_capture_log_statements(const std::string& state_schema, const std::string& schema,
                                                     const std::string& physical_table);

}  // namespace slipway::migration
