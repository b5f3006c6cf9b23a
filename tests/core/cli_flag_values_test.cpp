// Every duration and count flag is checked while the command line is parsed: a value slipway
// cannot honour is exit 2 naming the flag and its range, before any connection. The database
// URL points at a port where nothing listens, so an error about connecting would mean the
// flag was let through.
#include <gtest/gtest.h>

#include "support/pg_test.hpp"

namespace {

using slipway::test::run_command;
using slipway::test::slipway_bin;

const char* kNowhere = "postgresql://alice:hunter2@127.0.0.1:1/app?connect_timeout=3";

slipway::test::CommandResult slipway_nowhere(std::vector<std::string> args,
                                             std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), slipway_bin());
  env.emplace("SLIPWAY_POSTGRES_URL", kNowhere);
  return run_command(args, env);
}

struct Case {
  std::vector<std::string> command;  // the command and its required arguments
  std::string flag;
  std::string value;
  std::string range;  // expected in the message
};

void expect_refused_before_connecting(const Case& c) {
  auto args = c.command;
  args.push_back(c.flag);
  args.push_back(c.value);
  auto r = slipway_nowhere(args);
  std::string what = c.command[0] + " " + c.flag + " " + c.value;
  EXPECT_EQ(r.exit_code, 2) << what << "\n" << r.err;
  EXPECT_NE(r.err.find(c.flag + ":"), std::string::npos) << what << "\n" << r.err;
  EXPECT_NE(r.err.find(c.range), std::string::npos) << what << "\n" << r.err;
  EXPECT_EQ(r.err.find("cannot connect"), std::string::npos) << what << ": connected first\n" << r.err;
}

TEST(CliFlagValues, GlobalLockFlagsAreCheckedBeforeConnecting) {
  const std::string lock_timeout_range = "from 100ms to 1m";
  for (std::string v : {"0", "50ms", "1e99s", "-1s", "nan", "inf", "", "100ms garbage", "99999999999999h"}) {
    expect_refused_before_connecting({{"status"}, "--lock-timeout", v, lock_timeout_range});
  }
  for (std::string v : {"-1", "1.5", "99999999999", "many"}) {
    expect_refused_before_connecting({{"status"}, "--lock-retries", v, "from 0 to 10000"});
  }
  for (std::string v : {"99999999999999h", "-1s", "nan", "25h"}) {
    expect_refused_before_connecting({{"status"}, "--lock-max-wait", v, "from 0ms to 24h"});
  }
  // The same check for the environment variables.
  auto r = slipway_nowhere({"status"}, {{"SLIPWAY_LOCK_TIMEOUT", "0"}});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--lock-timeout: '0' is out of range"), std::string::npos) << r.err;
  // A good value goes on to connect (and fails there, exit 1).
  r = slipway_nowhere({"status", "--lock-timeout", "2s", "--lock-retries", "0", "--lock-max-wait", "1m"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("cannot connect"), std::string::npos) << r.err;
}

TEST(CliFlagValues, BackfillFlagsAreCheckedBeforeConnecting) {
  std::vector<std::vector<std::string>> commands{
      {"backfill", "--table", "t", "--set", "a = 1"}, {"start", "m.yaml"}, {"migrate", "dir"}};
  for (const auto& cmd : commands) {
    expect_refused_before_connecting({cmd, "--batch-time", "0", "from 10ms to 1m"});
    expect_refused_before_connecting({cmd, "--batch-time", "1e99s", "from 10ms to 1m"});
    expect_refused_before_connecting({cmd, "--batch-size", "0", "from 1 to 10000000"});
    expect_refused_before_connecting({cmd, "--batch-size", "99999999999999999999", "from 1 to 10000000"});
    expect_refused_before_connecting({cmd, "--workers", "65", "from 1 to 64"});
    expect_refused_before_connecting({cmd, "--workers", "-1", "from 1 to 64"});
    expect_refused_before_connecting({cmd, "--max-rate", "nan", "from 0 to 1000000000"});
    expect_refused_before_connecting({cmd, "--max-rate", "-1", "from 0 to 1000000000"});
    expect_refused_before_connecting({cmd, "--max-lag", "-5s", "from 10ms to 24h"});
    expect_refused_before_connecting({cmd, "--progress-interval", "0", "from 100ms to 1h"});
    expect_refused_before_connecting({cmd, "--vacuum-every", "nan", "from 0 to 1"});
  }
}

TEST(CliFlagValues, RewriteAndRepackFlagsAreCheckedBeforeConnecting) {
  std::vector<std::vector<std::string>> commands{
      {"rewrite", "--table", "t", "--alter", "ALTER COLUMN id TYPE bigint"}, {"repack", "--table", "t"}};
  for (const auto& cmd : commands) {
    expect_refused_before_connecting({cmd, "--chunk-time", "0", "from 10ms to 1m"});
    expect_refused_before_connecting({cmd, "--chunk-rows", "0", "from 1 to 200000"});
    expect_refused_before_connecting({cmd, "--workers", "0", "from 1 to 64"});
    expect_refused_before_connecting({cmd, "--max-rate", "inf", "from 0 to 1000000000"});
    expect_refused_before_connecting({cmd, "--max-lag", "nan", "from 10ms to 24h"});
    expect_refused_before_connecting({cmd, "--swap-backlog", "0", "from 1 to 100000000"});
  }
}

TEST(CliFlagValues, DemoFlagsAreCheckedBeforeConnecting) {
  expect_refused_before_connecting({{"demo"}, "--rate", "nan", "from 1 to 20000"});
  expect_refused_before_connecting({{"demo"}, "--warmup", "nan", "from 0 to 3600"});
  expect_refused_before_connecting({{"demo"}, "--rollout", "-1", "from 0 to 3600"});
  expect_refused_before_connecting({{"demo"}, "--threads", "0", "from 1 to 32"});
  expect_refused_before_connecting({{"demo"}, "--rows", "1e9", "from 100 to 100000000"});
}

}  // namespace
