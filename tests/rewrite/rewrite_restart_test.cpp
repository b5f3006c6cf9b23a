// A PostgreSQL server restart in the middle of `slipway rewrite` and `slipway repack`, while the
// application writes: the same run connects again and resumes from the phase and progress its
// state table recorded, and the rewritten table holds exactly the rows the application wrote
// (the capture trigger logged every change made while slipway was away; the replay applies it).
//
// slipway is held at a phase by the test hook (SLIPWAY_TEST_PAUSE_AT), the server restarts
// under it, and the hook lets it go on: its next statement finds the connection gone. No sleeps
// as synchronisation. Each test restarts a private cluster of its own: restarting the run's
// shared cluster would break the tests running beside these.
#include <unistd.h>

#include "embedded/temp_cluster.hpp"
#include "rewrite_support.hpp"

namespace slipway::test {
namespace {

using namespace std::chrono_literals;

struct RestartCase {
  const char* kind;   // rewrite | repack
  const char* phase;  // where the restart happens
  const char* mode;   // pg_ctl -m: fast (clean) or immediate (crash recovery)
};
void PrintTo(const RestartCase& c, std::ostream* os) { *os << c.kind << " at " << c.phase << ", -m " << c.mode; }

class RewriteServerRestart : public ::testing::TestWithParam<RestartCase> {
 protected:
  void SetUp() override {
    cluster_ = std::make_unique<embedded::TempCluster>();
    cluster_->start();
    pg::Connection(cluster_->conninfo()).exec("CREATE DATABASE app");
    db_ = create_accounts_database(cluster_->conninfo("app"), "app");
  }
  void TearDown() override { cluster_.reset(); }

  std::vector<std::string> command() const {
    std::vector<std::string> args{"--verbose", GetParam().kind, "--table", "accounts", "--chunk-rows", "500"};
    if (std::string(GetParam().kind) == "rewrite") {
      args.insert(args.end(), {"--alter", "ALTER COLUMN id TYPE bigint"});
    }
    return args;
  }

  // A session of the test's own, after the restart.
  pg::Connection admin() const { return pg::Connection(cluster_->conninfo("app")); }

  std::unique_ptr<embedded::TempCluster> cluster_;
  AccountsDatabase db_;
};

TEST_P(RewriteServerRestart, ResumesInTheSameRunWithEveryRow) {
  const RestartCase& c = GetParam();
  seed_accounts(db_.owner_url, 20000);
  Writer writer(db_.app_url, /*rides_restarts=*/true);
  writer.start();
  SlipwayProcess run(command(), {{"SLIPWAY_POSTGRES_URL", db_.owner_url}, {"SLIPWAY_TEST_PAUSE_AT", c.phase}});
  ASSERT_TRUE(run.wait_paused(c.phase)) << run.output();
  // At "swap" slipway holds the table's lock: the writer waits for it, and goes on after.
  if (std::string(c.phase) != "swap") {
    ASSERT_TRUE(writer.advance(100)) << run.output();
  }

  cluster_->restart(c.mode);
  ASSERT_TRUE(writer.advance(100)) << (writer.errors().empty() ? "" : writer.errors()[0]);
  run.resume();

  auto rc = run.wait(180s);
  ASSERT_TRUE(rc.has_value()) << c.kind << " still runs three minutes after the restart\n" << run.output();
  ASSERT_TRUE(writer.advance(50)) << (writer.errors().empty() ? "" : writer.errors()[0]);
  writer.stop();
  ASSERT_TRUE(writer.errors().empty()) << writer.errors()[0];
  EXPECT_EQ(rc->exit_code, 0) << run.output();
  EXPECT_EQ(run.err().find("internal error"), std::string::npos) << run.output();
  // Ridden out in the same run: it connected again and resumed from the recorded phase.
  EXPECT_NE(run.err().find("connecting again to resume"), std::string::npos) << run.output();
  EXPECT_NE(run.out().find("resumed at phase"), std::string::npos) << run.output();

  auto db = admin();
  EXPECT_EQ(db.exec("SELECT status FROM slipway.rewrites")[0][0].as<std::string>(), "swapped");
  // Every row the application wrote, before, during and after the restart, and no other.
  EXPECT_EQ(db.exec("SELECT count(*) FROM accounts")[0][0].as<int64_t>(),
            db.exec("SELECT count(*) FROM accounts_ref")[0][0].as<int64_t>());
  EXPECT_EQ(differences_from_reference(db), 0);
  if (std::string(c.kind) == "rewrite") {
    EXPECT_EQ(db.exec("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                      "WHERE attrelid = 'accounts'::regclass AND attname = 'id'")[0][0]
                  .as<std::string>(),
              "bigint");
  }
  // The foreign key to the new table is there and valid.
  EXPECT_TRUE(db.exec("SELECT convalidated AND confrelid = 'accounts'::regclass FROM pg_constraint "
                      "WHERE conrelid = 'orders'::regclass AND contype = 'f'")[0][0]
                  .as<bool>());
}

INSTANTIATE_TEST_SUITE_P(
    Phases, RewriteServerRestart,
    ::testing::Values(RestartCase{"rewrite", "copy", "fast"}, RestartCase{"rewrite", "replay", "immediate"},
                      RestartCase{"rewrite", "verify", "fast"}, RestartCase{"rewrite", "swap", "fast"},
                      RestartCase{"repack", "copy", "immediate"}, RestartCase{"repack", "verify", "fast"}),
    [](const ::testing::TestParamInfo<RestartCase>& info) {
      return std::string(info.param.kind) + "_" + info.param.phase + "_" + info.param.mode;
    });

}  // namespace
}  // namespace slipway::test
