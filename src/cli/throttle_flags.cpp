#include "cli/throttle_flags.hpp"

#include <CLI/CLI.hpp>

#include "cli/flag_values.hpp"
#include "cli/user_text_flags.hpp"
#include "util/error.hpp"

namespace slipway::cli {

std::vector<CLI::Option*> add_throttle_flags(CLI::App& cmd, ThrottleFlags& f, const std::string& what) {
  using std::chrono::milliseconds, std::chrono::hours;
  return {
      add_number_option(cmd, "--max-rate", f.max_rate, "rows per second at most (all workers; 0: no limit)", {0, 1e9}),
      add_duration_option(cmd, "--max-lag", f.max_lag,
                          "pause while any standby's replication lag exceeds this (e.g. 5s)",
                          {milliseconds(10), hours(24)}),
      cmd.add_option("--lag-query", f.lag_query,
                     "SQL returning the lag in seconds (default: pg_stat_replication); with --max-lag or "
                     "--metrics-addr"),
      cmd.add_option("--throttle-query", f.throttle_query, "SQL returning true while " + what + " should pause"),
      cmd.add_option("--pause-file", f.pause_file, "pause while this file exists"),
  };
}

backfill::ThrottleOptions throttle_options(const ThrottleFlags& f, bool lag_reported) {
  backfill::ThrottleOptions o;
  if (f.max_rate > 0) o.max_rate = f.max_rate;
  o.max_lag = f.max_lag;
  // The lag query is read only to throttle on (--max-lag) or to report (--metrics-addr).
  if (!f.lag_query.empty() && !f.max_lag && !lag_reported) {
    throw InputError("--lag-query is used only with --max-lag or --metrics-addr",
                     "add --max-lag to pause on replication lag, or leave --lag-query out");
  }
  check_flag_text("--lag-query", f.lag_query, lint::query_problem);
  check_flag_text("--throttle-query", f.throttle_query, lint::query_problem);
  o.lag_query = f.lag_query;
  o.throttle_query = f.throttle_query;
  o.pause_file = f.pause_file;
  return o;
}

}  // namespace slipway::cli
