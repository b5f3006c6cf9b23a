// Number formatting shared by the live view, the summary table and the HTML report.
#pragma once
#include <cstdint>
#include <string>

namespace slipway::demo {

// 200000 -> "200,000"
std::string thousands(int64_t n);
// A latency for people: "0.42ms", "12.3ms", "1.84s".
std::string ms(double milliseconds);
// A duration in seconds for people: "0.8s", "12.4s", "2m05s".
std::string seconds(double s);

}  // namespace slipway::demo
