// The built-in traffic generator: plays the application at a fixed rate while the schema
// changes underneath it. Each application (old, new) has a few threads, each with its own
// connection; a shared token bucket paces them, so a stall shows up as latency (and as a burst
// of catch-up queries afterwards), exactly as a real application with a request queue sees it.
//
// Every query's start time, latency and outcome is recorded (for the live view, the per-phase
// summary and the chart); errors are counted with their first few messages.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "demo/samples.hpp"
#include "demo/scenario.hpp"

namespace slipway::demo {

struct TrafficOptions {
  std::string conninfo;           // the database the application uses
  double rate_per_app = 200;      // queries per second each application sends
  int threads_per_app = 4;
  int64_t id_range = 1;           // ids 1..id_range exist when traffic starts
  // The application's own statement_timeout: a real application gives up eventually, and a
  // stall longer than this becomes an error instead of a hang.
  std::chrono::milliseconds statement_timeout{5000};
};

// Where an application sends its queries: the schema its search_path names (a version schema,
// or the table's own schema) and the columns it knows.
struct AppTarget {
  std::string search_path;  // one schema name (unquoted)
  AppShape shape = AppShape::split_name;
};

class TrafficGenerator {
 public:
  using Clock = std::chrono::steady_clock;

  TrafficGenerator(TrafficOptions options, Clock::time_point epoch);
  ~TrafficGenerator();  // stops the threads
  TrafficGenerator(const TrafficGenerator&) = delete;
  TrafficGenerator& operator=(const TrafficGenerator&) = delete;

  // Points `app` at `target` and waits until every one of its threads has switched (no query
  // of the previous deployment is still running) or `timeout` passed; returns whether all
  // switched. Starts the app if it was not running.
  bool deploy(AppId app, const AppTarget& target,
              std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Stops sending `app`'s queries; waits like deploy().
  bool retire(AppId app, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  bool running(AppId app) const;

  void stop();  // stops all threads (idempotent)

  // A copy of every sample so far.
  std::vector<Sample> samples() const;
  // Samples sent at or after `from_s` (cheap for the live view's window).
  std::vector<Sample> samples_since(double from_s) const;
  int64_t total_queries() const { return total_queries_; }
  int64_t total_errors() const { return total_errors_; }
  // Distinct error messages with their counts (the first few dozen kinds).
  std::map<std::string, int64_t> error_messages() const;
  double seconds_since_epoch() const;

 private:
  struct AppState;
  void worker(AppId app, int index);
  bool wait_switched(AppState& st, uint64_t generation, std::chrono::milliseconds timeout);
  Clock::time_point next_slot(AppState& st);
  void record(const Sample& s, const std::string& error);

  TrafficOptions options_;
  Clock::time_point epoch_;
  std::unique_ptr<AppState> apps_[2];
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;

  mutable std::mutex samples_mutex_;
  std::vector<Sample> samples_;
  std::map<std::string, int64_t> errors_;
  std::atomic<int64_t> total_queries_{0};
  std::atomic<int64_t> total_errors_{0};
};

}  // namespace slipway::demo
