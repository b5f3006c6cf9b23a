// Durations on the command line: "100ms", "2s", "5m", or a bare number of milliseconds.
#pragma once
#include <chrono>
#include <string_view>

namespace slipway {

// Throws InputError naming `what` on a malformed value.
std::chrono::milliseconds parse_duration(std::string_view text, std::string_view what);
std::string format_duration(std::chrono::milliseconds d);

}  // namespace slipway
