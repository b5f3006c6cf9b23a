// The backfill flags shared by every command that fills rows in batches: `slipway backfill`
// itself and the migration commands whose start backfills new columns (`start`, `migrate`).
// One definition, so `--workers 2` means the same thing everywhere.
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backfill/engine.hpp"
#include "cli/throttle_flags.hpp"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace slipway::cli {

struct GlobalOptions;

struct BackfillFlags {
  std::chrono::milliseconds batch_time{100};
  std::optional<int64_t> batch_size;  // unset: adaptive
  int workers = 1;
  ThrottleFlags throttle;
  std::string metrics_addr;
  std::string progress = "auto";
  std::chrono::milliseconds progress_interval = std::chrono::seconds(5);
  double vacuum_every = 0.1;
};

// Returns the options added (a command whose other actions ignore them excludes them).
std::vector<CLI::Option*> add_backfill_flags(CLI::App& cmd, BackfillFlags& flags);

// Engine options from the flags (InputError for bad values). The progress sink is created too
// and owned by `sink`, which must outlive the engine runs: JSON lines on stdout when
// progress_is_json(), else a bar or plain lines on stderr.
// `global_json`: whether --json alone asks for JSON progress events (true for `backfill`, whose
// JSON output is the event stream; false for `start`/`migrate`, whose --json output is one
// result object).
backfill::EngineOptions engine_options(const GlobalOptions& g, const BackfillFlags& flags,
                                       std::unique_ptr<backfill::ProgressSink>& sink, bool global_json = true);

// True when progress goes to stdout as JSON lines.
bool progress_is_json(const GlobalOptions& g, const BackfillFlags& flags, bool global_json = true);

}  // namespace slipway::cli
