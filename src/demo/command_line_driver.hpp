// A MigrationDriver that runs the `slipway` command line itself (`slipway init`, `slipway start
// FILE`, `slipway complete`, `slipway rollback`): the demo shows exactly what a user would run.
// The connection string travels in the environment (SLIPWAY_POSTGRES_URL), never on a command
// line other users can read.
//
// While `slipway start` runs, a monitor reads the migration's recorded progress (the action
// running now, from the state schema) and, during a backfill, how many rows of the table have
// been updated (pg_stat_user_tables), for the live view's progress bar.
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
  std::string state_schema = "slipway";
  std::string table = "user_profiles";  // whose backfill progress is reported
  std::chrono::milliseconds lock_timeout{100};
};

class CommandLineDriver : public MigrationDriver {
 public:
  explicit CommandLineDriver(CommandLineDriverOptions options);
  void init() override;
  std::string start(const std::string& file, const ProgressFn& progress) override;
  void complete() override;
  void rollback() override;
  bool in_progress() override;
  void cancel() override;

  // The commands run so far, e.g. "slipway start 02_add_status.yaml".
  const std::vector<std::string>& history() const { return history_; }

 private:
  struct Result {
    int exit_code = -1;
    std::string out, err;
  };
  // Runs `slipway ARGS`; `while_running` is called every ~200 ms until it exits.
  // Throws Error with the command's output unless it exits 0.
  Result run(const std::vector<std::string>& args, const std::function<void()>& while_running = {},
             bool check = true);

  // `slipway COMMAND`, retried while another slipway (an interrupted one) holds the database.
  void run_when_free(const std::string& command);

  CommandLineDriverOptions options_;
  std::atomic<pid_t> child_{0};
  std::atomic<bool> cancelled_{false};
  std::vector<std::string> history_;
};

}  // namespace slipway::demo
