// Each throttle signal stops the batches while it holds and lets them go when it clears.
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "backfill/fixture.hpp"
#include "embedded/temp_cluster.hpp"

namespace slipway::test {
namespace {

using backfill::Engine;
namespace fs = std::filesystem;

class ThrottleTest : public BackfillTest {
 protected:
  // people_job whose every batch also sleeps 50 ms: batches that take a good part of a max-rate
  // period.
  backfill::JobSpec slow_people_job() {
    auto spec = people_job();
    auto update = spec.action;
    spec.action = [update](backfill::BatchContext& c) {
      int64_t n = update(c);
      if (c.batch_rows > 0) c.tx.exec("SELECT pg_sleep(0.05)");
      return n;
    };
    return spec;
  }
  void expect_lock_wait_cancels_the_blocking_batch(const std::string& engine_url);
  // Starts the job in a thread, checks it is held back for `reason` with no row done, calls
  // `release`, and checks it then completes.
  void expect_held_then_released(backfill::EngineOptions opt, const std::string& reason,
                                 const std::function<void()>& release) {
    RecordingSink sink;
    opt.progress = &sink;
    backfill::BackfillResult res;
    std::thread t([&] { res = Engine(url(), people_job(), opt).run(); });
    EXPECT_TRUE(eventually([&] { return sink.saw_reason(reason); })) << "never throttled by " << reason;
    // Held: checked over several polls of the throttler, nothing gets done.
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(400);
    int64_t processed = 0;
    while (std::chrono::steady_clock::now() < until) {
      processed = std::max(processed, checkpointed_rows());
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(processed, 0) << "rows processed while throttled by " << reason;
    release();
    t.join();
    EXPECT_TRUE(res.complete);
    EXPECT_GT(res.throttled_seconds[reason], 0.3);
    EXPECT_EQ(wrong_rows(), 0);
  }
};

TEST_F(ThrottleTest, PauseFile) {
  make_people(500);
  std::string file = (fs::temp_directory_path() / ("slipway-pause-" + dbname())).string();
  std::ofstream(file) << "paused\n";
  auto opt = small_batches(100);
  opt.throttle.pause_file = file;
  expect_held_then_released(opt, "pause-file", [&] { fs::remove(file); });
}

TEST_F(ThrottleTest, ThrottleQuery) {
  make_people(500);
  sql("CREATE TABLE maintenance (busy boolean NOT NULL)");
  sql("INSERT INTO maintenance VALUES (true)");
  auto opt = small_batches(100);
  opt.throttle.throttle_query = "SELECT bool_or(busy) FROM maintenance";
  opt.throttle.check_interval = std::chrono::milliseconds(50);
  expect_held_then_released(opt, "throttle-query", [&] { sql("UPDATE maintenance SET busy = false"); });
}

// Replication lag through an injected lag query (a table standing in for pg_stat_replication);
// the default query itself is exercised on a primary without standbys (lag 0: not throttled).
TEST_F(ThrottleTest, ReplicationLag) {
  make_people(500);
  sql("CREATE TABLE fake_lag (seconds float8 NOT NULL)");
  sql("INSERT INTO fake_lag VALUES (30)");
  auto opt = small_batches(100);
  opt.throttle.max_lag = std::chrono::seconds(2);
  opt.throttle.lag_query = "SELECT max(seconds) FROM fake_lag";
  opt.throttle.check_interval = std::chrono::milliseconds(50);
  expect_held_then_released(opt, "max-lag", [&] { sql("UPDATE fake_lag SET seconds = 0.5"); });

  auto plain = small_batches(100);
  plain.throttle.max_lag = std::chrono::seconds(2);
  auto res = Engine(url(), people_job("default-lag"), plain).run();
  EXPECT_TRUE(res.complete);
  EXPECT_EQ(res.throttled_seconds["max-lag"], 0.0);
}

TEST_F(ThrottleTest, MaxRate) {
  make_people(1000);
  auto opt = small_batches(100);
  opt.throttle.max_rate = 1000;
  auto res = Engine(url(), people_job(), opt).run();
  EXPECT_TRUE(res.complete);
  // 1,000 rows at 1,000 rows/s: the last batch's slot starts 0.9 s after the first.
  EXPECT_GE(res.seconds, 0.85);
  EXPECT_LE(double(res.rows_this_run) / res.seconds, 1000 * 1.2);
  EXPECT_GT(res.throttled_seconds["max-rate"], 0.2);
}

// Batches that take a good part of their max-rate period (here ~55 of 156 ms) still reach the
// rate: their own run time counts toward it instead of being added to each period.
TEST_F(ThrottleTest, MaxRateIsReachedWhenBatchesTakeTime) {
  make_people(1500);
  auto spec = slow_people_job();
  auto opt = small_batches(250);
  const double rate = 1600;  // 250 rows per 156 ms
  opt.throttle.max_rate = rate;
  auto res = Engine(url(), spec, opt).run();
  ASSERT_TRUE(res.complete);
  double achieved = double(res.rows_this_run) / res.seconds;
  // Counting only the time after each batch gives 250 / (0.156 + 0.055) = ~1,185 rows/s: the
  // run takes its batches' own time plus the whole rate time. Paced right, it takes the longer
  // of the two (plus the sleeps' wake-up latency on a loaded machine): closer to that than to
  // the sum, whatever the load (the batches alone took 0.33 s on a quiet machine, 0.6 s loaded).
  double busy = res.seconds - res.throttled_seconds["max-rate"];
  double needed = double(res.rows_this_run) / rate;
  EXPECT_LT(res.seconds, busy + needed - 0.5 * std::min(busy, needed)) << busy << " s busy";
  EXPECT_LE(achieved, rate * 1.1) << res.seconds << " s";
  EXPECT_EQ(wrong_rows(), 0);
}

// A job paced by --max-rate is throttled between its waits as much as during them: the progress
// shows "max-rate" throughout rather than flipping to "" for every batch (each flip printed a
// progress line: one per batch in a log file).
TEST_F(ThrottleTest, APacedJobShowsMaxRateBetweenItsWaits) {
  make_people(3000);
  auto spec = slow_people_job();  // 50 ms batches: a third of each 156 ms period
  auto opt = small_batches(250);
  opt.throttle.max_rate = 1600;
  RecordingSink sink;
  opt.progress = &sink;
  auto res = Engine(url(), spec, opt).run();
  ASSERT_TRUE(res.complete);
  int paced = 0, clear = 0;
  for (const auto& s : sink.snapshots()) {
    if (s.finished || s.rows_done < 500) continue;  // the first wait comes after the first batch
    (s.throttle_reason == "max-rate" ? paced : clear) += 1;
  }
  EXPECT_GE(paced, 10);
  EXPECT_EQ(clear, 0) << paced << " snapshots said max-rate";
  auto last = sink.snapshots().back();
  EXPECT_TRUE(last.finished);
  EXPECT_EQ(last.throttle_reason, "") << "a finished job is not throttled";
}

// A lag query that starts failing mid-job (here: its table is dropped) leaves the throttler's
// session alone: the lock-wait poll goes on on it instead of reconnecting at every check, and a
// lag measured only for the metrics throttles nothing.
TEST_F(ThrottleTest, AFailingLagQueryKeepsTheThrottlersSession) {
  make_people(300);
  sql("CREATE TABLE lagval (v float8)");
  sql("INSERT INTO lagval VALUES (0)");
  std::string file = (fs::temp_directory_path() / ("slipway-pause-l-" + dbname())).string();
  std::ofstream(file) << "paused\n";
  auto opt = small_batches(100);
  opt.throttle.pause_file = file;
  opt.throttle.lag_query = "SELECT v FROM lagval";
  opt.metrics_addr = "127.0.0.1:" + std::to_string(embedded::free_port());  // measures the lag
  RecordingSink sink;
  opt.progress = &sink;
  backfill::BackfillResult res;
  std::thread t([&] { res = Engine(url(), people_job("l"), opt).run(); });
  auto throttler_pid = [&] {
    return scalar<int64_t>("SELECT coalesce(max(pid), 0) FROM pg_stat_activity WHERE application_name = "
                           "'slipway-backfill-throttler' AND datname = current_database()");
  };
  ASSERT_TRUE(eventually([&] { return sink.saw_reason("pause-file") && throttler_pid() > 0; }));
  sql("DROP TABLE lagval");
  const int64_t pid = throttler_pid();
  // Several lag checks (every 250 ms) fail meanwhile.
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1200);
  std::set<int64_t> pids;
  while (std::chrono::steady_clock::now() < until) {
    pids.insert(throttler_pid());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(pids, std::set<int64_t>{pid}) << "the throttler reconnected while its lag query failed";
  fs::remove(file);
  t.join();
  EXPECT_TRUE(res.complete);
  EXPECT_EQ(res.throttled_seconds["throttle-check-failed"], 0.0);
  EXPECT_EQ(wrong_rows(), 0);
}

// A throttle query that starts failing mid-job (its table is dropped) holds the job, as a
// failed check, until it works again: an unusable signal never lets the backfill run unchecked.
TEST_F(ThrottleTest, AThrottleQueryThatStartsFailingHoldsTheJobUntilItWorks) {
  make_people(300);
  sql("CREATE TABLE gate (closed boolean)");
  sql("INSERT INTO gate VALUES (true)");
  auto opt = small_batches(100);
  opt.throttle.throttle_query = "SELECT closed FROM gate";
  RecordingSink sink;
  opt.progress = &sink;
  backfill::BackfillResult res;
  std::thread t([&] { res = Engine(url(), people_job("g"), opt).run(); });
  ASSERT_TRUE(eventually([&] { return sink.saw_reason("throttle-query"); }));
  sql("DROP TABLE gate");
  EXPECT_TRUE(eventually([&] { return sink.saw_reason("throttle-check-failed"); }));
  EXPECT_EQ(checkpointed_rows(), 0) << "rows processed while the throttle query failed";
  sql("CREATE TABLE gate (closed boolean)");
  sql("INSERT INTO gate VALUES (false)");
  t.join();
  EXPECT_TRUE(res.complete);
  EXPECT_GT(res.throttled_seconds["throttle-check-failed"], 0.0);
  EXPECT_EQ(wrong_rows(), 0);
}

// An application session blocked by a row lock of a running batch: the batch is cancelled at
// once (its locks released), the application goes on, the batch is retried smaller.
// The engine at `engine_url` holds row 1 in a 5 s batch; an application session (the test's
// superuser) updates it and must get through long before, by the throttler cancelling the batch.
void ThrottleTest::expect_lock_wait_cancels_the_blocking_batch(const std::string& engine_url) {
  std::atomic<int> slow_batches{0};
  auto spec = people_job();
  auto update = spec.action;
  spec.action = [&, update](backfill::BatchContext& c) {
    int64_t n = update(c);
    // The first real batch holds its row locks for a long time, like a slow batch would.
    if (c.batch_rows > 0 && slow_batches++ == 0) c.tx.exec("SELECT pg_sleep(5)");
    return n;
  };
  auto opt = small_batches(100);
  backfill::BackfillResult res;
  std::thread t([&] { res = Engine(engine_url, spec, opt).run(); });
  ASSERT_TRUE(eventually([&] {
    return scalar<int64_t>("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                           "'slipway-backfill-worker' AND datname = current_database() AND state = 'active' "
                           "AND query LIKE '%pg_sleep%'") > 0;
  }));
  auto app = connect();
  auto t0 = std::chrono::steady_clock::now();
  app.exec("UPDATE people SET last = 'changed' WHERE id = 1");  // row 1 is locked by the batch
  auto waited = std::chrono::steady_clock::now() - t0;
  t.join();
  EXPECT_LT(waited, std::chrono::milliseconds(1500)) << "the application waited for the whole batch";
  EXPECT_GE(res.lock_wait_events, 1);
  EXPECT_GT(res.throttled_seconds["lock-wait"], 0.0);
  EXPECT_TRUE(res.complete);
  EXPECT_EQ(wrong_rows(), 0);
  EXPECT_EQ(scalar<std::string>("SELECT full_name FROM people WHERE id = 1"), "first1 changed");
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE hits <> 1"), 0);
}

TEST_F(ThrottleTest, LockWaitCancelsTheBlockingBatch) {
  make_people(300);
  add_up_trigger();
  expect_lock_wait_cancels_the_blocking_batch(url());
}

// A role without pg_read_all_stats reads NULL for other roles' wait events in pg_stat_activity:
// its throttler must still see the application's wait (it reads pg_locks, which hides nothing).
TEST_F(ThrottleTest, LockWaitIsSeenByARoleThatCannotReadOtherSessionsWaitEvents) {
  make_people(300);
  add_up_trigger();
  const std::string role = "bf_" + dbname().substr(dbname().size() - 8);
  sql("CREATE ROLE " + role + " LOGIN NOSUPERUSER");
  sql("GRANT CREATE ON DATABASE \"" + dbname() + "\" TO " + role);
  sql("ALTER TABLE people OWNER TO " + role);
  {
    auto as_role = pg::Connection(url() + " user=" + role);
    ASSERT_FALSE(as_role.query_value<bool>("SELECT pg_has_role('pg_read_all_stats', 'USAGE')").value_or(true));
  }
  expect_lock_wait_cancels_the_blocking_batch(url() + " user=" + role);
  sql("REASSIGN OWNED BY " + role + " TO CURRENT_USER");
  sql("DROP OWNED BY " + role);
  sql("DROP ROLE " + role);
}

// While nobody waits, the throttler's 10 ms poll reads pg_stat_activity only: pg_locks, which
// locks the whole lock manager, is left alone.
TEST_F(ThrottleTest, TheLockWaitPollLeavesPgLocksAloneWhileNobodyWaits) {
  make_people(3000);
  add_up_trigger();
  auto spec = people_job();
  auto update = spec.action;
  std::atomic<bool> release{false};
  spec.action = [&, update](backfill::BatchContext& c) {
    int64_t n = update(c);
    // Batches that take a while, so the throttler polls many times during the job (not the
    // dry run of the action before the first batch: batch_rows 0).
    while (c.batch_rows > 0 && !release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return n;
  };
  auto opt = small_batches(1000);
  backfill::BackfillResult res;
  std::thread t([&] { res = Engine(url(), spec, opt).run(); });
  std::set<std::string> seen;
  int polls = 0;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (polls < 20 && std::chrono::steady_clock::now() < until) {
    auto q = sql("SELECT query FROM pg_stat_activity WHERE application_name = 'slipway-backfill-throttler' "
                 "AND datname = current_database() AND query <> ''");
    if (!q.empty()) {
      seen.insert(q[0][0].c_str());
      ++polls;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(15));
  }
  release = true;
  t.join();
  EXPECT_TRUE(res.complete);
  ASSERT_EQ(polls, 20) << "the throttler's session never showed up";
  for (const auto& q : seen) {
    // The session's own set-up (pg::Connection's SETs, lock_timeout, the one privilege check)
    // can be the last statement seen before the first poll: not a poll.
    if (q.rfind("SET ", 0) == 0 || q.find("pg_has_role") != std::string::npos) continue;
    EXPECT_NE(q.find("pg_stat_activity"), std::string::npos) << q;
    EXPECT_EQ(q.find("pg_locks"), std::string::npos) << "polled pg_locks with nobody waiting: " << q;
  }
  EXPECT_EQ(wrong_rows(), 0);
}

// An application session that waits on a batch for less than the cancel threshold is let
// through by the commit, and the worker switches to short batches at once: on a table the
// application writes to, fewer rows are locked at a time.
TEST_F(ThrottleTest, ABriefLockWaitShortensTheNextBatches) {
  make_people(3000);
  add_up_trigger();
  // The first batch, once it holds its row locks, waits for an advisory lock the test holds:
  // the test decides when it commits.
  auto holder = connect();
  holder.exec("SELECT pg_advisory_lock(4242)");
  std::mutex mu;
  std::vector<int64_t> sizes;
  auto spec = people_job();
  auto update = spec.action;
  spec.action = [&, update](backfill::BatchContext& c) {
    int64_t n = update(c);
    if (c.batch_rows > 0) {
      bool first = false;
      {
        std::lock_guard l(mu);
        sizes.push_back(c.batch_rows);
        first = sizes.size() == 1;
      }
      if (first) c.tx.exec("SELECT pg_advisory_xact_lock(4242)");
    }
    return n;
  };
  backfill::EngineOptions opt;  // adaptive sizes, 100 ms target, first batch 1,000 rows
  opt.throttle.lock_wait_cancel_after = std::chrono::seconds(60);  // the wait ends by the commit
  opt.lock_timeout = std::chrono::seconds(60);
  opt.contended_batch_time = std::chrono::milliseconds(10);
  opt.slow_start = false;  // at the full target until the wait
  opt.vacuum_every_fraction = 0;
  backfill::BackfillResult res;
  std::thread t([&] { res = Engine(url(), spec, opt).run(); });
  ASSERT_TRUE(eventually([&] {
    return scalar<int64_t>("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                           "'slipway-backfill-worker' AND datname = current_database() AND wait_event_type = 'Lock' "
                           "AND wait_event = 'advisory'") > 0;
  }));
  std::thread app_thread([&] {
    auto app = connect();
    app.exec("UPDATE people SET last = 'changed' WHERE id = 1");  // waits for the first batch's commit
  });
  // Wait until the application waits on the batch and a lock-wait poll of the throttler has read
  // pg_locks since then (it does only once its first query has seen a waiter), then until the
  // throttler's thread has handled that query's result: the server is done with a query before
  // the client has read its rows, but the thread sends nothing else before it has, so a later
  // query of its session shows it. Then let the batch commit. (Only this test's database: tests
  // run side by side on one cluster.)
  auto monitor = connect();
  std::optional<std::string> poll_start;
  bool seen = eventually([&] {
    poll_start = monitor.query_value<std::string>(
        "SELECT t.query_start::text FROM pg_locks w, pg_stat_activity t WHERE NOT w.granted AND w.locktype = "
        "'transactionid' AND w.database IS NULL AND t.application_name = 'slipway-backfill-throttler' AND "
        "t.datname = current_database() AND t.state = 'idle' AND t.query LIKE '%FROM pg_locks%' AND "
        "t.query_start > w.waitstart AND w.pid IN (SELECT pid FROM pg_stat_activity WHERE datname = "
        "current_database()) LIMIT 1");
    return poll_start.has_value();
  });
  bool handled = seen && eventually([&] {
    return monitor
        .query_value<bool>("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = "
                           "'slipway-backfill-throttler' AND datname = current_database() AND "
                           "query_start > $1::timestamptz)",
                           *poll_start)
        .value_or(false);
  });
  holder.exec("SELECT pg_advisory_unlock(4242)");
  app_thread.join();
  t.join();
  ASSERT_TRUE(seen) << "the application never waited on the batch, or the throttler never looked";
  ASSERT_TRUE(handled) << "the throttler sent no query after the poll that saw the waiter";
  ASSERT_TRUE(res.complete);
  EXPECT_EQ(res.lock_wait_events, 0) << "a wait shorter than the threshold must not cancel the batch";
  EXPECT_GE(res.batches_waited_on, 1);
  ASSERT_GE(sizes.size(), 2u);
  EXPECT_EQ(sizes[0], 1000);
  // Without the wait, the next batch would have between 500 and 2,000 rows (a batch's size moves
  // at most 2x toward the 100 ms target); aiming at 10 ms scales that by 10 / 100: 50 to 200.
  EXPECT_LE(sizes[1], 250) << "the batch after the wait was not shortened: " << testing::PrintToString(sizes);
  EXPECT_EQ(wrong_rows(), 0);
  EXPECT_EQ(scalar<std::string>("SELECT full_name FROM people WHERE id = 1"), "first1 changed");
}

TEST_F(ThrottleTest, MetricsEndpointServesPrometheusText) {
  make_people(300);
  std::string file = (fs::temp_directory_path() / ("slipway-pause-m-" + dbname())).string();
  std::ofstream(file) << "paused\n";
  int port = embedded::free_port();
  auto opt = small_batches(100);
  opt.throttle.pause_file = file;
  opt.metrics_addr = "127.0.0.1:" + std::to_string(port);
  backfill::BackfillResult res;
  std::thread t([&] { res = Engine(url(), people_job("m"), opt).run(); });
  httplib::Client client("127.0.0.1", port);
  std::string body;
  EXPECT_TRUE(eventually([&] {
    auto r = client.Get("/metrics");
    if (!r || r->status != 200) return false;
    body = r->body;
    const std::string series =
        R"(slipway_backfill_throttled_seconds_total{job="m",table="public.people",reason="pause-file"} )";
    auto pos = body.find(series);
    return pos != std::string::npos && std::stod(body.substr(pos + series.size())) > 0.0;
  }));
  EXPECT_NE(body.find("# TYPE slipway_backfill_batch_seconds histogram"), std::string::npos) << body;
  // The standbys' lag is reported whenever metrics are served, not only with --max-lag (no
  // standby here: 0).
  EXPECT_TRUE(eventually([&] {
    auto r = client.Get("/metrics");
    return r && r->body.find("slipway_backfill_replication_lag_seconds{job=\"m\",table=\"public.people\"} 0") !=
                    std::string::npos;
  })) << body;
  EXPECT_NE(body.find("slipway_backfill_rows_done_total{job=\"m\",table=\"public.people\"} 0"), std::string::npos)
      << body;
  fs::remove(file);
  t.join();
  EXPECT_TRUE(res.complete);
}

}  // namespace
}  // namespace slipway::test
