// The demo's two runs over the same scenario and the same traffic: slipway's way (each change
// through start -> backfill -> verify -> complete, both application versions live) and the
// naive way (plain ALTER TABLE, one big UPDATE).
#pragma once
#include <chrono>
#include <string>

#include "demo/interrupt.hpp"
#include "demo/live_view.hpp"
#include "demo/migration_driver.hpp"
#include "demo/summary.hpp"
#include "demo/traffic.hpp"

namespace slipway::demo {

struct RunSettings {
  std::string conninfo;       // the database
  std::string schema;         // where user_profiles lives for this run
  TrafficOptions traffic;     // conninfo is filled in from `conninfo`
  double warmup_s = 2.0;      // traffic before the first change, for reference
  double rollout_s = 1.5;     // both application versions live, before the verify step
  std::string examples_dir;   // the pgroll-format files (slipway run)
};

// Runs every change through `driver`. On Ctrl-C or a failure the active migration is rolled
// back; what happened is in the summary's `outcome` (the summary is returned either way,
// `finished` false).
RunSummary run_slipway(const RunSettings& settings, MigrationDriver& driver, LiveView& view,
                       Interrupt& interrupt);

// Applies the same changes the naive way.
RunSummary run_naive(const RunSettings& settings, LiveView& view, Interrupt& interrupt);

}  // namespace slipway::demo
