#include "cli/backfill_flags.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/context.hpp"
#include "cli/flag_values.hpp"
#include "cli/user_text_flags.hpp"
#include "util/duration.hpp"
#include "util/error.hpp"

namespace slipway::cli {

std::vector<CLI::Option*> add_backfill_flags(CLI::App& cmd, BackfillFlags& f) {
  using std::chrono::milliseconds, std::chrono::minutes, std::chrono::hours;
  auto* batch_time = add_duration_option(cmd, "--batch-time", f.batch_time, "target duration of one batch",
                                         {milliseconds(10), minutes(1)});
  auto* batch_size = add_count_option(cmd, "--batch-size", f.batch_size,
                                      "fixed rows per batch (disables adaptive sizing)", {1, 10000000});
  batch_size->excludes(batch_time);  // a pinned size does not adapt to a target duration
  return {
      batch_time,
      batch_size,
      add_count_option(cmd, "--workers", f.workers, "parallel connections, each on its own key range", {1, 64}),
      add_number_option(cmd, "--max-rate", f.max_rate, "rows per second at most (all workers; 0: no limit)",
                        {0, 1e9}),
      add_duration_option(cmd, "--max-lag", f.max_lag,
                          "pause while any standby's replication lag exceeds this (e.g. 5s)",
                          {milliseconds(10), hours(24)}),
      cmd.add_option("--lag-query", f.lag_query,
                     "SQL returning the lag in seconds (default: pg_stat_replication); with --max-lag or "
                     "--metrics-addr"),
      cmd.add_option("--throttle-query", f.throttle_query, "SQL returning true while the backfill should pause"),
      cmd.add_option("--pause-file", f.pause_file, "pause while this file exists"),
      cmd.add_option("--metrics-addr", f.metrics_addr, "serve Prometheus metrics on HOST:PORT while running"),
      cmd.add_option("--progress", f.progress, "auto|bar|lines|json|none")
          ->check(CLI::IsMember({"auto", "bar", "lines", "json", "none"}))
          ->capture_default_str(),
      add_duration_option(cmd, "--progress-interval", f.progress_interval, "interval of plain/JSON progress lines",
                          {milliseconds(100), hours(1)}),
      add_number_option(cmd, "--vacuum-every", f.vacuum_every, "VACUUM after this fraction of the rows (0 = never)",
                        {0, 1}),
  };
}

bool progress_is_json(const GlobalOptions& g, const BackfillFlags& f, bool global_json) {
  return (global_json && g.json) || f.progress == "json";
}

backfill::EngineOptions engine_options(const GlobalOptions& g, const BackfillFlags& f,
                                       std::unique_ptr<backfill::ProgressSink>& sink, bool global_json) {
  backfill::EngineOptions opt;
  opt.state_schema = g.state_schema;
  opt.batch_time = f.batch_time;
  if (f.batch_size) opt.fixed_batch_size = *f.batch_size;
  opt.workers = f.workers;
  if (f.max_rate > 0) opt.throttle.max_rate = f.max_rate;
  opt.throttle.max_lag = f.max_lag;
  // The lag query is read only to throttle on (--max-lag) or to report (--metrics-addr).
  if (!f.lag_query.empty() && !f.max_lag && f.metrics_addr.empty()) {
    throw InputError("--lag-query is used only with --max-lag or --metrics-addr",
                     "add --max-lag to pause on replication lag, or leave --lag-query out");
  }
  check_flag_text("--lag-query", f.lag_query, lint::query_problem);
  check_flag_text("--throttle-query", f.throttle_query, lint::query_problem);
  opt.throttle.lag_query = f.lag_query;
  opt.throttle.throttle_query = f.throttle_query;
  opt.throttle.pause_file = f.pause_file;
  opt.vacuum_every_fraction = f.vacuum_every;
  opt.metrics_addr = f.metrics_addr;
  opt.lock_timeout = g.lock_timeout;

  bool json = progress_is_json(g, f, global_json);
  backfill::ProgressConfig pc;
  pc.style = json ? backfill::ProgressStyle::json : backfill::parse_progress_style(f.progress);
  pc.line_interval = f.progress_interval;
  sink = backfill::make_progress_sink(json ? std::cout : std::cerr, pc);
  opt.progress = sink.get();
  return opt;
}

}  // namespace slipway::cli
