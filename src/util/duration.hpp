// Durations on the command line: "100ms", "2s", "5m", "1h", or a bare number of milliseconds.
#pragma once
#include <chrono>
#include <string>
#include <string_view>

namespace slipway {

// A duration in [min, max], whole milliseconds (rounded). InputError naming `what` (e.g.
// "--lock-timeout") with the allowed range otherwise: empty, no number, an unknown unit or
// trailing garbage, NaN, inf, negative, or too large to represent (never wrapped around).
std::chrono::milliseconds parse_duration(std::string_view text, std::string_view what, std::chrono::milliseconds min,
                                         std::chrono::milliseconds max);

// A measured duration for a human: "250ms", "1.5s", "2m05s".
std::string format_duration(std::chrono::milliseconds d);
// A configured duration exactly, in the largest unit that divides it: "100ms", "2s", "10m", "24h";
// parse_duration reads it back.
std::string exact_duration(std::chrono::milliseconds d);

}  // namespace slipway
