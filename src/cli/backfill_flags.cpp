#include "cli/backfill_flags.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/context.hpp"
#include "cli/user_text_flags.hpp"
#include "util/duration.hpp"
#include "util/error.hpp"

namespace slipway::cli {

void add_backfill_flags(CLI::App& cmd, BackfillFlags& f) {
  cmd.add_option("--batch-time", f.batch_time, "target duration of one batch")->capture_default_str();
  cmd.add_option("--batch-size", f.batch_size, "fixed rows per batch (disables adaptive sizing)");
  cmd.add_option("--workers", f.workers, "parallel connections, each on its own key range")->capture_default_str();
  cmd.add_option("--max-rate", f.max_rate, "rows per second at most (all workers; 0: no limit)");
  cmd.add_option("--max-lag", f.max_lag, "pause while any standby's replication lag exceeds this (e.g. 5s)");
  cmd.add_option("--lag-query", f.lag_query, "SQL returning the lag in seconds (default: pg_stat_replication)");
  cmd.add_option("--throttle-query", f.throttle_query, "SQL returning true while the backfill should pause");
  cmd.add_option("--pause-file", f.pause_file, "pause while this file exists");
  cmd.add_option("--metrics-addr", f.metrics_addr, "serve Prometheus metrics on HOST:PORT while running");
  cmd.add_option("--progress", f.progress, "auto|bar|lines|json|none")->capture_default_str();
  cmd.add_option("--progress-interval", f.progress_interval, "interval of plain/JSON progress lines")
      ->capture_default_str();
  cmd.add_option("--vacuum-every", f.vacuum_every, "VACUUM after this fraction of the rows (0 = never)")
      ->capture_default_str();
}

bool progress_is_json(const GlobalOptions& g, const BackfillFlags& f, bool global_json) {
  return (global_json && g.json) || f.progress == "json";
}

backfill::EngineOptions engine_options(const GlobalOptions& g, const BackfillFlags& f,
                                       std::unique_ptr<backfill::ProgressSink>& sink, bool global_json) {
  backfill::EngineOptions opt;
  opt.state_schema = g.state_schema;
  opt.batch_time = parse_duration(f.batch_time, "--batch-time");
  if (f.batch_size) {
    if (*f.batch_size < 1) throw InputError("--batch-size must be positive", "leave it out for adaptive batches");
    opt.fixed_batch_size = *f.batch_size;
  }
  if (f.workers < 1 || f.workers > 64) throw InputError("--workers must be between 1 and 64");
  opt.workers = f.workers;
  if (f.max_rate < 0) throw InputError("--max-rate must be positive");
  if (f.max_rate > 0) opt.throttle.max_rate = f.max_rate;
  if (!f.max_lag.empty()) opt.throttle.max_lag = parse_duration(f.max_lag, "--max-lag");
  check_flag_text("--lag-query", f.lag_query, lint::query_problem);
  check_flag_text("--throttle-query", f.throttle_query, lint::query_problem);
  opt.throttle.lag_query = f.lag_query;
  opt.throttle.throttle_query = f.throttle_query;
  opt.throttle.pause_file = f.pause_file;
  if (f.vacuum_every < 0 || f.vacuum_every > 1) throw InputError("--vacuum-every must be between 0 and 1");
  opt.vacuum_every_fraction = f.vacuum_every;
  opt.metrics_addr = f.metrics_addr;
  opt.lock_timeout = std::max(std::chrono::milliseconds(100), g.lock_policy().lock_timeout);

  bool json = progress_is_json(g, f, global_json);
  backfill::ProgressConfig pc;
  pc.style = json ? backfill::ProgressStyle::json : backfill::parse_progress_style(f.progress);
  pc.line_interval = parse_duration(f.progress_interval, "--progress-interval");
  sink = backfill::make_progress_sink(json ? std::cout : std::cerr, pc);
  opt.progress = sink.get();
  return opt;
}

}  // namespace slipway::cli
