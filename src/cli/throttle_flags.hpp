// The throttle flags of every command that reads or writes a table in chunks and must yield
// to the application and its standbys: `backfill`, `start`/`migrate` (their backfills) and
// `compare`. One definition, so `--max-lag 5s` means the same everywhere.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "backfill/throttler.hpp"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace slipway::cli {

struct ThrottleFlags {
  double max_rate = 0;  // rows per second; 0: no limit
  std::optional<std::chrono::milliseconds> max_lag;
  std::string lag_query;
  std::string throttle_query;
  std::string pause_file;
};

// `what` names the work in the help ("the backfill", "the compare").
std::vector<CLI::Option*> add_throttle_flags(CLI::App& cmd, ThrottleFlags& flags, const std::string& what);
// The throttler's options (InputError for a query that is not one read-only SELECT, or a
// --lag-query without anything to use it: `lag_reported` when the lag is shown anyway).
backfill::ThrottleOptions throttle_options(const ThrottleFlags& flags, bool lag_reported = false);

}  // namespace slipway::cli
