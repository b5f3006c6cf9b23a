// Flags that contradict each other, or that the chosen action would silently ignore, are usage
// errors (exit 2) before anything connects.
#include <gtest/gtest.h>

#include "support/pg_test.hpp"

namespace {

using slipway::test::run_command;
using slipway::test::slipway_bin;

slipway::test::CommandResult refused(std::vector<std::string> args) {
  std::string what;
  for (const auto& a : args) what += a + " ";
  args.insert(args.begin(), slipway_bin());
  auto r = run_command(args, {{"SLIPWAY_POSTGRES_URL", "postgresql://alice@127.0.0.1:1/app?connect_timeout=3"}});
  EXPECT_EQ(r.exit_code, 2) << what << "\n" << r.err;
  EXPECT_EQ(r.err.find("cannot connect"), std::string::npos) << what << ": connected first\n" << r.err;
  return r;
}

// CLI11 names the pair in the order it checks them: either way round.
void expect_conflict(const std::vector<std::string>& args, const std::string& a, const std::string& b) {
  auto r = refused(args);
  EXPECT_TRUE(r.err.find(a + " excludes " + b) != std::string::npos ||
              r.err.find(b + " excludes " + a) != std::string::npos)
      << a << " with " << b << ":\n" << r.err;
}

void expect_refused(std::vector<std::string> args, const std::string& message) {
  auto r = refused(args);
  EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
}

TEST(CliFlagConflicts, BackfillActionsExcludeEachOtherAndTheRunsFlags) {
  expect_conflict({"backfill", "--status", "--forget", "j"}, "--status", "--forget");
  expect_conflict({"backfill", "--status", "--table", "t"}, "--status", "--table");
  expect_conflict({"backfill", "--status", "--workers", "2"}, "--status", "--workers");
  expect_conflict({"backfill", "--forget", "j", "--set", "a = 1"}, "--forget", "--set");
  expect_conflict({"backfill", "--forget", "j", "--job", "k"}, "--forget", "--job");
  expect_refused({"backfill", "--table", "t", "--set", "a = 1", "--lag-query", "SELECT 0"},
                 "--lag-query is used only with --max-lag or --metrics-addr");
}

TEST(CliFlagConflicts, BatchTimeAndBatchSizeExcludeEachOther) {
  for (std::vector<std::string> cmd : {std::vector<std::string>{"backfill", "--table", "t", "--set", "a = 1"},
                                       {"start", "m.yaml"}, {"migrate", "dir"}}) {
    cmd.insert(cmd.end(), {"--batch-time", "1s", "--batch-size", "100"});
    expect_conflict(cmd, "--batch-time", "--batch-size");
  }
}

TEST(CliFlagConflicts, RewriteActionsExcludeEachOtherAndTheFlagsTheyIgnore) {
  expect_conflict({"rewrite", "--table", "t", "--undo", "--abort"}, "--undo", "--abort");
  expect_conflict({"repack", "--table", "t", "--cleanup", "--undo"}, "--undo", "--cleanup");
  expect_conflict({"rewrite", "--table", "t", "--undo", "--alter", "ALTER COLUMN id TYPE bigint"}, "--undo", "--alter");
  expect_conflict({"rewrite", "--table", "t", "--abort", "--chunk-rows", "10"}, "--abort", "--chunk-rows");
  expect_conflict({"repack", "--table", "t", "--cleanup", "--max-rate", "5"}, "--cleanup", "--max-rate");
  expect_conflict({"repack", "--table", "t", "--abort", "--swap-backlog", "5"}, "--abort", "--swap-backlog");
}

TEST(CliFlagConflicts, LintListRulesTakesNothingElse) {
  expect_conflict({"lint", "--list-rules", "x.sql"}, "--list-rules", "paths");
  expect_conflict({"lint", "--list-rules", "--format", "json"}, "--list-rules", "--format");
}

}  // namespace
