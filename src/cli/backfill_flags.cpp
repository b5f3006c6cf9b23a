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
  std::vector<CLI::Option*> out = add_throttle_flags(cmd, f.throttle, "the backfill");
  std::vector<CLI::Option*> own = {
      batch_time,
      batch_size,
      add_count_option(cmd, "--workers", f.workers, "parallel connections, each on its own key range", {1, 64}),
      cmd.add_option("--metrics-addr", f.metrics_addr, "serve Prometheus metrics on HOST:PORT while running"),
      cmd.add_option("--progress", f.progress, "auto|bar|lines|json|none")
          ->check(CLI::IsMember({"auto", "bar", "lines", "json", "none"}))
          ->capture_default_str(),
      add_duration_option(cmd, "--progress-interval", f.progress_interval, "interval of plain/JSON progress lines",
                          {milliseconds(100), hours(1)}),
      add_number_option(cmd, "--vacuum-every", f.vacuum_every, "VACUUM after this fraction of the rows (0 = never)",
                        {0, 1}),
  };
  out.insert(out.end(), own.begin(), own.end());
  return out;
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
  opt.throttle = throttle_options(f.throttle, !f.metrics_addr.empty());
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
