// Prometheus text-format metrics of a running backfill (or of another chunked job: `compare`
// reports its chunks as batches under its own prefix), optionally served over HTTP
// (--metrics-addr HOST:PORT, GET /metrics).
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace slipway::backfill {

class Metrics {
 public:
  // Metric names start with `prefix` and "_": slipway_backfill_rows_done_total, ...
  explicit Metrics(std::string prefix = "slipway_backfill");
  void set_job(const std::string& job, const std::string& table);
  void add_batch(double seconds, int64_t rows);
  void set_gauges(double rows_per_second, int64_t batch_size, int64_t rows_estimate);
  void set_throttled(const std::map<std::string, double>& seconds_by_reason, std::optional<double> lag_seconds,
                     int64_t lock_wait_events);
  std::string render() const;

 private:
  mutable std::mutex mu_;
  std::string prefix_;
  std::string job_, table_;
  std::vector<double> bounds_;
  std::vector<int64_t> bucket_counts_;  // cumulative counts are computed when rendering
  double batch_seconds_sum_ = 0;
  int64_t batches_ = 0;
  int64_t rows_ = 0;
  double rows_per_second_ = 0;
  int64_t batch_size_ = 0;
  int64_t rows_estimate_ = 0;
  std::map<std::string, double> throttled_;
  std::optional<double> lag_;
  int64_t lock_wait_events_ = 0;
};

// Serves `metrics.render()` at http://addr/metrics on a thread of its own until destroyed.
class MetricsServer {
 public:
  // `addr` is HOST:PORT (port 0 = any free port). Throws InputError when malformed or taken.
  MetricsServer(const std::string& addr, const Metrics& metrics);
  ~MetricsServer();
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace slipway::backfill
