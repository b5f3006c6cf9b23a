#include "demo/samples.hpp"

#include <algorithm>
#include <cmath>

namespace slipway::demo {

const char* app_name(AppId app) { return app == AppId::old_app ? "old app" : "new app"; }

double percentile(std::vector<double>& values, double fraction) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto rank = static_cast<size_t>(std::ceil(fraction * double(values.size())));
  rank = std::clamp<size_t>(rank, 1, values.size());
  return values[rank - 1];
}

namespace {
LatencyStats compute(const std::vector<Sample>& samples, double from_s, double to_s) {
  LatencyStats st;
  std::vector<double> lat;
  for (const auto& s : samples) {
    if (s.start_s < from_s || s.start_s >= to_s) continue;
    ++st.queries;
    if (!s.ok) ++st.errors;
    lat.push_back(s.latency_ms);
    st.max_ms = std::max(st.max_ms, s.latency_ms);
  }
  st.p50_ms = percentile(lat, 0.50);
  st.p99_ms = percentile(lat, 0.99);
  return st;
}
}  // namespace

LatencyStats stats_between(const std::vector<Sample>& samples, double from_s, double to_s) {
  return compute(samples, from_s, to_s);
}

LatencyStats stats_of(const std::vector<Sample>& samples) {
  return compute(samples, -1e300, 1e300);
}

}  // namespace slipway::demo
