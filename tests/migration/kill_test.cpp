// kill -9 during `start`, at every step of the plan: both `rollback` and a re-run of `start`
// recover. The applier's test hook (SLIPWAY_TEST_PAUSE_AT=<action id>) writes a marker file
// before running that step and waits to be killed: no sleeps as synchronisation.
#include "migration/ops_test_support.hpp"
#include "support/slipway_process.hpp"

namespace slipway::test {
namespace {

class KillDuringStart : public OpsTest {
 protected:
  void SetUp() override {
    OpsTest::SetUp();
    sql("CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL)");
    sql("INSERT INTO users SELECT g, 'user' || g FROM generate_series(1, 500) g");
    file_ = migration_file("01_expand", R"(operations:
  - add_column:
      table: users
      up: upper(name)
      column:
        name: loud
        type: text
        nullable: true
  - create_index:
      name: users_name_idx
      table: users
      columns:
        - column: name
  - create_table:
      name: audit
      columns:
        - name: id
          type: serial
          pk: true
)");
    // Give the database a history so the baseline is not part of what we compare.
    ASSERT_EQ(slipway({"baseline"}).exit_code, 0);
  }

  std::vector<std::string> step_ids(const std::string& phase = "start") {
    auto r = slipway({"plan", "--json", file_});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> ids;
    auto plan = nlohmann::json::parse(r.out);
    for (const auto& a : plan[phase]) ids.push_back(a["id"]);
    return ids;
  }
  std::vector<std::string> start_step_ids() { return step_ids("start"); }

  // Runs `slipway <command>` paused at `step`, waits for its marker, kills it with SIGKILL.
  void kill_at(const std::string& step, const std::string& command = "start") {
    std::vector<std::string> args{command};
    if (command == "start") args.push_back(file_);
    run_until_step_then_kill(url(), args, step);
  }

  void expect_expanded_and_complete() {
    auto neu = new_app("01_expand");
    EXPECT_EQ(number(neu, "SELECT count(*) FROM users WHERE loud = upper(name)"), 500);
    complete();
    EXPECT_EQ(scalar<long long>("SELECT count(*) FROM users WHERE loud = upper(name)"), 500);
    EXPECT_TRUE(scalar<bool>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_name_idx'::regclass"));
  }

  std::string file_;
};

TEST_F(KillDuringStart, RollbackRecoversFromEveryStep) {
  auto before = schema_dump();
  auto ids = start_step_ids();
  ASSERT_GE(ids.size(), 5u);
  for (const auto& id : ids) {
    SCOPED_TRACE("killed before step " + id);
    kill_at(id);
    auto status = slipway({"status"});
    EXPECT_NE(status.out.find("stopped at:"), std::string::npos) << status.out;
    auto r = slipway({"rollback"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(schema_dump(), before);
  }
}

// Writes the application makes while the backfill runs are captured (keys only, the backfill's
// own writes not) and replayed after the switch to the sync trigger: stop start right after the
// backfill, write as the old application, then resume.
TEST_F(KillDuringStart, WritesDuringTheBackfillAreCapturedAndReplayed) {
  kill_at("switch:users");
  auto old = old_app();
  old.exec("UPDATE users SET name = 'changed' || id WHERE id <= 100");
  old.exec("INSERT INTO users (id, name) VALUES (1001, 'inserted')");
  // The backfilled values of those rows are stale now; only the change log knows them.
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM users WHERE _slipway_new_loud IS DISTINCT FROM upper(name)"), 101);
  EXPECT_EQ(scalar<long long>("SELECT count(DISTINCT id) FROM slipway.capture_public_users"), 101)
      << "the log holds exactly the application's writes, none of the backfill's";

  auto r = slipway({"start", file_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto neu = new_app("01_expand");
  EXPECT_EQ(number(neu, "SELECT count(*) FROM users"), 501);
  EXPECT_EQ(number(neu, "SELECT count(*) FROM users WHERE loud = upper(name)"), 501);
  EXPECT_FALSE(scalar<bool>("SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = '_slipway_capture')"));
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('slipway.capture_public_users') IS NULL"));
  // From the switch on, the sync trigger keeps new writes right.
  old.exec("UPDATE users SET name = 'again' WHERE id = 1");
  EXPECT_EQ(number(neu, "SELECT count(*) FROM users WHERE id = 1 AND loud = 'AGAIN'"), 1);
}

TEST_F(KillDuringStart, RerunningStartResumesFromEveryStep) {
  auto ids = start_step_ids();
  for (size_t i = 0; i < ids.size(); ++i) {
    SCOPED_TRACE("killed before step " + ids[i]);
    kill_at(ids[i]);
    auto status = slipway({"status"});
    EXPECT_NE(status.out.find("stopped at:    step " + std::to_string(i + 1)), std::string::npos) << status.out;
    auto r = slipway({"start", file_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("resuming"), std::string::npos) << r.err;
    auto neu = new_app("01_expand");
    EXPECT_EQ(number(neu, "SELECT count(*) FROM users WHERE loud = upper(name)"), 500);
    if (i + 1 < ids.size()) {
      ASSERT_EQ(slipway({"rollback"}).exit_code, 0);
    }
  }
  expect_expanded_and_complete();
}

TEST_F(KillDuringStart, InvalidIndexLeftoverIsDroppedAndRebuilt) {
  kill_at("create_index:users_name_idx");
  // What an interrupted CREATE INDEX CONCURRENTLY leaves: an invalid index of that name.
  sql("INSERT INTO users VALUES (1000, 'dup'), (1001, 'dup')");
  EXPECT_THROW(sql("CREATE UNIQUE INDEX CONCURRENTLY users_name_idx ON users (name)"), pg::UniqueViolation);
  sql("DELETE FROM users WHERE id >= 1000");
  ASSERT_FALSE(scalar<bool>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_name_idx'::regclass"));
  auto r = slipway({"start", file_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("invalid index"), std::string::npos) << r.err;
  // Rebuilt as planned: valid and not unique.
  EXPECT_TRUE(scalar<bool>("SELECT indisvalid AND NOT indisunique FROM pg_index WHERE indexrelid = 'users_name_idx'::regclass"));
  expect_expanded_and_complete();
}

TEST_F(KillDuringStart, CompleteResumesFromEveryStep) {
  auto ids = step_ids("complete");
  ASSERT_GE(ids.size(), 2u);
  start(file_);
  for (size_t i = 0; i < ids.size(); ++i) {
    SCOPED_TRACE("complete killed before step " + ids[i]);
    kill_at(ids[i], "complete");
    auto status = slipway({"status"});
    EXPECT_NE(status.out.find("phase:         complete, " + std::to_string(i) + " of"), std::string::npos) << status.out;
    // Once a complete step has run, the migration can only be completed.
    if (i > 0) {
      EXPECT_EQ(slipway({"rollback"}).exit_code, 2);
    }
  }
  complete();
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM users WHERE loud = upper(name)"), 500);
  EXPECT_EQ(scalar<std::string>("SELECT status FROM slipway.migrations WHERE name = '01_expand'"), "complete");
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname LIKE '\\_slipway%' AND NOT attisdropped"), 0);
}

}  // namespace
}  // namespace slipway::test
