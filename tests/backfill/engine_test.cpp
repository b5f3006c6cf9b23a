// The batch engine on real tables: key kinds, concurrent application writes, workers,
// resumption, lost connections, bad input.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <random>
#include <thread>

#include "backfill/fixture.hpp"
#include "util/error.hpp"

namespace slipway::test {
namespace {

using backfill::Engine;

TEST_F(BackfillTest, CompositeTextAndUuidKeyIsWalkedCompletely) {
  sql("CREATE TABLE docs (tenant text NOT NULL, id uuid NOT NULL, title text, upper_title text, "
      "PRIMARY KEY (tenant, id))");
  // Tenants with quotes, spaces, case and non-ASCII: ordering and parameters must round-trip.
  sql("INSERT INTO docs SELECT t, md5(t || g)::uuid, 'title ' || g, NULL "
      "FROM unnest(ARRAY['acme', 'O''Brien & co', 'Zed', 'élan', 'a b']) t, generate_series(1, 97) g");
  backfill::JobSpec spec;
  spec.job_id = "docs";
  spec.schema = "public";
  spec.table = "docs";
  spec.action = backfill::update_action(R"("upper_title" = upper(title))");
  spec.action_description = "upper";
  auto res = Engine(url(), spec, small_batches(13)).run();
  EXPECT_EQ(res.rows_done, 5 * 97);
  EXPECT_EQ(res.rows_affected_this_run, 5 * 97);
  EXPECT_EQ(res.batches_this_run, (5 * 97 + 12) / 13 + ((5 * 97) % 13 == 0 ? 1 : 0));
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM docs WHERE upper_title IS DISTINCT FROM upper(title)"), 0);
}

// Key values travel as text between batches, workers and runs. A database may carry settings
// under which that text is ambiguous: extra_float_digits 0 prints successive doubles alike, and
// DateStyle SQL prints Asia/Kolkata's zone as IST, which reads back as Israel's (+02). The
// engine's sessions must still walk every row once.
TEST_F(BackfillTest, KeysReadBackExactlyWhateverTheDatabasesOutputSettings) {
  sql("CREATE TABLE readings (at timestamptz NOT NULL, x float8 NOT NULL, v int NOT NULL, twice int, "
      "PRIMARY KEY (at, x))");
  sql("INSERT INTO readings SELECT timestamptz '2026-11-22 10:00:00+05:30' + (g / 10) * interval '1 hour', "
      "1::float8 + (g % 10) * 2.220446049250313e-16::float8, g, NULL FROM generate_series(0, 199) g");
  ASSERT_EQ(scalar<int64_t>("SELECT count(DISTINCT x) FROM readings"), 10);  // 1 and the next 9 doubles
  for (const char* setting : {"extra_float_digits = 0", "DateStyle = 'SQL, DMY'", "TimeZone = 'Asia/Kolkata'"}) {
    sql("ALTER DATABASE \"" + dbname() + "\" SET " + setting);
  }
  backfill::JobSpec spec{"readings", "public", "readings", {}, backfill::update_action("twice = v * 2"), "twice", ""};
  auto opt = small_batches(7);
  opt.workers = 2;
  Engine engine(url(), spec, opt);
  backfill::BackfillResult res;
  std::atomic<bool> returned{false};
  std::string error;
  std::thread t([&] {
    try {
      res = engine.run();
    } catch (const std::exception& e) {
      error = e.what();
    }
    returned = true;
  });
  // With ambiguous keys the walk can loop on one key for ever: stop it rather than hang.
  bool finished = eventually([&] { return returned.load(); }, std::chrono::seconds(15));
  if (!finished) engine.request_stop();
  t.join();
  ASSERT_TRUE(finished) << "the walk did not end";
  EXPECT_EQ(error, "");
  EXPECT_TRUE(res.complete);
  EXPECT_EQ(res.rows_done, 200);
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM readings WHERE twice IS DISTINCT FROM v * 2"), 0);
}

// A checkpoint written under one DateStyle and resumed under another: with the SQL style, the
// same text is 5 March under DMY and 3 May under MDY, so the resumed walk would skip or fail.
TEST_F(BackfillTest, AResumeUnderAnotherDateOrderContinuesFromTheSameKey) {
  sql("CREATE TABLE events (at timestamp PRIMARY KEY, v int NOT NULL, twice int)");
  sql("INSERT INTO events SELECT timestamp '2026-01-01' + g * interval '1 day', g, NULL "
      "FROM generate_series(0, 299) g");
  sql("ALTER DATABASE \"" + dbname() + "\" SET DateStyle = 'SQL, DMY'");
  backfill::JobSpec spec{"events", "public", "events", {}, backfill::update_action("twice = v * 2"), "twice", ""};
  auto opt = small_batches(10);
  opt.throttle.max_rate = 500;
  Engine first(url(), spec, opt);
  backfill::BackfillResult r1;
  std::thread t([&] { r1 = first.run(); });
  ASSERT_TRUE(eventually([&] { return checkpointed_rows() >= 60; }));
  first.request_stop();
  t.join();
  ASSERT_FALSE(r1.complete);

  sql("ALTER DATABASE \"" + dbname() + "\" SET DateStyle = 'SQL, MDY'");
  auto r2 = Engine(url(), spec, small_batches(10)).run();
  EXPECT_TRUE(r2.resumed);
  EXPECT_TRUE(r2.complete);
  EXPECT_EQ(r2.rows_done, 300);
  EXPECT_EQ(r2.rows_this_run, 300 - r1.rows_done);
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM events WHERE twice IS DISTINCT FROM v * 2"), 0);
}

TEST_F(BackfillTest, UniqueNotNullVarcharKeyWithoutPrimaryKey) {
  sql("CREATE TABLE tags (name varchar(40) NOT NULL UNIQUE, n int, twice int)");
  sql("INSERT INTO tags SELECT 'tag-' || g, g, NULL FROM generate_series(1, 300) g");
  backfill::JobSpec spec{"tags", "public", "tags", {}, backfill::update_action("twice = n * 2"), "twice", ""};
  auto res = Engine(url(), spec, small_batches(7)).run();
  EXPECT_TRUE(res.complete);
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM tags WHERE twice IS DISTINCT FROM n * 2"), 0);
}

TEST_F(BackfillTest, IdentityKeyWithWhereAndEmptyTable) {
  make_people(500);
  auto spec = people_job();
  spec.action = backfill::update_action(R"("full_name" = first || ' ' || last)", "id % 2 = 0");
  auto res = Engine(url(), spec, small_batches(50)).run();
  EXPECT_EQ(res.rows_done, 500);  // keys walked
  EXPECT_EQ(res.rows_affected_this_run, 250);
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE full_name IS NOT NULL AND id % 2 = 1"), 0);
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE full_name = first || ' ' || last"), 250);

  sql("CREATE TABLE empty_people (LIKE people INCLUDING ALL)");
  auto empty = people_job("empty");
  empty.table = "empty_people";
  auto r2 = Engine(url(), empty).run();
  EXPECT_TRUE(r2.already_complete);
  EXPECT_EQ(r2.rows_done, 0);
}

TEST_F(BackfillTest, ConcurrentInsertsAndUpdatesEndCorrectAndTheJobTerminates) {
  make_people(3000);
  add_up_trigger();
  std::atomic<bool> done{false};
  std::atomic<int> inserts{0}, updates{0};
  auto writer = [&](int seed) {
    auto c = connect();
    std::mt19937 rng(seed);
    while (!done) {
      if (rng() % 2) {
        c.exec("INSERT INTO people (first, last) VALUES ('new', 'row" + std::to_string(rng() % 1000) + "')");
        ++inserts;
      } else {
        c.exec_params("UPDATE people SET last = last || 'x' WHERE id = $1", int64_t(rng() % 3000 + 1));
        ++updates;
      }
    }
  };
  std::thread w1(writer, 1), w2(writer, 2);
  // Slow enough that the writers overlap with many batches.
  auto opt = small_batches(100);
  opt.throttle.max_rate = 6000;
  opt.workers = 2;
  backfill::BackfillResult res;
  std::thread bf([&] { res = Engine(url(), people_job(), opt).run(); });
  bf.join();
  done = true;
  w1.join();
  w2.join();
  EXPECT_TRUE(res.complete);
  EXPECT_GT(inserts.load(), 0);
  EXPECT_GT(updates.load(), 0);
  EXPECT_EQ(wrong_rows(), 0);
  // Rows that existed at the start were each filled by exactly one batch.
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE id <= 3000 AND hits <> 1"), 0);
}

TEST_F(BackfillTest, WorkersSplitTheKeyRange) {
  make_people(2000);
  auto opt = small_batches(97);
  opt.workers = 3;
  auto res = Engine(url(), people_job(), opt).run();
  EXPECT_EQ(res.rows_done, 2000);
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM slipway.backfill_ranges WHERE job_id = 'job'"), 3);
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM slipway.backfill_ranges WHERE job_id = 'job' AND done"), 3);
  EXPECT_EQ(wrong_rows(), 0);
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE hits <> 1"), 0);
}

// The estimate comes from pg_class.reltuples, which can be far off; once the job is complete the
// rows it walked replace it, in the job's record and in the last progress event.
TEST_F(BackfillTest, ACompleteJobRecordsTheRowsItWalkedAsItsEstimate) {
  make_people(700);
  sql("UPDATE pg_class SET reltuples = 5000 WHERE oid = 'people'::regclass");
  RecordingSink sink;
  auto opt = small_batches(100);
  opt.progress = &sink;
  auto res = Engine(url(), people_job(), opt).run();
  ASSERT_TRUE(res.complete);
  EXPECT_EQ(scalar<int64_t>("SELECT rows_estimate FROM slipway.backfill_jobs WHERE job_id = 'job'"), 700);
  auto events = sink.snapshots();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().rows_estimate, 700);
  EXPECT_EQ(events.back().rows_done, 700);
}

// When run() returns, the job's lock is free: a caller may forget or rerun the job at once (a
// rewrite forgets its copy job right after the copy). Closing the lock's session is not enough,
// since its locks go only when its backend has exited.
TEST_F(BackfillTest, TheJobLockIsFreeWhenTheRunReturns) {
  make_people(200);
  auto probe = connect();
  for (int i = 0; i < 20; ++i) {
    std::string job = "job" + std::to_string(i);
    auto res = Engine(url(), people_job(job), small_batches(100)).run();
    ASSERT_TRUE(res.complete);
    EXPECT_EQ(probe.query_value<int64_t>("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND "
                                         "objid = hashtext($1 || ':' || $2)::oid",
                                         std::string("slipway"), job)
                  .value_or(-1),
              0)
        << "run " << i << " returned with its job lock still held";
  }
}

TEST_F(BackfillTest, StopThenResumeContinuesFromTheCheckpoint) {
  make_people(2000);
  auto opt = small_batches(50);
  opt.throttle.max_rate = 4000;
  Engine first(url(), people_job(), opt);
  backfill::BackfillResult r1;
  std::thread t([&] { r1 = first.run(); });
  ASSERT_TRUE(eventually([&] {
    return checkpointed_rows() >= 500;
  }));
  first.request_stop();
  t.join();
  EXPECT_FALSE(r1.complete);
  EXPECT_GE(r1.rows_done, 500);
  EXPECT_LT(r1.rows_done, 2000);
  auto jobs = backfill::list_jobs(url(), "slipway");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].status, "interrupted");
  EXPECT_EQ(jobs[0].rows_done, r1.rows_done);

  auto r2 = Engine(url(), people_job(), small_batches(50)).run();
  EXPECT_TRUE(r2.resumed);
  EXPECT_TRUE(r2.complete);
  EXPECT_EQ(r2.rows_this_run, 2000 - r1.rows_done);
  EXPECT_EQ(r2.rows_done, 2000);
  EXPECT_EQ(wrong_rows(), 0);
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE hits <> 1"), 0);
  // Running a complete job again does nothing.
  auto r3 = Engine(url(), people_job(), small_batches(50)).run();
  EXPECT_TRUE(r3.already_complete);
  EXPECT_EQ(scalar<int64_t>("SELECT max(hits) FROM people"), 1);
}

// top -H, ps -L and perf name the engine's threads by their job.
TEST_F(BackfillTest, TheEnginesThreadsAreNamedByTheirJob) {
  make_people(2000);
  auto opt = small_batches(50);
  opt.throttle.max_rate = 4000;
  Engine engine(url(), people_job(), opt);
  std::thread t([&] { engine.run(); });
  auto names = [] {
    std::set<std::string> out;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
      std::ifstream comm(task.path() / "comm");
      std::string name;
      std::getline(comm, name);
      out.insert(name);
    }
    return out;
  };
  std::set<std::string> seen;
  bool all = eventually([&] {
    seen = names();
    return seen.count("slipway-batches") && seen.count("slipway-poll") && seen.count("slipway-vacuum") &&
           seen.count("slipway-ticker");
  });
  engine.request_stop();
  t.join();
  std::string list;
  for (const auto& n : seen) list += n + " ";
  EXPECT_TRUE(all) << list;
}

TEST_F(BackfillTest, LostConnectionIsRetriedWithoutSkippingOrRepeatingRows) {
  make_people(3000);
  auto opt = small_batches(50);
  opt.throttle.max_rate = 5000;
  backfill::BackfillResult res;
  std::thread t([&] { res = Engine(url(), people_job(), opt).run(); });
  // Kill the batch backend twice while it works.
  int killed = 0;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(eventually([&] {
      return scalar<int64_t>(
                 "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                 "WHERE application_name = 'slipway-backfill-worker' AND datname = current_database() "
                 "AND pid <> pg_backend_pid()") > 0;
    }));
    ++killed;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  t.join();
  EXPECT_EQ(killed, 2);
  EXPECT_TRUE(res.complete);
  EXPECT_EQ(wrong_rows(), 0);
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE hits <> 1"), 0);
}

TEST_F(BackfillTest, BadInputIsRejectedBeforeAnythingChanges) {
  make_people(100);
  auto bad = people_job("bad");
  bad.action = backfill::update_action("full_name = no_such_column");
  EXPECT_THROW(Engine(url(), bad).run(), InputError);
  auto missing = people_job("missing");
  missing.table = "nope";
  EXPECT_THROW(Engine(url(), missing).run(), InputError);
  auto badkey = people_job("badkey");
  badkey.key_columns = {"first"};
  EXPECT_THROW(Engine(url(), badkey).run(), InputError);
  sql("CREATE TABLE nokey (a int)");
  auto nokey = people_job("nokey");
  nokey.table = "nokey";
  EXPECT_THROW(Engine(url(), nokey).run(), InputError);
  EXPECT_TRUE(scalar<bool>("SELECT to_regnamespace('slipway') IS NULL")) << "nothing may be created";
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people WHERE full_name IS NOT NULL OR hits <> 0"), 0);
}

TEST_F(BackfillTest, CustomActionGetsKeyBoundsForACopy) {
  make_people(1000);
  sql("CREATE TABLE people_copy (id bigint PRIMARY KEY, full_name text)");
  backfill::JobSpec spec;
  spec.job_id = "copy";
  spec.schema = "public";
  spec.table = "people";
  spec.action_description = "copy";
  spec.action = [](backfill::BatchContext& c) {
    std::vector<std::string> params;
    std::string pred = c.key.range_predicate(c.bounds, 1, params);
    return c.exec("INSERT INTO people_copy SELECT id, first || ' ' || last FROM " + c.table + " WHERE " + pred +
                      " ON CONFLICT (id) DO UPDATE SET full_name = excluded.full_name",
                  params);
  };
  auto res = Engine(url(), spec, small_batches(128)).run();
  EXPECT_EQ(res.rows_affected_this_run, 1000);
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM people p JOIN people_copy c USING (id) "
                            "WHERE c.full_name = p.first || ' ' || p.last"),
            1000);
}

}  // namespace
}  // namespace slipway::test
