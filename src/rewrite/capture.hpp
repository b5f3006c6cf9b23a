// Change capture: statement-level AFTER triggers on the captured table append the key of every
// inserted, updated or deleted row to a log table (one INSERT per statement, from the
// transition tables); a TRUNCATE is mirrored on the target at once. Replay (replay.hpp) later
// makes the target's row for each logged key equal to the source's current row.
#pragma once
#include <string>
#include <vector>

#include "rewrite/plan.hpp"

namespace slipway::rewrite {

// Log table, trigger function and triggers for `pair` (captured table: pair.source). Every
// statement is idempotent only as a whole: run them in one transaction.
std::vector<std::string> capture_create_sql(const SyncPair& pair, const CaptureNames& names);
// Drops triggers, function and log (IF EXISTS: safe to run again).
std::vector<std::string> capture_drop_sql(const SyncPair& pair, const CaptureNames& names);
// Only the triggers on the captured table (when the table itself is about to be dropped).
std::vector<std::string> capture_drop_triggers_sql(const SyncPair& pair, const CaptureNames& names);

}  // namespace slipway::rewrite
