// kill -9 at the copy, replay, verify and swap phases (the CLI as a subprocess, paused at the
// named phase by the test hook): re-running the same command finishes, --abort removes
// everything; no row is lost either way.
#include "rewrite_support.hpp"

namespace slipway::test {
namespace {

class RewriteCrash : public RewriteTest, public ::testing::WithParamInterface<const char*> {
 protected:
  std::vector<std::string> command() {
    return {"rewrite", "--table", "accounts", "--alter", "ALTER COLUMN id TYPE bigint", "--chunk-rows", "300"};
  }
  // Starts the rewrite, lets the writer run while it is paused at `phase`, kills it there.
  void kill_at(const std::string& phase, Writer& writer) {
    SlipwayProcess run(command(), owner_env({{"SLIPWAY_TEST_PAUSE_AT", phase}}));
    ASSERT_TRUE(run.wait_paused(phase)) << run.err();
    if (phase != "swap") {
      ASSERT_TRUE(writer.advance(100));  // at "swap" the writer waits for our lock
    }
    run.kill9();
    EXPECT_EQ(run.wait().exit_code, 128 + 9);
  }
};

TEST_P(RewriteCrash, RerunFinishes) {
  std::string phase = GetParam();
  seed(2000);
  Writer writer(app_url_);
  writer.start();
  kill_at(phase, writer);
  ASSERT_TRUE(writer.advance(100)) << (writer.errors().empty() ? "" : writer.errors()[0]);
  if (phase == "swap") {
    // The swap transaction died with the process: the original is still in place.
    EXPECT_EQ(scalar<std::string>("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                                  "WHERE attrelid = 'accounts'::regclass AND attname = 'id'"),
              "integer");
  }
  auto r = slipway_as_owner(command());
  ASSERT_TRUE(writer.advance(50));
  writer.stop();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("resumed at phase"), std::string::npos) << r.out;
  ASSERT_TRUE(writer.errors().empty()) << writer.errors()[0];
  EXPECT_EQ(differences(), 0);
  EXPECT_EQ(scalar<std::string>("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                                "WHERE attrelid = 'accounts'::regclass AND attname = 'id'"),
            "bigint");
  EXPECT_TRUE(scalar<bool>("SELECT convalidated AND confrelid = 'accounts'::regclass FROM pg_constraint "
                           "WHERE conrelid = 'orders'::regclass AND contype = 'f'"));
}

// Killed before the swap, then aborted (a kill inside the swap is covered above: its
// transaction dies with the process).
class RewriteCrashAbort : public RewriteCrash {};

TEST_P(RewriteCrashAbort, AbortAfterKillLeavesOriginalUntouched) {
  std::string phase = GetParam();
  seed(2000);
  std::string before = schema_dump({"--exclude-schema=slipway"});
  Writer writer(app_url_);
  writer.start();
  kill_at(phase, writer);
  auto r = slipway_as_owner({"rewrite", "--table", "accounts", "--abort"});
  ASSERT_TRUE(writer.advance(50));
  writer.stop();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_TRUE(writer.errors().empty()) << writer.errors()[0];
  EXPECT_TRUE(helper_objects().empty()) << helper_objects()[0];
  EXPECT_EQ(schema_dump({"--exclude-schema=slipway"}), before);
  EXPECT_EQ(differences(), 0);
  EXPECT_EQ(scalar<std::string>("SELECT status FROM slipway.rewrites"), "aborted");
}

INSTANTIATE_TEST_SUITE_P(Phases, RewriteCrash, ::testing::Values("copy", "replay", "verify", "swap"));
INSTANTIATE_TEST_SUITE_P(Phases, RewriteCrashAbort, ::testing::Values("copy", "replay", "verify"));

}  // namespace
}  // namespace slipway::test
