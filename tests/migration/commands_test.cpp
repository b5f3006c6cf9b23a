// migrate, validate, plan, latest, pull, baseline, status.
#include "migration/ops_test_support.hpp"

namespace slipway::test {
namespace {

namespace fs = std::filesystem;

class Commands : public OpsTest {
 protected:
  std::string dir_with(const std::vector<std::pair<std::string, std::string>>& files) {
    auto d = fs::temp_directory_path() / ("slipway-migrations-" + dbname() + "-" + std::to_string(counter_++));
    fs::create_directories(d);
    for (const auto& [name, text] : files) std::ofstream(d / name) << text;
    dirs_.push_back(d);
    return d.string();
  }
  void TearDown() override {
    for (const auto& d : dirs_) fs::remove_all(d);
    OpsTest::TearDown();
  }
  std::vector<fs::path> dirs_;
  int counter_ = 0;
};

const char* kCreateA = "operations:\n  - create_table:\n      name: a\n      columns: [{name: id, type: int, pk: true}]\n";
const char* kCreateB = R"({"operations": [{"create_table": {"name": "b", "columns": [{"name": "id", "type": "int", "pk": true}]}}]})";
const char* kRenameB = "operations:\n  - rename_table:\n      from: b\n      to: bee\n";

TEST_F(Commands, MigrateAppliesWhatIsMissingInOrderAndStopsAtTheFirstError) {
  auto dir = dir_with({{"01_a.yaml", kCreateA}, {"02_b.json", kCreateB}});
  auto r = slipway({"migrate", dir, "--complete"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM slipway.migrations WHERE status = 'complete'"), 2);
  // Running it again applies nothing.
  r = slipway({"migrate", dir, "--complete"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("nothing to apply"), std::string::npos) << r.out;
  // A new directory state: one good file, one bad, one after it that must not run.
  auto dir2 = dir_with({{"01_a.yaml", kCreateA}, {"02_b.json", kCreateB}, {"03_bee.yaml", kRenameB},
                        {"04_bad.yaml", "operations:\n  - drop_table:\n      name: nope\n"},
                        {"05_c.yaml", "operations:\n  - create_table:\n      name: c\n      columns: [{name: id, type: int}]\n"}});
  r = slipway({"migrate", dir2, "--complete"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("table \"nope\" does not exist"), std::string::npos) << r.err;
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('public.bee') IS NOT NULL"));
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('public.c') IS NULL"));
}

TEST_F(Commands, MigrateWithoutCompleteLeavesTheLastOneActive) {
  auto dir = dir_with({{"01_a.yaml", kCreateA}, {"02_b.json", kCreateB}});
  ASSERT_EQ(slipway({"migrate", dir}).exit_code, 0);
  EXPECT_EQ(scalar<std::string>("SELECT name FROM slipway.migrations WHERE status = 'active'"), "02_b");
  EXPECT_EQ(scalar<std::string>("SELECT status FROM slipway.migrations WHERE name = '01_a'"), "complete");
}

TEST_F(Commands, LatestSchemaMigrationAndUrl) {
  auto dir = dir_with({{"01_a.yaml", kCreateA}});
  ASSERT_EQ(slipway({"migrate", dir, "--complete"}).exit_code, 0);
  auto r = slipway({"latest", "schema"});
  EXPECT_EQ(r.out, "public_01_a\n");
  EXPECT_EQ(slipway({"latest", "migration"}).out, "01_a\n");
  auto url = slipway({"latest", "url"}).out;
  url.pop_back();
  EXPECT_NE(url.find("options='-csearch_path=public_01_a'"), std::string::npos) << url;
  // The URL works and lands in the version schema.
  pg::Connection c(url);
  EXPECT_EQ(c.query_value<std::string>("SELECT (current_schemas(false))[1]"), "public_01_a");
}

TEST_F(Commands, PullWritesTheHistoryBackInItsFormat) {
  auto dir = dir_with({{"01_a.yaml", kCreateA}, {"02_b.json", kCreateB}});
  ASSERT_EQ(slipway({"migrate", dir, "--complete"}).exit_code, 0);
  auto out = fs::temp_directory_path() / ("slipway-pull-" + dbname());
  dirs_.push_back(out);
  auto r = slipway({"pull", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(fs::exists(out / "01_a.yaml"));
  ASSERT_TRUE(fs::exists(out / "02_b.json"));
  // The pulled files are migrations that validate against a database without them.
  sql("DROP SCHEMA public_02_b CASCADE");
  sql("DROP TABLE a, b");
  sql("DELETE FROM slipway.migrations");
  auto again = slipway({"migrate", out.string(), "--complete"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('public.b') IS NOT NULL"));
}

// The commands and flags a pgroll user types (pgroll's cmd/): status --json in its shape,
// pull --json, latest --local and latest url BASE-URL, migrate --expect-one, PGROLL_PG_URL.
TEST_F(Commands, PgrollsCommandLineWorks) {
  auto dir = dir_with({{"01_a.yaml", kCreateA}, {"02_b.json", kCreateB}});
  // --expect-one refuses two pending migrations before any change.
  auto one = slipway({"migrate", dir, "--expect-one"});
  EXPECT_EQ(one.exit_code, 2) << one.err;
  EXPECT_NE(one.err.find("expected one migration to apply but 2 are pending"), std::string::npos) << one.err;
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('public.a') IS NULL"));
  // From the files alone, no database: the version the directory ends at.
  auto local = slipway({"latest", "schema", "--local", dir}, {{"SLIPWAY_POSTGRES_URL", "postgresql://nobody@/x?host=/nonexistent"}});
  EXPECT_EQ(local.out, "public_02_b\n") << local.err;
  EXPECT_EQ(slipway({"latest", "migration", "-l", dir}).out, "02_b\n");

  ASSERT_EQ(slipway({"migrate", dir, "--complete"}).exit_code, 0);
  auto st = nlohmann::json::parse(slipway({"status", "--json"}).out);
  EXPECT_EQ(st["schema"], "public");
  EXPECT_EQ(st["version"], "02_b");
  EXPECT_EQ(st["status"], "Complete");

  // latest url extends the connection string it is given; piped (not a terminal) it is whole.
  const bool is_url = url().rfind("postgres", 0) == 0;
  auto with_password = is_url ? url() + (url().find('?') == std::string::npos ? "?" : "&") + "password=s3cret"
                              : url() + " password=s3cret";
  auto u = slipway({"latest", "url", with_password}).out;
  EXPECT_NE(u.find(is_url ? "password=s3cret" : "password='s3cret'"), std::string::npos) << u;
  EXPECT_NE(u.find(is_url ? "search_path%3Dpublic_02_b" : "-csearch_path=public_02_b"), std::string::npos) << u;
  auto masked = slipway({"latest", "url", with_password, "--mask-password"}).out;
  EXPECT_EQ(masked.find("s3cret"), std::string::npos) << masked;

  // PGROLL_PG_URL is read when slipway's own variable and flag are absent.
  auto env = slipway({"latest", "migration"}, {{"SLIPWAY_POSTGRES_URL", ""}, {"PGROLL_PG_URL", url()}});
  EXPECT_EQ(env.out, "02_b\n") << env.err;

  // pull --json writes every migration as JSON (pgroll's pull -j), the YAML one too.
  auto out = fs::temp_directory_path() / ("slipway-pulljson-" + dbname());
  dirs_.push_back(out);
  ASSERT_EQ(slipway({"pull", out.string(), "--json"}).exit_code, 0);
  EXPECT_TRUE(fs::exists(out / "01_a.json"));
  EXPECT_FALSE(fs::exists(out / "01_a.yaml"));
  std::ifstream pulled(out / "01_a.json");
  EXPECT_TRUE(nlohmann::json::parse(pulled).contains("operations"));
}

// pgroll's `baseline VERSION DIR`: the history starts at VERSION, DIR holds its file, and
// `migrate DIR` applies what comes after it.
TEST_F(Commands, BaselineVersionDirWritesTheFileMigrateStartsAfter) {
  sql("CREATE TABLE legacy (id int PRIMARY KEY)");
  auto dir = dir_with({});
  auto r = slipway({"baseline", "01_initial", dir});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(fs::path(dir) / "01_initial.yaml"));
  EXPECT_EQ(scalar<std::string>("SELECT status FROM slipway.migrations WHERE name = '01_initial'"), "baseline");
  std::ofstream(fs::path(dir) / "02_a.yaml") << kCreateA;
  auto m = slipway({"migrate", dir, "--complete"});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('public.a') IS NOT NULL"));
  EXPECT_EQ(slipway({"latest", "migration"}).out, "02_a\n");
  // Over a history, a baseline restarts it (pgroll's prompt): refused without --yes, nothing
  // recorded or written.
  auto again = slipway({"baseline", "03_again", dir});
  EXPECT_EQ(again.exit_code, 2) << again.err;
  EXPECT_NE(again.err.find("--yes"), std::string::npos) << again.err;
  EXPECT_FALSE(fs::exists(fs::path(dir) / "03_again.yaml"));
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM slipway.migrations WHERE name = '03_again'"), 0);
}

// `baseline VERSION DIR --yes` over a history restarts it at VERSION: the files up to it count
// as applied (by position when its file is there, by name when not), and the next migration's
// complete drops the version schema from before the baseline.
TEST_F(Commands, BaselineRestartsAnExistingHistory) {
  auto dir = dir_with({{"01_a.yaml", kCreateA}});
  ASSERT_EQ(slipway({"migrate", dir, "--complete"}).exit_code, 0);
  sql("CREATE TABLE made_by_hand (id int PRIMARY KEY)");  // changed outside any migration
  auto r = slipway({"baseline", "02_restart", dir, "--yes"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(fs::path(dir) / "02_restart.yaml"));
  EXPECT_EQ(scalar<std::string>("SELECT parent FROM slipway.migrations WHERE name = '02_restart'"), "01_a");
  EXPECT_EQ(slipway({"latest", "schema"}).out, "public\n");
  // The name of an applied migration cannot be a baseline's.
  EXPECT_EQ(slipway({"baseline", "01_a", dir_with({}), "--yes"}).exit_code, 2);

  // A directory without the baseline's file: 01_x sorts before the baseline (applied by it),
  // 03_b after.
  auto other = dir_with({{"01_x.yaml", "operations:\n  - drop_table:\n      name: nope\n"}, {"03_b.json", kCreateB}});
  auto m = slipway({"migrate", other, "--complete"});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('public.b') IS NOT NULL"));
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM slipway.migrations WHERE name = '01_x'"), 0);
  EXPECT_EQ(scalar<std::string>("SELECT parent FROM slipway.migrations WHERE name = '03_b'"), "02_restart");
  // 01_a's views were the previous version until 03_b completed.
  EXPECT_FALSE(scalar<bool>("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public_01_a')"));
  EXPECT_TRUE(scalar<bool>("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public_03_b')"));

  // The directory with the baseline's file: the files up to it are not applied again.
  fs::path d(dir);
  std::ofstream(d / "03_b.json") << kCreateB;
  std::ofstream(d / "04_c.yaml") << "operations:\n  - create_table:\n      name: c\n      columns: [{name: id, type: int, pk: true}]\n";
  m = slipway({"migrate", dir, "--complete"});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('public.c') IS NOT NULL"));
  EXPECT_EQ(slipway({"latest", "migration"}).out, "04_c\n");
}

// pgroll's --use-version-schema=false: no schema of views at start, none refreshed at
// complete, none dropped at rollback (a schema of that name is not the migration's); the sync
// triggers still keep both shapes right.
TEST_F(Commands, WithoutVersionSchemasAMigrationStillExpandsAndContracts) {
  sql("CREATE TABLE users (id int PRIMARY KEY, name text)");
  sql("INSERT INTO users SELECT g, 'n' || g FROM generate_series(1, 50) g");
  ASSERT_EQ(slipway({"start", migration_file("01_base", kCreateA), "--complete"}).exit_code, 0);
  sql("CREATE SCHEMA public_02_up");  // someone else's schema with the version's name
  sql("CREATE TABLE public_02_up.keep (id int)");
  auto f = migration_file("02_up", "operations:\n  - alter_column:\n      table: users\n      column: name\n"
                                   "      type: varchar(40)\n      up: upper(name)\n      down: lower(name)\n");
  auto plan = slipway({"--use-version-schema=false", "plan", f});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("-> no version schema"), std::string::npos) << plan.out;
  EXPECT_EQ(plan.out.find("create the version schema"), std::string::npos) << plan.out;
  EXPECT_EQ(slipway({"validate", f}).exit_code, 2) << "with version schemas, the name is taken";

  auto r = slipway({"--use-version-schema=false", "start", f});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto st = nlohmann::json::parse(slipway({"status", "--json"}).out);
  EXPECT_TRUE(st["active"]["version_schema"].is_null()) << st.dump();
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM users WHERE _slipway_new_name IS DISTINCT FROM upper(name)"), 0);
  // An old-shape write reaches the new column; no view appeared in the other schema.
  sql("INSERT INTO users (id, name) VALUES (100, 'old')");
  EXPECT_EQ(scalar<std::string>("SELECT _slipway_new_name FROM users WHERE id = 100"), "OLD");
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM pg_class WHERE relnamespace = 'public_02_up'::regnamespace"), 1);
  // The previous version's views stay while the old application may read them.
  EXPECT_TRUE(scalar<bool>("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public_01_base')"));

  ASSERT_EQ(slipway({"rollback"}).exit_code, 0);
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('public_02_up.keep') IS NOT NULL")) << "not the migration's to drop";
  ASSERT_EQ(slipway({"--use-version-schema=false", "start", f}).exit_code, 0);
  r = slipway({"complete"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(scalar<std::string>("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                                "WHERE attrelid = 'users'::regclass AND attname = 'name'"),
            "character varying(40)");
  EXPECT_EQ(scalar<std::string>("SELECT name FROM users WHERE id = 100"), "OLD");
  EXPECT_FALSE(scalar<bool>("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public_01_base')"));
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('public_02_up.keep') IS NOT NULL"));
  // The latest version is the application's schema itself.
  EXPECT_EQ(slipway({"latest", "schema"}).out, "public\n");
  EXPECT_EQ(slipway({"--use-version-schema=false", "latest", "schema", "--local", fs::path(f).parent_path().string()}).out,
            "public\n");
  sql("DROP SCHEMA public_02_up CASCADE");
}

// start --skip-validation: the checks that ask the database are skipped (here a function made
// by dynamic SQL, which no parse of the script can see, so validate refuses the default that
// calls it); the checks of tables and columns, which the plan is made from, stay.
TEST_F(Commands, SkipValidationSkipsTheDatabaseChecksOnly) {
  sql("CREATE TABLE users (id int PRIMARY KEY)");
  auto f = migration_file("01_dyn",
                          "operations:\n"
                          "  - sql:\n"
                          "      up: DO $$ BEGIN EXECUTE 'CREATE FUNCTION pick() RETURNS int LANGUAGE sql AS ''SELECT 7'''; END $$\n"
                          "      down: DROP FUNCTION pick()\n"
                          "  - add_column:\n"
                          "      table: users\n"
                          "      column: {name: n, type: int, nullable: true, default: pick()}\n");
  auto v = slipway({"validate", f});
  EXPECT_EQ(v.exit_code, 2) << v.err;
  EXPECT_NE(v.err.find("pick()"), std::string::npos) << v.err;
  auto r = slipway({"start", "--skip-validation", f, "--complete"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("--skip-validation"), std::string::npos) << r.err;
  sql("INSERT INTO users (id) VALUES (1)");
  EXPECT_EQ(scalar<int>("SELECT n FROM users WHERE id = 1"), 7);

  auto missing = migration_file("02_missing", "operations:\n  - drop_column:\n      table: nope\n      column: x\n");
  auto before = schema_dump();
  auto m = slipway({"start", "-s", missing});
  EXPECT_EQ(m.exit_code, 2) << m.err;
  EXPECT_NE(m.err.find("table nope does not exist"), std::string::npos) << m.err;
  EXPECT_EQ(schema_dump(), before);
}

// pgroll's `update` (older file formats rewritten, each checked before it replaces the file)
// and `create` (a template to edit). Neither needs a database.
TEST_F(Commands, UpdateRewritesOldFormatsAndCreateWritesATemplate) {
  sql("CREATE TABLE users (id int PRIMARY KEY, name text, email text)");
  auto dir = dir_with({{"01_list.yaml", "operations:\n  - create_index:\n      name: i1\n      table: users\n      columns: [name, email]\n"},
                       {"02_map.json", R"({"operations": [{"create_index": {"name": "i2", "table": "users", "columns": {"email": {"sort": "DESC"}}}}]})"},
                       {"03_current.yaml", kCreateA}});
  auto before = slipway({"validate", (fs::path(dir) / "01_list.yaml").string()});
  EXPECT_EQ(before.exit_code, 2) << "the old format is not read as it is";
  auto r = slipway({"update", dir}, {{"SLIPWAY_POSTGRES_URL", "postgresql://nobody@/x?host=/nonexistent"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("updated"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("03_current"), std::string::npos) << "current files are left alone";
  for (auto f : {"01_list.yaml", "02_map.json"}) {
    auto v = slipway({"validate", (fs::path(dir) / f).string()});
    EXPECT_EQ(v.exit_code, 0) << f << ": " << v.err;
  }
  std::ifstream map_file(fs::path(dir) / "02_map.json");
  auto map = nlohmann::json::parse(map_file);
  EXPECT_EQ(map["operations"][0]["create_index"]["columns"], nlohmann::json::parse(R"([{"column": "email", "sort": "DESC"}])"));

  auto made = slipway({"create", "--name", "04_next", "--dir", dir});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_TRUE(fs::exists(fs::path(dir) / "04_next.yaml"));
  EXPECT_EQ(slipway({"create", "--name", "04_next", "--dir", dir}).exit_code, 2);  // never overwritten
  ASSERT_EQ(slipway({"create", "-n", "05_empty", "--dir", dir, "--json"}).exit_code, 0);
  std::ifstream empty(fs::path(dir) / "05_empty.json");
  EXPECT_EQ(nlohmann::json::parse(empty)["operations"], nlohmann::json::array());
}

// pgroll's --role: every statement runs as the application's role, so what the migration
// creates is the application's (it can alter and drop it later without a superuser).
TEST_F(Commands, RoleRunsTheMigrationAsThatRole) {
  const std::string role = "app owner " + dbname().substr(dbname().size() - 6);
  sql("CREATE ROLE " + pg::quote_ident(role));
  sql("GRANT CREATE ON DATABASE " + pg::quote_ident(dbname()) + " TO " + pg::quote_ident(role));
  sql("GRANT CREATE, USAGE ON SCHEMA public TO " + pg::quote_ident(role));
  auto f = migration_file("01_owned", kCreateA);
  auto r = slipway({"--role", role, "start", f, "--complete"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(scalar<std::string>("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'public.a'::regclass"), role);
  auto missing = slipway({"--role", "no_such_role_x", "status"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("no_such_role_x"), std::string::npos) << missing.err;
  sql("DROP SCHEMA IF EXISTS public_01_owned CASCADE");
  sql("DROP TABLE a");
  sql("DROP SCHEMA slipway CASCADE");
  sql("REVOKE ALL ON SCHEMA public FROM " + pg::quote_ident(role));
  sql("REVOKE ALL ON DATABASE " + pg::quote_ident(dbname()) + " FROM " + pg::quote_ident(role));
  sql("DROP ROLE " + pg::quote_ident(role));
}

TEST_F(Commands, PlanIsARunbookAndChangesNothing) {
  sql("CREATE TABLE users (id int PRIMARY KEY, name text)");
  auto f = migration_file("01_idx", "operations:\n  - create_index:\n      name: users_name_idx\n      table: users\n      columns: [{column: name}]\n  - rename_table:\n      from: users\n      to: people\n");
  auto before = schema_dump();
  auto r = slipway({"plan", f});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("lock:     SHARE UPDATE EXCLUSIVE on users (blocks nothing), outside a transaction"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("lock:     ACCESS EXCLUSIVE on users (blocks reads and writes)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("undo:     ALTER TABLE \"public\".\"people\" RENAME TO \"users\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("verify:"), std::string::npos);
  auto j = nlohmann::json::parse(slipway({"plan", "--json", f}).out);
  EXPECT_EQ(j["start"][0]["lock"], "SHARE UPDATE EXCLUSIVE");
  EXPECT_EQ(j["start"][0]["scans"], true);
  EXPECT_EQ(schema_dump(), before);
}

TEST_F(Commands, StartRecordsABaselineOnAnExistingSchemaAndSaysSo) {
  sql("CREATE TABLE legacy (id int PRIMARY KEY)");
  auto f = migration_file("01_more", kCreateA);
  auto r = slipway({"start", f});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("recorded its 1 existing tables as baseline"), std::string::npos) << r.err;
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM slipway.migrations WHERE status = 'baseline'"), 1);
  EXPECT_EQ(scalar<std::string>("SELECT parent FROM slipway.migrations WHERE name = '01_more'"), "00000_baseline");
  // An explicit baseline is refused once there is history.
  EXPECT_EQ(slipway({"baseline"}).exit_code, 2);
}

TEST_F(Commands, StatusShowsTheActiveMigration) {
  auto f = migration_file("01_a", kCreateA);
  ASSERT_EQ(slipway({"start", f}).exit_code, 0);
  auto r = slipway({"status"});
  EXPECT_NE(r.out.find("active:        01_a"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("phase:         start, 2 of 2 steps done"), std::string::npos) << r.out;
  auto j = nlohmann::json::parse(slipway({"--json", "status"}).out);
  EXPECT_EQ(j["active"]["position"]["steps"], 2);
}

}  // namespace
}  // namespace slipway::test
