// Fills new columns of existing rows in keyset batches, each batch its own short transaction
// with slipway.backfill = 'on' (the sync triggers skip slipway's own writes). Restartable: the
// UPDATE is idempotent (it recomputes the new value from the old one), so a rerun after a crash
// simply walks the table again.
#pragma once
#include <string>

#include "migration/engine/plan.hpp"
#include "pg/ddl_executor.hpp"

namespace slipway::migration {

struct BackfillLoopOptions {
  std::string conninfo;
  std::string schema;
  std::string state_schema;
  std::string job_id;
  long batch_size = 1000;
};

// Returns the number of rows updated.
long long run_backfill_loop(pg::DdlExecutor& ddl, const BackfillSpec& spec, const BackfillLoopOptions& options);

}  // namespace slipway::migration
