// A MigrationDriver that runs the `slipway` command line itself (`slipway start FILE`,
// `slipway complete`, `slipway rollback`, `slipway status --json`): the demo then shows exactly
// what a user would run. The connection string travels in the environment
// (SLIPWAY_POSTGRES_URL), never on a command line other users can read.
#pragma once
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "demo/migration_driver.hpp"

namespace slipway::demo {

struct CommandLineDriverOptions {
  std::string slipway_bin;  // path of the slipway executable
  std::string conninfo;
  std::string schema = "public";
  std::chrono::milliseconds lock_timeout{100};
};

class CommandLineDriver : public MigrationDriver {
 public:
  explicit CommandLineDriver(CommandLineDriverOptions options);
  void init() override;
  std::string start(const std::string& file) override;
  void backfill(const ProgressFn& progress) override;
  void complete() override;
  void rollback() override;
  void cancel() override;

  // The commands run so far (for the report and tests), e.g. "slipway start 02_add_status.yaml".
  const std::vector<std::string>& history() const { return history_; }

 private:
  struct Result {
    int exit_code = -1;
    std::string out, err;
  };
  Result run(const std::vector<std::string>& args, bool check = true);

  CommandLineDriverOptions options_;
  std::atomic<pid_t> child_{0};
  std::vector<std::string> history_;
};

}  // namespace slipway::demo
