// How the demo drives slipway's migration engine. The demo only needs four verbs and a progress
// callback; keeping them behind this interface keeps the demo independent of how the engine is
// reached (the `slipway` command line, or the library).
#pragma once
#include <cstdint>
#include <functional>
#include <string>

namespace slipway::demo {

struct DriverProgress {
  enum class Stage { expand, backfill };
  Stage stage = Stage::expand;
  std::string action;  // what runs now, e.g. "backfill full_name in batches by (id)"
  int64_t done = 0;    // rows so far (backfill)
  int64_t total = 0;   // rows to do; 0 when unknown
};
// Called from another thread while start() runs; never after it returned.
using ProgressFn = std::function<void(const DriverProgress&)>;

class MigrationDriver {
 public:
  virtual ~MigrationDriver() = default;
  // Prepares the database for migrations (slipway's state schema). Idempotent.
  virtual void init() = 0;
  // Expand, then backfill: new columns, up/down triggers, the existing rows filled in batches,
  // the new version's schema of views. Returns the version schema's name.
  virtual std::string start(const std::string& file, const ProgressFn& progress) = 0;
  // Contract: constraints validated, old columns and the previous version's schema dropped.
  virtual void complete() = 0;
  // Undoes start (and its backfill): the table as before the migration.
  virtual void rollback() = 0;
  // True while a migration is started and neither completed nor rolled back (an interrupted
  // start may not have got that far).
  virtual bool in_progress() = 0;
  // Asks whatever is running to stop (from another thread, on Ctrl-C). The interrupted step
  // throws; the migration stays resumable or can be rolled back.
  virtual void cancel() = 0;
};

}  // namespace slipway::demo
