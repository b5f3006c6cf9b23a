// --report FILE.html: a self-contained page (inline CSS and SVG, no scripts, nothing fetched)
// with the application's latency over time, one series per application version, the phases
// shaded, followed by the summary tables.
#pragma once
#include <string>

#include "demo/summary.hpp"

namespace slipway::demo {

std::string html_report(const DemoSummary& summary);

// The latency chart of one run as an <svg> element. `y_max_ms` fixes the top of the (log)
// scale so two runs drawn one above the other compare at a glance.
std::string latency_chart_svg(const RunSummary& run, double y_max_ms, double lock_timeout_ms);

}  // namespace slipway::demo
