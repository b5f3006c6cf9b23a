// What the traffic generator records: one sample per application query, and the statistics the
// live view, the summary and the chart compute from them.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace slipway::demo {

// The two application deployments the demo plays: the one written for the schema before the
// migration, and the one written for the schema after it.
enum class AppId : uint8_t { old_app = 0, new_app = 1 };
const char* app_name(AppId app);

struct Sample {
  double start_s = 0;     // seconds since the run began, when the query was sent
  double latency_ms = 0;  // until its result (or error) arrived
  AppId app = AppId::old_app;
  bool ok = true;
};

struct LatencyStats {
  int64_t queries = 0;
  int64_t errors = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

// Statistics over the samples sent in [from_s, to_s).
LatencyStats stats_between(const std::vector<Sample>& samples, double from_s, double to_s);
// Statistics over all of them.
LatencyStats stats_of(const std::vector<Sample>& samples);

// The value below which `fraction` of `values` lie (nearest rank); 0 for an empty set.
// Sorts `values`.
double percentile(std::vector<double>& values, double fraction);

}  // namespace slipway::demo
