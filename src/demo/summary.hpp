// What a demo run found: per phase, how long it took and what the application saw (queries,
// errors, latency); the rows verified at the end; and, with --contrast, the same for the naive
// way. Rendered as a text table, as JSON and (html_report.hpp) as an HTML page.
#pragma once
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "demo/samples.hpp"

namespace slipway::demo {

struct PhaseSummary {
  std::string change;  // migration name (or "traffic" for the warm-up)
  std::string step;    // start, backfill, verify, complete, ... / the naive statement kind
  double start_s = 0;
  double end_s = 0;
  LatencyStats app;
  std::optional<int64_t> rows_checked;  // verify steps
  std::optional<int64_t> rows_bad;
  double duration_s() const { return end_s - start_s; }
};

struct RunSummary {
  std::string mode;  // "slipway" or "naive"
  std::string database;
  std::vector<PhaseSummary> phases;
  LatencyStats app;           // over the whole run
  double duration_s = 0;
  int64_t rows = 0;           // rows in the table at the end
  int64_t rows_verified = 0;  // rows that satisfy every invariant, computed by a query
  std::vector<std::string> failures;  // verification failures
  std::map<std::string, int64_t> error_messages;
  std::vector<Sample> samples;  // for the chart
  std::string outcome;  // "complete", or what happened when interrupted/failed
  bool finished = false;

  // Per change: the sum of its phases' durations and the worst the application saw.
  struct ChangeTotals {
    std::string change;
    double duration_s = 0;
    double max_ms = 0;
    int64_t errors = 0;
  };
  std::vector<ChangeTotals> per_change() const;
};

struct DemoSummary {
  std::string server;  // "private PostgreSQL 15.x" or the target described
  int64_t rows = 0;
  double rate_per_app = 0;
  double lock_timeout_ms = 0;
  RunSummary slipway;
  std::optional<RunSummary> naive;
  bool interrupted = false;
  std::string cleanup;  // what happened to the migration and the cluster
};

std::string summary_table(const DemoSummary& s);
nlohmann::json summary_json(const DemoSummary& s);

}  // namespace slipway::demo
