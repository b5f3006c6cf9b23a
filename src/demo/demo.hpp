// `slipway demo`: the zero-downtime story end to end, on a private PostgreSQL (or an existing
// server), under live traffic. See README.md, "The demo".
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "demo/migration_driver.hpp"
#include "demo/summary.hpp"

namespace slipway::demo {

struct DemoOptions {
  std::string postgres_url;   // empty: a private cluster (TempCluster)
  std::string schema = "public";
  int64_t rows = 200000;
  bool keep = false;          // leave the private cluster running (its URL is printed)
  bool contrast = false;      // also the naive way, on a copy
  bool json = false;          // summary as JSON on stdout (the live view goes to stderr)
  std::string report_file;    // --report FILE.html
  double rate_per_app = 200;  // queries/s per application version
  int threads_per_app = 4;
  double warmup_s = 2.0;
  double rollout_s = 1.5;
  std::string examples_dir;   // empty: found next to the working directory or the binary
  std::chrono::milliseconds lock_timeout{100};
  bool live = true;           // the periodic status lines (off: phase lines only)
};

// What run_demo accepts (and the CLI checks its flags against while parsing).
struct DemoLimits {
  static constexpr int64_t min_rows = 100, max_rows = 100'000'000;
  static constexpr double min_rate = 1, max_rate = 20000;  // queries/s per application version
  static constexpr int min_threads = 1, max_threads = 32;
  static constexpr double max_seconds = 3600;  // --warmup, --rollout
};

// Creates the driver for the database `conninfo` once it exists.
using DriverFactory = std::function<std::unique_ptr<MigrationDriver>(const std::string& conninfo)>;

// Runs the demo; returns the process exit code (0: slipway's run finished with no application
// error and every row verified). Throws InputError for bad options before changing anything.
int run_demo(const DemoOptions& options, const DriverFactory& make_driver);

// The examples directory: `given` if set, else examples/user_profiles under the working
// directory, else next to the binary's parent directory. Throws InputError when not found.
std::string find_examples_dir(const std::string& given);

}  // namespace slipway::demo
