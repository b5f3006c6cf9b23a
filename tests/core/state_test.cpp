// slipway init / status and the per-database advisory lock.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "pg/conninfo.hpp"
#include "state/session_lock.hpp"
#include "state/store.hpp"
#include "support/pg_test.hpp"
#include "support/slipway_process.hpp"

namespace {

class State : public slipway::test::PgTest {};

TEST_F(State, InitIsIdempotent) {
  auto first = slipway({"init"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("created"), std::string::npos);
  auto dump = schema_dump();
  auto second = slipway({"init"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("up to date"), std::string::npos);
  EXPECT_EQ(dump, schema_dump());
}

// A current state schema is left alone: init takes no lock on its tables (a DBA's open
// transaction reading them made every slipway command queue behind it, with no lock_timeout),
// so a role with only DML grants can run slipway on it. An older one is brought up to date.
TEST_F(State, InitOfACurrentSchemaTakesNoLocksAndAnOlderOneIsUpgraded) {
  ASSERT_EQ(slipway({"init"}).exit_code, 0);
  auto reader = connect();
  pqxx::work tx(reader.raw());
  tx.exec("SELECT count(*) FROM slipway.migrations");  // ACCESS SHARE until commit
  auto c = connect();
  c.exec("SET lock_timeout = '200ms'");
  slipway::state::StateStore store(c, "slipway");
  EXPECT_NO_THROW(store.init());
  tx.commit();

  sql("ALTER TABLE slipway.migrations DROP COLUMN format");
  sql("COMMENT ON SCHEMA slipway IS 'slipway state schema, version 3'");
  store.init();
  EXPECT_TRUE(scalar<bool>("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'slipway.migrations'::regclass "
                           "AND attname = 'format' AND NOT attisdropped)"));
  EXPECT_EQ(scalar<std::string>("SELECT obj_description('slipway'::regnamespace, 'pg_namespace')"),
            slipway::state::state_schema_version());
}

TEST_F(State, CustomStateSchemaFromFlagAndEnvironment) {
  ASSERT_EQ(slipway({"init", "--state-schema", "ops_state"}).exit_code, 0);
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('ops_state.migrations') IS NOT NULL"));
  ASSERT_EQ(slipway({"init"}, {{"SLIPWAY_STATE_SCHEMA", "env_state"}}).exit_code, 0);
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('env_state.migrations') IS NOT NULL"));
  EXPECT_FALSE(scalar<bool>("SELECT to_regclass('slipway.migrations') IS NOT NULL"));
}

TEST_F(State, StatusReportsNotInitializedThenNoMigrations) {
  auto before = slipway({"status", "--json"});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_EQ(nlohmann::json::parse(before.out)["status"], "Not initialized");
  ASSERT_EQ(slipway({"init"}).exit_code, 0);
  auto after = slipway({"status", "--json"});
  auto j = nlohmann::json::parse(after.out);
  EXPECT_EQ(j["status"], "No migrations");  // pgroll's shape: schema, version, status
  EXPECT_EQ(j["version"], "");
  EXPECT_EQ(j["initialized"], true);
  EXPECT_EQ(j["schema"], "public");
}

TEST_F(State, SecondSlipwayGetsExitFourAndChangesNothing) {
  auto holder = connect();
  slipway::state::SessionLock lock(holder, "slipway");
  auto r = slipway({"init"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("another slipway is running"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("pid " + std::to_string(holder.backend_pid())), std::string::npos) << r.err;
  EXPECT_FALSE(scalar<bool>("SELECT to_regclass('slipway.migrations') IS NOT NULL"));
  // A different state schema is a different lock.
  EXPECT_EQ(slipway({"init", "--state-schema", "other"}).exit_code, 0);
}

// A live holder is refused (after the brief wait for a holder that is going away) and named
// from pg_stat_activity: pid, application, address, start, state.
TEST_F(State, ALiveHolderIsNamed) {
  slipway::pg::Connection holder(slipway::pg::with_application_name(url(), "lock-holder-of-this-test"));
  slipway::state::SessionLock lock(holder, "slipway");
  auto r = slipway({"init"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_EQ(r.err.find("unknown"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(pid " + std::to_string(holder.backend_pid()) + ", application 'lock-holder-of-this-test', from "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(", connected since "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(", idle)"), std::string::npos) << r.err;
  EXPECT_LT(r.elapsed, std::chrono::seconds(15)) << "the wait for a holder that is going away is bounded";
}

// kill -9 of a slipway whose session holds the lock while it is inside a statement (a DDL
// waiting for a table lock): the backend holds the session's locks until the statement ends
// (its lock_timeout, 1 s), though no slipway runs any more. A re-run right away waits for that
// backend to go instead of refusing with exit 4, and does its work.
TEST_F(State, ARerunRightAfterAKillWaitsForTheKilledSessionsLock) {
  namespace fs = std::filesystem;
  sql("CREATE TABLE users (id int PRIMARY KEY, name text)");
  ASSERT_EQ(slipway({"init"}).exit_code, 0);
  fs::path dir = fs::temp_directory_path() / ("slipway-state-test-" + std::to_string(getpid()) + "-" + dbname());
  fs::create_directories(dir);
  std::string file = (dir / "01_add_nick.yaml").string();
  std::ofstream(file) << "operations:\n  - add_column:\n      table: users\n      column:\n        name: nick\n"
                         "        type: text\n        nullable: true\n";
  // The application's transaction: ADD COLUMN waits for it, 1 s at a time.
  auto app = connect();
  app.exec("BEGIN");
  app.exec("SELECT * FROM users");
  const std::vector<std::string> command{"--lock-timeout", "1s", "--lock-retries", "100", "--lock-max-wait", "5m",
                                         "start", file};
  const std::map<std::string, std::string> env{{"SLIPWAY_POSTGRES_URL", url()}};
  auto waiting_backend = [&] {
    auto r = sql("SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'advisory' "
                 "AND l.granted WHERE a.datname = current_database() AND a.wait_event_type = 'Lock'");
    return r.empty() ? 0 : r[0][0].as<int>();
  };
  slipway::test::SlipwayProcess first(command, env);
  int pid = 0;
  ASSERT_TRUE(slipway::test::eventually([&] { return first.exited() || (pid = waiting_backend()) != 0; }, std::chrono::seconds(60)))
      << first.output();
  ASSERT_NE(pid, 0) << "slipway ended before it waited for the table's lock\n" << first.output();
  first.kill9();

  slipway::test::SlipwayProcess rerun(command, env);
  // Once the killed session's backend is gone, the application's transaction ends too.
  bool gone = slipway::test::eventually(
      [&] { return scalar<int64_t>("SELECT count(*) FROM pg_stat_activity WHERE pid = " + std::to_string(pid)) == 0; },
      std::chrono::seconds(30));
  app.exec("ROLLBACK");
  ASSERT_TRUE(gone) << "the killed slipway's backend did not end";
  auto r = rerun.wait(std::chrono::seconds(120));
  ASSERT_TRUE(r.has_value()) << rerun.output();
  EXPECT_EQ(r->exit_code, 0) << rerun.output();
  EXPECT_EQ(rerun.err().find("another slipway"), std::string::npos) << rerun.output();
  // Expanded: the new column is there (under its temporary name until `complete`).
  EXPECT_TRUE(scalar<bool>("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'users'::regclass "
                           "AND attname LIKE '%nick' AND NOT attisdropped)"));
  std::error_code ec;
  fs::remove_all(dir, ec);
}

TEST_F(State, LockIsReleasedWhenTheHolderGoesAway) {
  {
    auto holder = connect();
    slipway::state::SessionLock lock(holder, "slipway");
  }
  EXPECT_EQ(slipway({"init"}).exit_code, 0);
}

TEST_F(State, WorksAsTheTableOwnerWithoutSuperuser) {
  std::string role = "owner_" + dbname().substr(dbname().size() - 6);
  sql("CREATE ROLE " + role + " LOGIN NOSUPERUSER");
  sql("GRANT CREATE ON DATABASE \"" + dbname() + "\" TO " + role);
  sql("ALTER SCHEMA public OWNER TO " + role);
  std::string as_owner = url() + " user=" + role;
  auto r = slipway({"init"}, {{"SLIPWAY_POSTGRES_URL", as_owner}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto s = slipway({"status", "--json"}, {{"SLIPWAY_POSTGRES_URL", as_owner}});
  EXPECT_EQ(s.exit_code, 0) << s.err;
  sql("REASSIGN OWNED BY " + role + " TO CURRENT_USER");
  sql("DROP OWNED BY " + role);
  sql("DROP ROLE " + role);
}

TEST_F(State, BadFlagsAreUsageErrors) {
  EXPECT_EQ(slipway({"status", "--lock-timeout", "soon"}).exit_code, 2);
  EXPECT_EQ(slipway({"no-such-command"}).exit_code, 2);
  auto help = slipway({"init", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("state schema"), std::string::npos) << help.out;
  auto version = slipway({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find("slipway "), std::string::npos);
}

}  // namespace
