// max-lag against a real standby: a private primary, a streaming standby made with
// pg_basebackup that applies WAL 4 s late (recovery_min_apply_delay), and the default lag query
// (pg_stat_replication). The backfill waits while the standby lags and finishes once it has
// caught up.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "backfill/fixture.hpp"
#include "embedded/process.hpp"
#include "embedded/temp_cluster.hpp"

namespace slipway::test {
namespace {

namespace fs = std::filesystem;
using embedded::TempCluster;

double replication_lag(pg::Connection& c) {
  return c
      .query_value<double>("SELECT coalesce(max(extract(epoch FROM greatest(write_lag, flush_lag, replay_lag))), 0) "
                           "FROM pg_stat_replication")
      .value_or(0);
}

TEST(StandbyLag, BackfillWaitsForALaggingStandby) {
  TempCluster primary;
  primary.start();
  // The standby reuses a second cluster's directory, port and watchdog, with its data replaced
  // by a base backup of the primary.
  TempCluster standby;
  standby.start();
  std::string bin = embedded::pg_bin_dir();
  ASSERT_EQ(embedded::run_server_tool({bin + "/pg_ctl", "-D", standby.data_dir(), "-m", "fast", "-w", "stop"},
                                      standby.log_file()),
            0);
  fs::remove_all(standby.data_dir());
  ASSERT_EQ(embedded::run_server_tool({bin + "/pg_basebackup", "-D", standby.data_dir(), "-R", "-X", "stream",
                                       "--no-sync", "-d", primary.conninfo()},
                                      standby.log_file()),
            0)
      << "pg_basebackup failed";
  {
    std::ofstream conf(standby.data_dir() + "/postgresql.auto.conf", std::ios::app);
    conf << "port = " << standby.port() << "\nunix_socket_directories = '" << standby.dir() << "'\n"
         << "recovery_min_apply_delay = '4s'\nhot_standby = on\n";
  }
  ASSERT_EQ(embedded::run_server_tool({bin + "/pg_ctl", "-D", standby.data_dir(), "-l", standby.log_file(), "-w",
                                       "-t", "60", "start"},
                                      standby.log_file()),
            0);

  pg::Connection p(primary.conninfo());
  ASSERT_TRUE(eventually([&] {
    return p.query_value<int64_t>("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'").value_or(0) == 1;
  }));
  p.exec("CREATE TABLE people (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, first text NOT NULL, "
         "last text NOT NULL, full_name text, hits int NOT NULL DEFAULT 0)");
  p.exec("INSERT INTO people (first, last) SELECT 'first' || g, 'last' || g FROM generate_series(1, 300) g");
  // Commits reach the standby's replay 4 s late: the lag the primary reports climbs past 2 s.
  ASSERT_TRUE(eventually(
      [&] {
        p.exec("INSERT INTO people (first, last) VALUES ('tick', 'tock')");
        return replication_lag(p) > 2.0;
      },
      std::chrono::seconds(30)));

  backfill::JobSpec spec;
  spec.job_id = "lag";
  spec.schema = "public";
  spec.table = "people";
  spec.action = backfill::update_action(R"("full_name" = first || ' ' || last, hits = hits + 1)");
  spec.action_description = "full_name";
  backfill::EngineOptions opt;
  opt.fixed_batch_size = 50;
  opt.throttle.max_lag = std::chrono::seconds(2);
  opt.throttle.check_interval = std::chrono::milliseconds(100);
  RecordingSink sink;
  opt.progress = &sink;
  backfill::BackfillResult res;
  std::thread t([&] { res = backfill::Engine(primary.conninfo(), spec, opt).run(); });
  EXPECT_TRUE(eventually([&] { return sink.saw_reason("max-lag"); }));
  int64_t done_while_lagging =
      p.query_value<int64_t>("SELECT count(*) FROM people WHERE full_name IS NOT NULL").value_or(-1);
  EXPECT_EQ(done_while_lagging, 0);
  // The standby catches up: the lag reads NULL (0) again and the backfill runs to the end.
  pg::Connection s(standby.conninfo());
  s.exec("ALTER SYSTEM SET recovery_min_apply_delay = 0");
  s.exec("SELECT pg_reload_conf()");
  t.join();
  EXPECT_TRUE(res.complete);
  EXPECT_GT(res.throttled_seconds["max-lag"], 0.0);
  EXPECT_EQ(p.query_value<int64_t>("SELECT count(*) FROM people WHERE full_name IS DISTINCT FROM first || ' ' || last")
                .value_or(-1),
            0);
}

}  // namespace
}  // namespace slipway::test
