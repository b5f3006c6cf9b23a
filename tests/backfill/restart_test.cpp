// A PostgreSQL server restart in the middle of a backfill (`slipway backfill`) and in the middle of
// a migration's backfill (`slipway start`): the work continues from the last committed checkpoint,
// no row is skipped and none is processed twice. Both a clean restart (pg_ctl -m fast) and a crash
// (-m immediate: no shutdown checkpoint, crash recovery on start; the batches commit with
// synchronous_commit off, so the last ones before the crash are lost, checkpoints with them).
//
// `slipway backfill` rides the restart out: its workers reconnect with backoff and finish. `slipway
// start` finishes the backfill the same way; its own session went with the restart, so it connects
// again and resumes the migration from the recorded steps, in the same run.
//
// Each test restarts a private cluster of its own: restarting the run's shared cluster would break
// the tests running beside these. No sleeps as synchronisation: an application transaction holds
// a lock the batch of the row in the middle of the table needs, so the backfill stops exactly at
// the half until the restart ends that transaction; the tests poll the checkpoints (with a
// deadline) for that.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include "backfill/fixture.hpp"
#include "embedded/process.hpp"
#include "embedded/temp_cluster.hpp"
#include "support/slipway_process.hpp"

namespace slipway::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int64_t kRows = 200000;
constexpr int64_t kLockedId = kRows / 2 + 1;  // the backfill stops at kRows / 2 while it is locked

std::optional<nlohmann::json> result_event(const std::string& json_lines) {
  std::istringstream in(json_lines);
  std::string line;
  std::optional<nlohmann::json> result;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_object() && j.value("event", "") == "result") result = j;
  }
  return result;
}

// The row count of the applier's backfill line ("    123 rows in 0.1s (resumed)").
std::optional<int64_t> backfill_rows_logged(const std::string& log) {
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    auto at = line.find(" rows in ");
    auto first = line.find_first_not_of(' ');
    if (at == std::string::npos || first == std::string::npos || first >= at) continue;
    auto digits = line.substr(first, at - first);
    if (digits.find_first_not_of("0123456789") == std::string::npos) return std::stoll(digits);
  }
  return std::nullopt;
}

class ServerRestart : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937 rng{std::random_device{}()};
    dir_ = fs::temp_directory_path() / ("slipway-restart-" + std::to_string(getpid()) + "-" + std::to_string(rng()));
    fs::create_directories(dir_);
    cluster_ = std::make_unique<embedded::TempCluster>();
    cluster_->start();
    pg::Connection(cluster_->conninfo()).exec("CREATE DATABASE app");
    url_ = cluster_->conninfo("app");
  }
  void TearDown() override {
    blocker_.reset();
    conn_.reset();
    cluster_.reset();  // stops the server and removes its directory
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // SQL on a connection kept for the test; it reconnects once when the restart took it away.
  pqxx::result sql(const std::string& statement) {
    for (int attempt = 0;; ++attempt) {
      try {
        if (!conn_) conn_ = std::make_unique<pg::Connection>(url_);
        return conn_->exec(statement);
      } catch (const pg::ConnectionLost&) {
        conn_.reset();
        if (attempt > 0) throw;
      }
    }
  }
  template <typename T>
  T scalar(const std::string& statement) {
    return sql(statement).at(0).at(0).as<T>();
  }

  CommandResult slipway(std::vector<std::string> args) {
    std::vector<std::string> argv{slipway_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, {{"SLIPWAY_POSTGRES_URL", url_}});
  }
  // `slipway ARGS` running in the background.
  std::unique_ptr<SlipwayProcess> spawn(const std::vector<std::string>& args) {
    return std::make_unique<SlipwayProcess>(args, std::map<std::string, std::string>{{"SLIPWAY_POSTGRES_URL", url_}});
  }

  // The batches commit with synchronous_commit off. With the WAL writer this slow, the last of
  // them before a crash (-m immediate) are still in shared memory and lost: the crash really
  // undoes work the running backfill saw committed.
  void slow_wal_writer() {
    sql("ALTER SYSTEM SET wal_writer_delay = '10s'");
    sql("SELECT pg_reload_conf()");
  }

  // An application transaction holding a lock until the restart ends it.
  void hold(const std::string& statement) {
    blocker_ = std::make_unique<pg::Connection>(url_);
    blocker_->exec("BEGIN");
    blocker_->exec(statement);
  }

  // Rows in the checkpoints of the jobs whose id is LIKE `job` (0 before any exists).
  int64_t checkpointed(const std::string& job = "%") {
    if (!scalar<bool>("SELECT to_regclass('slipway.backfill_ranges') IS NOT NULL")) return 0;
    return scalar<int64_t>("SELECT coalesce(sum(rows_done), 0) FROM slipway.backfill_ranges WHERE job_id LIKE '" +
                           job + "'");
  }

  // Polls until the backfill has stopped at the locked row: all rows below it checkpointed.
  // Fails at once if `child` exits meanwhile.
  void wait_for_half(SlipwayProcess& child, const std::string& job = "%") {
    bool reached = eventually([&] { return child.exited() || checkpointed(job) >= kLockedId - 1; }, 120s);
    ASSERT_FALSE(child.exited()) << "slipway ended before the restart\n" << child.output();
    ASSERT_TRUE(reached) << "the backfill did not reach the locked row in time; checkpointed "
                         << checkpointed(job) << "\n" << child.output();
    // It cannot pass the locked row: exactly the first half is checkpointed.
    ASSERT_EQ(checkpointed(job), kLockedId - 1);
  }

  std::string app_schema_dump() { return schema_dump_of(url_, {"--exclude-schema=slipway"}); }

  // kRows rows; `hits` counts how often the backfill processed each row.
  void make_people() {
    sql("CREATE TABLE people (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, first text NOT NULL, "
        "last text NOT NULL, full_name text, hits int NOT NULL DEFAULT 0)");
    sql("INSERT INTO people (first, last) SELECT 'first' || g, 'last' || g FROM generate_series(1, " +
        std::to_string(kRows) + ") g");
    sql("ANALYZE people");
  }

  // `slipway backfill` of every row, paused while pause_file() exists: run while a row in the
  // middle is held (hold), it stops at the half; create the file then, and it stays there.
  std::string pause_file() const { return (dir_ / "pause").string(); }
  std::vector<std::string> paused_backfill() const {
    return {"--json",       "backfill", "--table", "people", "--set", "full_name = first || ' ' || last, hits = hits + 1",
            "--batch-size", "2000",     "--vacuum-every", "0", "--pause-file", pause_file()};
  }

  // people, then `paused_backfill()` held at the half by a row lock and paused there.
  void start_paused_at_half(std::unique_ptr<SlipwayProcess>& child) {
    make_people();
    hold("SELECT 1 FROM people WHERE id = " + std::to_string(kLockedId) + " FOR UPDATE");
    child = spawn(paused_backfill());
    ASSERT_NO_FATAL_FAILURE(wait_for_half(*child));
    std::ofstream(pause_file()) << "paused\n";
  }

  void backfill_survives_restart(const std::string& mode);
  void migration_resumes_after_restart(const std::string& mode);

  fs::path dir_;
  std::unique_ptr<embedded::TempCluster> cluster_;
  std::string url_;
  std::unique_ptr<pg::Connection> conn_;
  std::unique_ptr<pg::Connection> blocker_;
};

void ServerRestart::backfill_survives_restart(const std::string& mode) {
  slow_wal_writer();
  make_people();
  // hits counts how often each row was processed: exactly once, whatever the restart did. No
  // VACUUM: its WAL would push the last commit before the crash out to the OS.
  const std::vector<std::string> command{"--json", "--verbose", "backfill", "--table", "people", "--set",
                                         "full_name = first || ' ' || last, hits = hits + 1", "--batch-size", "2000",
                                         "--vacuum-every", "0"};
  hold("SELECT 1 FROM people WHERE id = " + std::to_string(kLockedId) + " FOR UPDATE");

  auto child = spawn(command);
  ASSERT_NO_FATAL_FAILURE(wait_for_half(*child));
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE hits = 1"), kLockedId - 1);

  cluster_->restart(mode);  // ends the lock holder too: the backfill can go on

  auto rc = child->wait(120s);
  ASSERT_TRUE(rc.has_value()) << "slipway backfill still runs two minutes after the restart\n" << child->output();
  // The process that saw the restart reconnected and finished the job itself.
  ASSERT_EQ(rc->exit_code, 0) << child->output();
  auto result = result_event(child->out());
  ASSERT_TRUE(result.has_value()) << child->output();
  EXPECT_EQ((*result)["complete"], true) << result->dump();
  EXPECT_EQ((*result)["resumed"], false) << result->dump();
  EXPECT_EQ((*result)["rows_done"], kRows) << result->dump();

  // Every row once and right; the checkpoints count each row once.
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE full_name IS DISTINCT FROM first || ' ' || last"), 0);
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE hits <> 1"), 0);
  EXPECT_EQ(checkpointed(), kRows);

  auto st = slipway({"--json", "backfill", "--status"});
  ASSERT_EQ(st.exit_code, 0) << st.err;
  auto jobs = nlohmann::json::parse(st.out);
  ASSERT_EQ(jobs.size(), 1u) << st.out;
  EXPECT_EQ(jobs[0]["status"], "complete") << st.out;
  EXPECT_EQ(jobs[0]["rows_done"], kRows) << st.out;
  EXPECT_EQ(jobs[0]["ranges_done"], jobs[0]["ranges"]) << st.out;
  EXPECT_TRUE(jobs[0]["error"].is_null()) << st.out;

  // Running it again finds nothing to do and changes nothing.
  auto again = slipway(command);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE hits <> 1"), 0);
}

TEST_F(ServerRestart, BackfillContinuesAfterFastRestart) { backfill_survives_restart("fast"); }
TEST_F(ServerRestart, BackfillContinuesAfterCrashRestart) { backfill_survives_restart("immediate"); }

// The session that held the job's advisory lock went with the restart. The process riding the
// restart out takes the lock again by itself, even while it is paused, so a second process
// cannot start the same job meanwhile: it is told another one runs it (exit 4).
TEST_F(ServerRestart, BackfillTakesItsJobLockAgain) {
  std::unique_ptr<SlipwayProcess> child;
  ASSERT_NO_FATAL_FAILURE(start_paused_at_half(child));
  cluster_->restart("fast");

  auto job_lock_holders = [&] {
    return scalar<int64_t>(
        "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' "
        "AND l.granted AND a.application_name = 'slipway-backfill-lock'");
  };
  bool relocked = eventually([&] { return child->exited() || job_lock_holders() == 1; }, 60s);
  ASSERT_FALSE(child->exited()) << child->output();
  ASSERT_TRUE(relocked) << "the running backfill did not take its job lock again\n" << child->output();
  EXPECT_EQ(checkpointed(), kLockedId - 1) << "batches ran while paused";

  auto second = slipway(paused_backfill());
  EXPECT_EQ(second.exit_code, 4) << second.out << second.err;
  EXPECT_NE(second.err.find("being run by another process"), std::string::npos) << second.err;

  fs::remove(pause_file());
  auto rc = child->wait(120s);
  ASSERT_TRUE(rc.has_value()) << child->output();
  ASSERT_EQ(rc->exit_code, 0) << child->output();
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE full_name IS DISTINCT FROM first || ' ' || last"), 0);
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE hits <> 1"), 0);
  EXPECT_EQ(scalar<std::string>("SELECT status FROM slipway.backfill_jobs"), "complete");
}

// The reverse: another process takes the job's lock the moment the running one loses it (its
// lock session is terminated while a session of the test already queues for the lock). The
// running process notices within seconds (after the brief wait for a holder that is going away,
// pg/advisory_lock.hpp), stops with exit 4 and leaves the job's status alone;
// a later run resumes from the checkpoint.
TEST_F(ServerRestart, BackfillStopsWhenAnotherProcessTookItsJobLock) {
  std::unique_ptr<SlipwayProcess> child;
  ASSERT_NO_FATAL_FAILURE(start_paused_at_half(child));

  const std::string job_lock =
      "hashtext('slipway.backfill'), hashtext('slipway:' || (SELECT job_id FROM slipway.backfill_jobs))";
  pg::Connection other(url_);
  other.exec("SET lock_timeout = '60s'");
  std::atomic<bool> taken{false};
  std::thread taker([&] {
    try {
      other.exec("SELECT pg_advisory_lock(" + job_lock + ")");
      taken = true;
    } catch (const std::exception&) {
      // not taken: asserted below
    }
  });
  bool queued = eventually([&] {
    return scalar<int64_t>("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == 1;
  });
  // The holder's end grants the lock to the queued session before slipway can ask again.
  sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'slipway-backfill-lock'");
  taker.join();
  ASSERT_TRUE(queued) << "the test's session never queued behind the job's lock\n" << child->output();
  ASSERT_TRUE(taken) << "the test's session did not get the job's lock\n" << child->output();

  auto rc = child->wait(60s);
  ASSERT_TRUE(rc.has_value()) << "slipway did not notice that another process took its job\n" << child->output();
  EXPECT_EQ(rc->exit_code, 4) << child->output();
  EXPECT_NE(child->output().find("being run by another process"), std::string::npos) << child->output();
  EXPECT_EQ(scalar<std::string>("SELECT status FROM slipway.backfill_jobs"), "running")
      << "the stopped process wrote the status of a job that is no longer its own";
  EXPECT_EQ(checkpointed(), kLockedId - 1);

  // Once the other holder is gone, a new run resumes the job from its checkpoint.
  other.exec("SELECT pg_advisory_unlock_all()");
  blocker_.reset();
  fs::remove(pause_file());
  auto again = slipway(paused_backfill());
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE full_name IS DISTINCT FROM first || ' ' || last"), 0);
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE hits <> 1"), 0);
}

// Two workers, one range each. The second is blocked on its first row, so the first range
// finishes alone, and the server crashes right after its last batch committed. Were that batch
// lost like the others before a crash, its range would be unfinished in the checkpoints while the
// worker that ran it had moved on: nothing in this process would run it again, and the job would
// end "stopped before the end". The range's last batch commits durably, so it is not.
TEST_F(ServerRestart, CrashRightAfterARangeFinished) {
  slow_wal_writer();
  make_people();
  // Two ranges split at the key kRows / 2 rows in (the estimate is exact after ANALYZE of a
  // table this small): (, kLockedId] and (kLockedId, kRows].
  const int64_t first_of_second = kLockedId + 1;
  hold("SELECT 1 FROM people WHERE id = " + std::to_string(first_of_second) + " FOR UPDATE");
  auto child = spawn({"--json", "--verbose", "backfill", "--table", "people", "--set",
                      "full_name = first || ' ' || last, hits = hits + 1", "--batch-size", "2000", "--workers",
                      "2", "--vacuum-every", "0"});
  auto ranges = [&] {
    if (!scalar<bool>("SELECT to_regclass('slipway.backfill_ranges') IS NOT NULL")) return int64_t(0);
    return scalar<int64_t>("SELECT count(*) FROM slipway.backfill_ranges");
  };
  ASSERT_TRUE(eventually([&] { return child->exited() || ranges() == 2; }, 120s)) << child->output();
  ASSERT_FALSE(child->exited()) << child->output();
  ASSERT_EQ(scalar<int64_t>("SELECT (lo_key->>0)::bigint FROM slipway.backfill_ranges WHERE range_no = 1"),
            kLockedId)
      << "the ranges are not split where this test expects";
  auto first_range_done = [&] { return scalar<bool>("SELECT done FROM slipway.backfill_ranges WHERE range_no = 0"); };
  bool reached = eventually([&] { return child->exited() || first_range_done(); }, 120s);
  ASSERT_FALSE(child->exited()) << child->output();
  ASSERT_TRUE(reached) << child->output();
  cluster_->restart("immediate");

  auto rc = child->wait(120s);
  ASSERT_TRUE(rc.has_value()) << child->output();
  ASSERT_EQ(rc->exit_code, 0) << child->output();
  auto result = result_event(child->out());
  ASSERT_TRUE(result.has_value()) << child->output();
  EXPECT_EQ((*result)["complete"], true) << result->dump();
  EXPECT_EQ((*result)["rows_done"], kRows) << result->dump();
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE full_name IS DISTINCT FROM first || ' ' || last"), 0);
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE hits <> 1"), 0);
  EXPECT_EQ(checkpointed(), kRows);
  EXPECT_EQ(scalar<std::string>("SELECT status FROM slipway.backfill_jobs"), "complete");
}

void ServerRestart::migration_resumes_after_restart(const std::string& mode) {
  slow_wal_writer();
  sql("CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL)");
  sql("INSERT INTO users SELECT g, 'user' || g FROM generate_series(1, " + std::to_string(kRows) + ") g");
  sql("ANALYZE users");
  // `up` passes through gate() for every row; for the row in the middle it takes a shared advisory
  // lock the test holds (a row lock would block the migration's own DDL before the backfill).
  sql(R"(CREATE FUNCTION gate(id int) RETURNS text LANGUAGE plpgsql AS $$
         BEGIN
           IF id = )" + std::to_string(kLockedId) + R"( THEN PERFORM pg_advisory_xact_lock_shared(4242); END IF;
           RETURN '';
         END $$)");
  auto file = dir_ / "01_add_loud.yaml";
  std::ofstream(file) << R"(operations:
  - add_column:
      table: users
      up: upper(name) || gate(id)
      column:
        name: loud
        type: text
        nullable: true
)";
  auto base = slipway({"baseline"});
  ASSERT_EQ(base.exit_code, 0) << base.err;
  const auto before = app_schema_dump();
  const std::vector<std::string> command{"--verbose", "start", file.string(), "--batch-size", "2000",
                                         "--progress", "none"};
  hold("SELECT pg_advisory_xact_lock(4242)");

  auto child = spawn(command);
  ASSERT_NO_FATAL_FAILURE(wait_for_half(*child, "migration:%"));
  cluster_->restart(mode);  // ends the lock holder too

  auto rc = child->wait(120s);
  ASSERT_TRUE(rc.has_value()) << "slipway start still runs two minutes after the restart\n" << child->output();
  // Its DDL session (and the database's advisory lock) went with the restart: it connects
  // again and resumes the start from the recorded steps, in the same run.
  ASSERT_EQ(rc->exit_code, 0) << child->output();
  EXPECT_NE(child->err().find("connecting again to resume"), std::string::npos) << child->output();
  const std::string err = child->err();
  const auto resumed_at = err.find("resuming the start");
  ASSERT_NE(resumed_at, std::string::npos) << child->output();
  // Resumed, the backfill step continues from its checkpoint, never from the start (its
  // workers reconnect on their own, so it may even be finished and recorded already).
  if (auto rows = backfill_rows_logged(err.substr(resumed_at))) {
    EXPECT_LE(*rows, kRows - (kLockedId - 1)) << err;
  }
  EXPECT_EQ(checkpointed("migration:%:backfill:%"), kRows);
  // The backfill's job; the replay of the writes captured meanwhile found an empty log (nothing
  // wrote the table) and ran no job.
  auto done = sql("SELECT job_id, status FROM slipway.backfill_jobs WHERE job_id LIKE 'migration:%'");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(std::string(done[0][0].c_str()).find("migration:01_add_loud:backfill:"), 0u) << done[0][0].c_str();
  EXPECT_EQ(std::string(done[0][1].c_str()), "complete");
  EXPECT_NE(err.find("0 rows (the change log is empty"), std::string::npos) << err;

  // Every row's new column as `up` says, seen through the new version's schema.
  auto neu = pg::Connection(url_);
  neu.exec("SET search_path TO public_01_add_loud");
  EXPECT_EQ(neu.exec("SELECT count(*) FROM users WHERE loud IS DISTINCT FROM upper(name)")[0][0].as<int64_t>(), 0);
  EXPECT_EQ(neu.exec("SELECT count(*) FROM users")[0][0].as<int64_t>(), kRows);

  auto rb = slipway({"rollback"});
  ASSERT_EQ(rb.exit_code, 0) << rb.out << rb.err;
  EXPECT_EQ(app_schema_dump(), before);
}

TEST_F(ServerRestart, MigrationResumesAfterFastRestart) { migration_resumes_after_restart("fast"); }
TEST_F(ServerRestart, MigrationResumesAfterCrashRestart) { migration_resumes_after_restart("immediate"); }

}  // namespace
}  // namespace slipway::test
