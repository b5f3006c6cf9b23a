// Observable, pausable phases for crash tests (kill -9 at a named phase) and for operators who
// want to look at the database mid-way. With SLIPWAY_TEST_PAUSE_AT=<phase>[,<phase>...] and
// SLIPWAY_TEST_PAUSE_FILE=<path>, reaching a listed phase writes the phase name to <path> and
// waits until <path> is removed. Without the variables it costs a getenv.
#pragma once
#include <string_view>

namespace slipway::rewrite {

void pause_point(std::string_view phase);

}  // namespace slipway::rewrite
