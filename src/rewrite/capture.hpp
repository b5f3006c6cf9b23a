// Change capture: statement-level AFTER triggers on the captured table append the key of every
// inserted, updated or deleted row to a log table (one INSERT per statement, from the
// transition tables); a TRUNCATE is mirrored on the target at once. Replay (replay_batch in
// data_sync.hpp) later makes the target's row for each logged key equal to the source's current
// row.
#pragma once
#include <string>
#include <vector>

#include "rewrite/plan.hpp"

namespace slipway::rewrite {

// Log table and trigger function for `pair` (captured table: pair.source). They can exist long
// before the triggers: the function resolves its tables only when a trigger fires it.
std::vector<std::string> capture_objects_sql(const SyncPair& pair, const CaptureNames& names);
// The statement triggers on pair.source (the swap creates them under its lock).
std::vector<std::string> capture_triggers_sql(const SyncPair& pair, const CaptureNames& names);
// Both of the above.
std::vector<std::string> capture_create_sql(const SyncPair& pair, const CaptureNames& names);
// Function and log only (IF EXISTS).
std::vector<std::string> capture_drop_objects_sql(const SyncPair& pair, const CaptureNames& names);
// Drops triggers, function and log (IF EXISTS: safe to run again).
std::vector<std::string> capture_drop_sql(const SyncPair& pair, const CaptureNames& names);
// Only the triggers on the captured table (when the table itself is about to be dropped).
std::vector<std::string> capture_drop_triggers_sql(const SyncPair& pair, const CaptureNames& names);

}  // namespace slipway::rewrite
