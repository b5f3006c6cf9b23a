// `slipway ARGS` as a child process of a test: started in the background, watched without
// blocking, waited for (with or without a deadline) or killed with SIGKILL. stdin is /dev/null;
// stdout and stderr go to temporary files, named per process and per instance (tests run in
// parallel processes), readable while it runs and removed with the object.
//
// Two test hooks of slipway pause it at a named point, both announced through a pause file
// (SLIPWAY_TEST_PAUSE_FILE, which the object sets when `env` asks for a pause with
// SLIPWAY_TEST_PAUSE_AT):
//   - the rewrite's phases (src/rewrite/test_hook.hpp): the file holds the phase's name, and the
//     process goes on once the file is removed: wait_paused(phase), then resume() or kill9();
//   - the migration applier's steps (Applier::pause_for_tests): the file appears before the step
//     runs, and the process waits to be killed: run_until_step_then_kill().
#pragma once
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "embedded/child_process.hpp"
#include "support/pg_test.hpp"

namespace slipway::test {

class SlipwayProcess {
 public:
  // Runs slipway_bin() with `args`; `env` is added to this process's environment (pass
  // SLIPWAY_POSTGRES_URL here).
  SlipwayProcess(std::vector<std::string> args, const std::map<std::string, std::string>& env);
  // Kills (SIGKILL) and reaps the process if it still runs; removes the files.
  ~SlipwayProcess();
  SlipwayProcess(const SlipwayProcess&) = delete;
  SlipwayProcess& operator=(const SlipwayProcess&) = delete;

  // Whether the process has ended (reaps it if so). Never blocks.
  bool exited();
  // Waits for the end: exit code (128 + signal when killed), output, time since the start.
  CommandResult wait();
  // The same, or nullopt if it still runs after `timeout` (it is left running).
  std::optional<CommandResult> wait(std::chrono::milliseconds timeout);
  // SIGKILL, then reaps it. Nothing if it has ended already.
  void kill9();
  // After the end: whether a signal ended it.
  bool signaled() const;

  // Output so far (never waits): for assertions and failure messages.
  std::string out() const;
  std::string err() const;
  std::string output() const;  // "stdout:\n...\nstderr:\n..."

  // The pause file (SLIPWAY_TEST_PAUSE_FILE): empty unless `env` had SLIPWAY_TEST_PAUSE_AT.
  const std::string& pause_file() const { return pause_file_; }
  // Waits until the pause file holds `phase` (the rewrite's protocol), or, with an empty
  // `phase`, until it exists at all (the applier's). False on timeout or when the process ended
  // first (exited() tells which).
  bool wait_paused(const std::string& phase, std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // Removes the pause file: a paused rewrite goes on.
  void resume();

 private:
  CommandResult result() const;
  void ended(embedded::Exit exit);

  std::optional<embedded::ChildProcess> child_;
  std::optional<embedded::Exit> exit_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::milliseconds elapsed_{0};
  std::string out_file_, err_file_, pause_file_;
};

// Runs `slipway ARGS` against `url` with the applier's hook set to stop before `step`
// (SLIPWAY_TEST_PAUSE_AT), waits until it got there and kills it with SIGKILL. A gtest failure if
// it exits before the step or does not reach it within 60 s (fatal: this function returns), or if
// anything but the signal ended it.
void run_until_step_then_kill(const std::string& url, std::vector<std::string> args, const std::string& step);

}  // namespace slipway::test
