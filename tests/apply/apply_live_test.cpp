// `slipway apply` against a real PostgreSQL: each rewrite runs and leaves the schema psql would
// have left, the application keeps writing while slipway waits, a failing statement names its
// file and line and leaves its unit undone, kill -9 mid-file resumes without applying anything
// twice, and the dry run changes nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/pg_test.hpp"
#include "support/slipway_process.hpp"

namespace slipway::test {
namespace {

namespace fs = std::filesystem;

class Apply : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    dir_ = fs::temp_directory_path() / ("slipway-apply-" + dbname());
    fs::create_directories(dir_);
    sql("CREATE TABLE users (id bigint PRIMARY KEY, email text, name text, n int NOT NULL DEFAULT 0)");
    sql("INSERT INTO users SELECT g, 'u' || g || '@x', 'name ' || g, 0 FROM generate_series(1, 2000) g");
    sql("CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, qty int)");
    sql("INSERT INTO orders SELECT g, 1 + g % 2000, g % 7 FROM generate_series(1, 2000) g");
  }
  void TearDown() override {
    fs::remove_all(dir_);
    PgTest::TearDown();
  }
  std::string write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  std::map<std::string, std::string> env() const { return {{"SLIPWAY_POSTGRES_URL", url()}}; }
  CommandResult apply(std::vector<std::string> args) {
    args.insert(args.begin(), "apply");
    return slipway(args, env());
  }
  nlohmann::json plan_json(const std::string& file) {
    auto r = apply({file, "--layout", "plain", "--dry-run", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }

  fs::path dir_;
};

TEST_F(Apply, EachRewriteRunsAndLeavesTheIntendedSchema) {
  sql("CREATE INDEX users_name_old ON users (name)");
  std::string f = write("0001_all.sql",
                        "CREATE INDEX users_email_idx ON users (email);\n"
                        "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n"
                        "ALTER TABLE users ADD CONSTRAINT users_n_check CHECK (n >= 0);\n"
                        "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"
                        "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\n"
                        "ALTER TABLE users ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();\n"
                        "UPDATE users SET n = n + 1;\n"
                        "ALTER TABLE orders ALTER COLUMN qty TYPE bigint;\n"
                        "DROP INDEX users_name_old;\n");
  auto plan = plan_json(f);
  auto& st = plan["scripts"][0]["statements"];
  ASSERT_EQ(st.size(), 9u);
  for (auto& s : st) EXPECT_TRUE(s.contains("rewrite")) << s.dump();
  EXPECT_EQ(st[0]["steps"][0]["lock"], "SHARE UPDATE EXCLUSIVE");
  EXPECT_EQ(st[1]["steps"][1]["lock"], "SHARE UPDATE EXCLUSIVE");  // the VALIDATE
  EXPECT_EQ(st[6]["steps"][0]["kind"], "batched_update");
  EXPECT_EQ(st[7]["steps"][0]["kind"], "online_rewrite");

  auto r = apply({f, "--layout", "plain"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(scalar<bool>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass"), true);
  EXPECT_EQ(scalar<bool>("SELECT to_regclass('users_name_old') IS NULL"), true);
  EXPECT_EQ(scalar<bool>("SELECT convalidated FROM pg_constraint WHERE conname = 'orders_user_fk'"), true);
  EXPECT_EQ(scalar<bool>("SELECT convalidated FROM pg_constraint WHERE conname = 'users_n_check'"), true);
  EXPECT_EQ(scalar<bool>("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'email'"),
            true);
  EXPECT_EQ(scalar<int>("SELECT count(*) FROM pg_constraint WHERE conname LIKE '%not_null'"), 0);  // helper checks gone
  EXPECT_EQ(scalar<std::string>("SELECT contype::text FROM pg_constraint WHERE conname = 'users_email_key'"), "u");
  EXPECT_EQ(scalar<int>("SELECT count(*) FROM users WHERE token IS NULL"), 0);
  EXPECT_EQ(scalar<int>("SELECT count(DISTINCT token) FROM users"), 2000);
  EXPECT_EQ(scalar<bool>("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'token'"),
            true);
  EXPECT_EQ(scalar<int>("SELECT count(*) FROM users WHERE n <> 1"), 0);  // each row updated exactly once
  EXPECT_EQ(scalar<std::string>("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                                "WHERE attrelid = 'orders'::regclass AND attname = 'qty'"),
            "bigint");
  EXPECT_EQ(scalar<bool>("SELECT convalidated FROM pg_constraint WHERE conname = 'orders_user_fk'"), true);
  EXPECT_EQ(scalar<int>("SELECT count(*) FROM orders"), 2000);
  EXPECT_EQ(scalar<int>("SELECT count(*) FROM pg_index WHERE NOT indisvalid"), 0);
  // Recorded: a second run has nothing to do.
  auto again = apply({f, "--layout", "plain"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("nothing to apply"), std::string::npos) << again.out;
}

TEST_F(Apply, WritersGoOnWhileTheConcurrentIndexBuildWaits) {
  // An open write transaction: a plain CREATE INDEX would queue for SHARE behind it, and every
  // writer after it would queue behind CREATE INDEX. CONCURRENTLY takes SHARE UPDATE EXCLUSIVE
  // at once and waits for the old transaction without blocking anyone.
  std::string f = write("0001_idx.sql", "CREATE INDEX users_name_idx ON users (name);\n");
  auto holder = connect();
  pqxx::work open_tx(holder.raw());
  open_tx.exec("INSERT INTO users (id, email, name) VALUES (100001, 'a', 'b')");
  SlipwayProcess run({"apply", f, "--layout", "plain"}, env());
  ASSERT_TRUE(eventually([&] {
    return scalar<int>("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                       "query LIKE 'CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'") == 1;
  })) << run.output();
  // Another writer, with a lock_timeout far below the wait: not queued behind the build.
  auto writer = connect();
  writer.exec("SET lock_timeout = '200ms'");
  EXPECT_NO_THROW(writer.exec("INSERT INTO users (id, email, name) VALUES (100002, 'c', 'd')"));
  open_tx.commit();
  auto r = run.wait();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(scalar<bool>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_name_idx'::regclass"), true);
}

TEST_F(Apply, ASqlErrorNamesFileAndLineAndLeavesTheTransactionalScriptUndone) {
  std::string f = write("0001_bad.sql",
                        "ALTER TABLE users ADD COLUMN a int;\n\n"
                        "ALTER TABLE users ADD COLUMN b int REFERENCES nowhere (id);\n");
  auto r = apply({f, "--layout", "plain"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("0001_bad.sql:3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nowhere"), std::string::npos) << r.err;
  EXPECT_EQ(scalar<bool>("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'a')"),
            false);
  EXPECT_EQ(scalar<int>("SELECT count(*) FROM slipway.apply_history"), 0);
  EXPECT_EQ(scalar<std::string>("SELECT status FROM slipway.apply_progress"), "failed");
  // Fixed, it runs from the start (nothing of it had committed).
  write("0001_bad.sql", "ALTER TABLE users ADD COLUMN a int;\n\nALTER TABLE users ADD COLUMN b int;\n");
  auto fixed = apply({f, "--layout", "plain"});
  ASSERT_EQ(fixed.exit_code, 0) << fixed.err;
  EXPECT_EQ(scalar<int>("SELECT count(*) FROM slipway.apply_history"), 1);
  EXPECT_EQ(scalar<int>("SELECT count(*) FROM slipway.apply_progress"), 0);
}

TEST_F(Apply, KilledMidFileResumesWithoutApplyingAnythingTwice) {
  sql("CREATE TABLE audit (note text)");
  std::string f = write("0001_multi.sql",
                        "INSERT INTO audit VALUES ('first');\n"
                        "CREATE INDEX users_name_idx ON users (name);\n"
                        "INSERT INTO audit VALUES ('second');\n"
                        "UPDATE users SET n = n + 1;\n"
                        "INSERT INTO audit VALUES ('third');\n");
  // Units: [INSERT first] [CIC] [INSERT second] [batched UPDATE] [INSERT third]. Killed once the
  // batched UPDATE is marked started, then again before the last unit.
  {
    SlipwayProcess run({"apply", f, "--layout", "plain"},
                       {{"SLIPWAY_POSTGRES_URL", url()}, {"SLIPWAY_TEST_PAUSE_AT", "apply:0001_multi.sql:3:started"}});
    ASSERT_TRUE(run.wait_paused("apply:0001_multi.sql:3:started")) << run.output();
    run.kill9();
  }
  EXPECT_EQ(scalar<int>("SELECT count(*) FROM audit"), 2);
  EXPECT_EQ(scalar<int>("SELECT units_done FROM slipway.apply_progress"), 3);
  {
    SlipwayProcess run({"apply", f, "--layout", "plain"},
                       {{"SLIPWAY_POSTGRES_URL", url()}, {"SLIPWAY_TEST_PAUSE_AT", "apply:0001_multi.sql:4"}});
    ASSERT_TRUE(run.wait_paused("apply:0001_multi.sql:4")) << run.output();
    run.kill9();
  }
  auto r = apply({f, "--layout", "plain"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(scalar<int>("SELECT count(*) FROM audit"), 3);
  EXPECT_EQ(scalar<int>("SELECT count(*) FROM audit WHERE note = 'first'"), 1);
  EXPECT_EQ(scalar<int>("SELECT count(*) FROM users WHERE n <> 1"), 0);
  EXPECT_EQ(scalar<int>("SELECT count(*) FROM slipway.apply_history"), 1);
}

TEST_F(Apply, DryRunChangesNothing) {
  std::string before = schema_dump();
  std::string f = write("0001_idx.sql", "CREATE INDEX users_name_idx ON users (name);\n");
  auto r = apply({f, "--layout", "plain", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("CREATE INDEX CONCURRENTLY users_name_idx"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SHARE UPDATE EXCLUSIVE"), std::string::npos) << r.out;
  EXPECT_EQ(schema_dump(), before);
}

TEST_F(Apply, StrictRefusesAHazardWithNoSafeFormBeforeAnyChange) {
  std::string before = schema_dump();
  std::string f = write("0001_x.sql", "CREATE INDEX users_name_idx ON users (name);\n"
                                      "ALTER TABLE users ADD COLUMN a int, ADD CONSTRAINT c CHECK (n > -1);\n");
  auto r = apply({f, "--layout", "plain", "--strict"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("0001_x.sql:2"), std::string::npos) << r.err;
  EXPECT_EQ(schema_dump(), before);
}

TEST_F(Apply, NoRewriteRunsTheStatementAsWritten) {
  std::string f = write("0001_fk.sql",
                        "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n");
  auto r = apply({f, "--layout", "plain", "--no-rewrite", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  auto& steps = j["scripts"][0]["statements"][0]["steps"];
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0]["sql"], "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)");
  EXPECT_EQ(scalar<bool>("SELECT convalidated FROM pg_constraint WHERE conname = 'orders_user_fk'"), true);
}

}  // namespace
}  // namespace slipway::test
