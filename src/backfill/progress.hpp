// Progress reporting shared by every long-running command (backfill, migration start, rewrite):
// a bar on a terminal, periodic plain lines otherwise, or one JSON object per line. The engine
// calls update() after every batch; the sink decides how often to actually draw.
#pragma once
#include <chrono>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

namespace slipway::backfill {

struct ProgressSnapshot {
  std::string job;                    // job id
  std::string label;                  // what is being done, e.g. "backfill public.users"
  int64_t rows_done = 0;
  int64_t rows_estimate = 0;          // 0 = unknown
  double rows_per_second = 0;         // recent rate (smoothed)
  std::optional<double> eta_seconds;  // when rate and estimate are known
  int64_t batch_size = 0;
  int workers = 1;
  std::string throttle_reason;        // empty when not throttled
  double elapsed_seconds = 0;
  bool finished = false;
};

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // Thread-safe; cheap to call often (rate-limited inside).
  virtual void update(const ProgressSnapshot& s) = 0;
  // The final state; always drawn.
  virtual void finish(const ProgressSnapshot& s) = 0;
  // A one-off message (e.g. "resuming from checkpoint"), drawn without breaking the bar.
  virtual void note(const std::string& message) = 0;
};

enum class ProgressStyle {
  automatic,  // bar when `out` is a terminal, else plain lines
  bar,
  lines,
  json,
  none,
};

struct ProgressConfig {
  ProgressStyle style = ProgressStyle::automatic;
  std::chrono::milliseconds line_interval{5000};  // plain lines and JSON events
  std::chrono::milliseconds bar_interval{100};
};

// `out` must outlive the sink. Bar and lines typically go to stderr, JSON to stdout.
std::unique_ptr<ProgressSink> make_progress_sink(std::ostream& out, ProgressConfig config = {});

// Parses "auto|bar|lines|json|none" (InputError otherwise).
ProgressStyle parse_progress_style(const std::string& text);

}  // namespace slipway::backfill
