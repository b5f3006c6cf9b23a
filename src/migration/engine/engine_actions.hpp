// The steps the engine plans around the operations' own (planner.cpp puts them in order): the
// up/down sync triggers (engine/triggers.hpp), the write capture of a backfilled table and its
// switch to the sync trigger (engine/capture.hpp), and the version schema's views
// (engine/views.hpp). Each builder returns one action, with its id, lock, undo and verify query.
#pragma once
#include <string>
#include <vector>

#include "migration/engine/plan.hpp"
#include "migration/engine/triggers.hpp"
#include "migration/engine/virtual_schema.hpp"
#include "migration/ops/operation.hpp"

namespace slipway::migration {

// One migration as the engine's steps see it (MigrationContext: schema, migration name, version
// schema, a read-only connection).
struct EngineContext : MigrationContext {
  std::string state_schema;                  // holds the change logs of the write capture
  const VirtualSchema* old_version = nullptr;  // the catalog before start
  const VirtualSchema* new_version = nullptr;  // what the version schema's views show
  const TriggerSet* triggers = nullptr;        // the operations' up/down assignments
};

// Tables (physical) that have trigger assignments, in first-seen order.
std::vector<std::string> trigger_tables(const TriggerSet& triggers);

// Sync triggers ("triggers:<table>", "drop_triggers:<table>").
Action sync_trigger_action(const EngineContext& e, const std::string& table);
Action drop_sync_trigger_action(const EngineContext& e, const std::string& table);

// A backfilled table, in start's order (see engine/capture.hpp): capture the application's
// writes, backfill (`backfill`: the operations' merged backfill of the table), switch to the
// sync trigger, replay the captured rows, drop the capture and its log.
Action capture_action(const EngineContext& e, const Action& backfill);
Action switch_to_sync_trigger_action(const EngineContext& e, const std::string& table);
Action replay_action(const EngineContext& e, const Action& backfill);
Action drop_capture_log_action(const EngineContext& e, const std::string& table);
// Rollback's: the write capture of a table that was being backfilled, and its log.
Action drop_capture_action(const EngineContext& e, const std::string& table);

// The version schema: created at the end of start, its views updated to the completed tables at
// the end of complete (both deferred: regenerated from the live catalog when they run), dropped
// first at rollback. The previous migration's version schema is dropped first at complete.
// Their ids tell the migrator which of the two deferred steps it regenerates.
inline constexpr const char* kVersionSchemaActionId = "version_schema";
inline constexpr const char* kRefreshViewsActionId = "version_schema:refresh";
Action version_schema_action(const EngineContext& e);
Action refresh_views_action(const EngineContext& e);
Action drop_version_schema_action(const EngineContext& e);
Action drop_previous_version_action(const std::string& previous_version_schema);

}  // namespace slipway::migration
