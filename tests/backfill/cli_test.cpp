// `slipway backfill` end to end: kill -9 and resume, progress output, --status, bad input.
#include <nlohmann/json.hpp>
#include <sstream>

#include "backfill/fixture.hpp"
#include "support/slipway_process.hpp"

namespace slipway::test {
namespace {

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

class BackfillCliTest : public BackfillTest {};

TEST_F(BackfillCliTest, KillNineThenRerunResumesFromTheCheckpoint) {
  make_people(4000);
  std::vector<std::string> args{"backfill", "--table", "people", "--set",
                                "full_name = first || ' ' || last, hits = hits + 1",
                                "--batch-size", "100", "--max-rate", "4000", "--progress", "none"};
  {
    SlipwayProcess bg(args, {{"SLIPWAY_POSTGRES_URL", url()}});
    ASSERT_TRUE(eventually([&] {
      return checkpointed_rows() >= 1000;
    }));
    bg.kill9();
    ASSERT_TRUE(bg.signaled());
  }
  int64_t done_before = scalar<int64_t>("SELECT sum(rows_done) FROM slipway.backfill_ranges");
  ASSERT_LT(done_before, 4000);
  // Committed batches and checkpoints agree exactly.
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE hits = 1"), done_before);

  auto st = slipway({"--json", "backfill", "--status"});
  ASSERT_EQ(st.exit_code, 0) << st.err;
  auto jobs = nlohmann::json::parse(st.out);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0]["status"], "interrupted");
  EXPECT_EQ(jobs[0]["rows_done"], done_before);

  args[args.size() - 3] = "100000";  // no rate limit for the rest
  auto r = slipway(args);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("resumed from checkpoint"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(std::to_string(4000 - done_before) + " rows"), std::string::npos) << r.out;
  EXPECT_EQ(wrong_rows(), 0);
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE hits <> 1"), 0);

  auto text = slipway({"backfill", "--status"});
  EXPECT_NE(text.out.find("complete"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("4000/4000 "), std::string::npos) << text.out;  // exact once complete
}

TEST_F(BackfillCliTest, PlainProgressLines) {
  make_people(2000);
  auto r = slipway({"backfill", "--table", "people", "--set", "full_name = first || ' ' || last", "--batch-size",
                    "100", "--max-rate", "3000", "--progress", "lines", "--progress-interval", "100ms"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.err);
  std::string line;
  int lines = 0;
  std::string last;
  while (std::getline(in, line)) {
    if (line.rfind("backfill public.people: ", 0) == 0) {
      ++lines;
      last = line;
      EXPECT_NE(line.find("rows/s"), std::string::npos) << line;
    }
  }
  EXPECT_GE(lines, 3) << r.err;
  EXPECT_NE(last.find("100.0% 2,000/2,000 rows"), std::string::npos) << last;
  EXPECT_NE(last.find("done in"), std::string::npos) << last;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << "no bar when not a terminal";
  EXPECT_EQ(wrong_rows(), 0);
}

TEST_F(BackfillCliTest, JsonProgressEvents) {
  make_people(2000);
  auto r = slipway({"--json", "backfill", "--table", "people", "--set", "full_name = first || ' ' || last",
                    "--batch-size", "100", "--max-rate", "3000", "--progress-interval", "100ms"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto events = json_lines(r.out);
  ASSERT_GE(events.size(), 4u) << r.out;
  int64_t prev = -1;
  int progress = 0;
  for (const auto& e : events) {
    if (e["event"] == "progress") {
      ++progress;
      EXPECT_GE(e["rows_done"].get<int64_t>(), prev);
      prev = e["rows_done"];
      EXPECT_EQ(e["rows_estimate"], 2000);
      EXPECT_TRUE(e.contains("rows_per_second") && e.contains("eta_seconds") && e.contains("batch_size"));
    }
  }
  EXPECT_GE(progress, 2);
  const auto& done = events[events.size() - 2];
  EXPECT_EQ(done["event"], "done");
  EXPECT_EQ(done["rows_done"], 2000);
  EXPECT_EQ(done["finished"], true);
  const auto& result = events.back();
  EXPECT_EQ(result["event"], "result");
  EXPECT_EQ(result["complete"], true);
  EXPECT_EQ(result["rows_updated"], 2000);
}

// A new job on an empty table says so; run again, the job is the one already complete.
TEST_F(BackfillCliTest, AnEmptyTableIsNothingToDoNotAResumedJob) {
  sql("CREATE TABLE nobody (id int PRIMARY KEY, w text)");
  auto r = slipway({"backfill", "--table", "nobody", "--set", "w = 'x'", "--progress", "none"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("the table has no rows, nothing to do"), std::string::npos) << r.out;
  auto again = slipway({"backfill", "--table", "nobody", "--set", "w = 'x'", "--progress", "none"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("is already complete (0 rows)"), std::string::npos) << again.out;
}

TEST_F(BackfillCliTest, BadInputExitsTwoAndChangesNothing) {
  make_people(100);
  auto r = slipway({"backfill", "--table", "people", "--set", "full_name = nope"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("not valid SQL"), std::string::npos) << r.err;
  auto r2 = slipway({"backfill", "--table", "missing", "--set", "a = 1"});
  EXPECT_EQ(r2.exit_code, 2) << r2.err;
  EXPECT_NE(r2.err.find("does not exist"), std::string::npos) << r2.err;
  auto r3 = slipway({"backfill", "--set", "a = 1"});
  EXPECT_EQ(r3.exit_code, 2) << r3.err;
  auto r4 = slipway({"backfill", "--table", "people", "--set", "full_name = 'x'", "--batch-time", "soon"});
  EXPECT_EQ(r4.exit_code, 2) << r4.err;
  auto r5 = slipway({"backfill", "--table", "people", "--set", "full_name = 'x'", "--throttle-query", "SELECT nope"});
  EXPECT_EQ(r5.exit_code, 2) << r5.err;
  EXPECT_NE(r5.err.find("throttle check fails"), std::string::npos) << r5.err;
  // A signal query must return one value of the right kind: an integer is not a boolean, and an
  // interval would otherwise read as 0 seconds of lag.
  auto r7 = slipway({"backfill", "--table", "people", "--set", "full_name = 'x'", "--throttle-query", "SELECT 1"});
  EXPECT_EQ(r7.exit_code, 2) << r7.err;
  EXPECT_NE(r7.err.find("must return a boolean (true: pause), not integer"), std::string::npos) << r7.err;
  auto r8 = slipway({"backfill", "--table", "people", "--set", "full_name = 'x'", "--throttle-query",
                     "SELECT true FROM generate_series(1, 2)"});
  EXPECT_EQ(r8.exit_code, 2) << r8.err;
  EXPECT_NE(r8.err.find("returned 2 rows"), std::string::npos) << r8.err;
  auto r9 = slipway({"backfill", "--table", "people", "--set", "full_name = 'x'", "--max-lag", "2s", "--lag-query",
                     "SELECT interval '5 seconds'"});
  EXPECT_EQ(r9.exit_code, 2) << r9.err;
  EXPECT_NE(r9.err.find("not a number of seconds"), std::string::npos) << r9.err;
  // Out-of-range numbers are refused, not read as "unset" (a pinned batch size of 0 ran
  // adaptive batches).
  for (const std::vector<std::string>& flag : std::vector<std::vector<std::string>>{
           {"--batch-size", "0"}, {"--batch-size", "-5"}, {"--workers", "0"}, {"--max-rate", "-1"},
           {"--vacuum-every", "1.5"}}) {
    std::vector<std::string> cmd{"backfill", "--table", "people", "--set", "full_name = 'x'"};
    cmd.insert(cmd.end(), flag.begin(), flag.end());
    auto r6 = slipway(cmd);
    EXPECT_EQ(r6.exit_code, 2) << flag[0] << " " << flag[1] << ": " << r6.err;
    EXPECT_NE(r6.err.find(flag[0]), std::string::npos) << r6.err;
  }
  EXPECT_TRUE(scalar<bool>("SELECT to_regnamespace('slipway') IS NULL")) << "nothing may be created";
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE full_name IS NOT NULL"), 0);
  auto st = slipway({"backfill", "--status"});
  EXPECT_EQ(st.exit_code, 0);
  EXPECT_NE(st.out.find("no backfill jobs"), std::string::npos) << st.out;
}

// --set, --where, --throttle-query and --lag-query go into SQL slipway runs: each must be the
// shape it is used as (assignments, one expression, one read-only query), or it is refused
// before anything runs. Each value here was accepted before and changed rows it must not touch.
TEST_F(BackfillCliTest, FlagTextThatIsNotItsShapeIsRefused) {
  make_people(100);
  sql("CREATE TABLE victim (id int PRIMARY KEY)");
  sql("INSERT INTO victim VALUES (1), (2)");
  const std::vector<std::string> set{"--set", "full_name = 'x'"};
  for (const std::vector<std::string>& hostile : std::vector<std::vector<std::string>>{
           {"--set", "full_name = 'x'; DROP TABLE victim"},
           {"--set", "full_name = 'x' --"},  // would comment out the batch's key range
           {"--set", "full_name = 'x' FROM victim"},
           {"--where", "true) OR (true"},  // would widen every batch to the whole table
           {"--where", "true; DROP TABLE victim"},
           {"--throttle-query", "WITH d AS (DELETE FROM victim RETURNING 1) SELECT false"},
           {"--throttle-query", "SELECT false; DROP TABLE victim"},
           {"--max-lag", "5s", "--lag-query", "WITH d AS (DELETE FROM victim RETURNING 1) SELECT 0"}}) {
    std::vector<std::string> cmd{"backfill", "--table", "people", "--batch-size", "10", "--progress", "none"};
    if (hostile[0] != "--set") cmd.insert(cmd.end(), set.begin(), set.end());
    cmd.insert(cmd.end(), hostile.begin(), hostile.end());
    auto r = slipway(cmd);
    EXPECT_EQ(r.exit_code, 2) << hostile.back() << ": " << r.out << r.err;
    EXPECT_NE(r.err.find(hostile[hostile.size() - 2]), std::string::npos) << r.err;
    EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE full_name IS NOT NULL"), 0) << hostile.back();
    EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM victim"), 2) << hostile.back();
  }
  EXPECT_TRUE(scalar<bool>("SELECT to_regnamespace('slipway') IS NULL")) << "nothing may be created";
}

// A session lost while the first throttle check runs is a lost connection (exit 1), not a bad
// query (exit 2, "check --throttle-query"): the query here is fine, its session is ended.
TEST_F(BackfillCliTest, AConnectionLostDuringTheFirstThrottleCheckIsNotBadInput) {
  make_people(50);
  auto r = slipway({"backfill", "--table", "people", "--set", "full_name = 'x'", "--throttle-query",
                    "SELECT NOT pg_terminate_backend(pg_backend_pid())"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err.find("check --throttle-query"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("connection to the server was lost"), std::string::npos) << r.err;
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE full_name IS NOT NULL"), 0);
}

// Production roles often carry a statement_timeout. slipway's statements are long by design
// (an index build, a VACUUM, here batches of 40 rows that take 150 ms each): the role's limit
// must not cancel them. Their lock waits stay bounded by lock_timeout.
TEST_F(BackfillCliTest, ARoleStatementTimeoutDoesNotCutSlipwaysStatementsShort) {
  make_people(200);
  sql("ALTER DATABASE \"" + dbname() + "\" SET statement_timeout = '100ms'");
  auto r = slipway({"backfill", "--table", "people", "--set",
                    "full_name = first || ' ' || last || left(pg_sleep(0.004)::text, 0)", "--batch-size", "40",
                    "--progress", "none"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(wrong_rows(), 0);
}

// A batch whose own work fails (here the expression, on one row) is not retried: the error says
// which rows, the rows before them are done, and the job stays resumable.
TEST_F(BackfillCliTest, AFailingBatchSaysWhichRows) {
  make_people(300);
  auto r = slipway({"backfill", "--table", "people", "--set", "full_name = first || (1 / (id - 120))::text",
                    "--batch-size", "50", "--progress", "none"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("the batch of rows after (\"id\") = (100) failed: division by zero"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("the rows before it are done"), std::string::npos) << r.err;
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE full_name IS NOT NULL"), 100);
  EXPECT_EQ(scalar<std::string>("SELECT status FROM slipway.backfill_jobs"), "failed");
}

// A role that may update the table but not VACUUM it (PostgreSQL only warns and skips the table)
// is told once that the backfill runs without bloat control, and the backfill goes on.
TEST_F(BackfillCliTest, ARoleThatCannotVacuumTheTableIsToldSo) {
  make_people(300);
  const std::string role = "nv_" + dbname().substr(dbname().size() - 8);
  sql("CREATE ROLE " + role + " LOGIN NOSUPERUSER");
  sql("GRANT CREATE ON DATABASE \"" + dbname() + "\" TO " + role);
  sql("GRANT SELECT, UPDATE ON people TO " + role);
  auto r = slipway({"--postgres-url", url() + " user=" + role, "backfill", "--table", "people", "--set",
                    "full_name = first || ' ' || last", "--batch-size", "50", "--vacuum-every", "0.2",
                    "--progress", "none"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("cannot VACUUM \"public\".\"people\""), std::string::npos) << r.err;
  EXPECT_EQ(wrong_rows(), 0);
  auto owner = slipway({"backfill", "--table", "people", "--set", "hits = hits", "--batch-size", "50",
                        "--vacuum-every", "0.2", "--progress", "none"});
  EXPECT_EQ(owner.exit_code, 0) << owner.err;
  EXPECT_EQ(owner.err.find("cannot VACUUM"), std::string::npos) << owner.err;
  sql("DROP OWNED BY " + role);
  sql("DROP ROLE " + role);
}

}  // namespace
}  // namespace slipway::test
