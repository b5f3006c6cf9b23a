// The traffic generator against a real database: it paces, records, switches versions and
// reports errors.
#include <thread>

#include "demo/scenario.hpp"
#include "demo/traffic.hpp"
#include "support/pg_test.hpp"

namespace slipway::demo {
namespace {

using test::eventually;

class DemoTraffic : public test::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    auto c = connect();
    load_scenario(c, "public", 500);
  }
  TrafficOptions options() {
    TrafficOptions o;
    o.conninfo = url();
    o.rate_per_app = 100;
    o.threads_per_app = 2;
    o.id_range = 500;
    return o;
  }
};

TEST_F(DemoTraffic, ThePlayedApplicationReadsUpdatesAndSignsUpWithoutErrors) {
  TrafficGenerator t(options(), std::chrono::steady_clock::now());
  ASSERT_TRUE(t.deploy(AppId::old_app, {"public", AppShape::split_name}));
  ASSERT_TRUE(eventually([&] { return scalar<int64_t>("SELECT count(*) FROM user_profiles") > 500; }))
      << "no sign-up arrived";
  ASSERT_TRUE(eventually([&] { return t.total_queries() >= 150; }));
  t.stop();
  EXPECT_EQ(t.total_errors(), 0) << (t.error_messages().empty() ? "" : t.error_messages().begin()->first);
  auto samples = t.samples();
  EXPECT_GE(samples.size(), 150u);
  for (const auto& s : samples) {
    EXPECT_EQ(s.app, AppId::old_app);
    EXPECT_GE(s.latency_ms, 0);
  }
  EXPECT_GT(scalar<int64_t>("SELECT count(*) FROM user_profiles WHERE login_count > id % 1000"), 0)
      << "no update arrived";
}

TEST_F(DemoTraffic, KeepsToItsRate) {
  TrafficGenerator t(options(), std::chrono::steady_clock::now());
  ASSERT_TRUE(t.deploy(AppId::old_app, {"public", AppShape::split_name}));
  ASSERT_TRUE(eventually([&] { return t.seconds_since_epoch() >= 2.0; }));
  t.stop();
  // 100 q/s for ~2 s; a generous band for a loaded machine, but never free-running.
  auto n = t.samples().size();
  EXPECT_GE(n, 100u);
  EXPECT_LE(n, 260u);
}

TEST_F(DemoTraffic, ADeploymentSwitchesTheSearchPathAndColumns) {
  sql("CREATE SCHEMA v2");
  sql("CREATE VIEW v2.user_profiles AS SELECT id, username, email, "
      "first_name || ' ' || last_name AS full_name, bio, tier, login_count, referred_by FROM public.user_profiles");
  TrafficGenerator t(options(), std::chrono::steady_clock::now());
  ASSERT_TRUE(t.deploy(AppId::old_app, {"public", AppShape::split_name}));
  ASSERT_TRUE(t.deploy(AppId::new_app, {"v2", AppShape::full_name}));
  ASSERT_TRUE(eventually([&] {
    auto s = t.samples();
    return std::count_if(s.begin(), s.end(), [](const Sample& x) { return x.app == AppId::new_app; }) >= 20;
  }));
  // The view is not updatable for full_name: the new app's writes fail, its reads succeed. That
  // the failures are recorded (and not hidden) is the point here.
  ASSERT_TRUE(eventually([&] { return t.total_errors() > 0; }));
  auto errors = t.error_messages();
  ASSERT_FALSE(errors.empty());
  EXPECT_NE(errors.begin()->first.find("full_name"), std::string::npos) << errors.begin()->first;

  ASSERT_TRUE(t.retire(AppId::new_app));
  auto after_retire = t.seconds_since_epoch();
  ASSERT_TRUE(eventually([&] { return t.seconds_since_epoch() > after_retire + 0.5; }));
  t.stop();
  for (const auto& s : t.samples()) {
    if (s.app == AppId::new_app) {
      EXPECT_LT(s.start_s, after_retire);
    }
  }
}

TEST_F(DemoTraffic, AStallShowsUpAsLatency) {
  TrafficGenerator t(options(), std::chrono::steady_clock::now());
  ASSERT_TRUE(t.deploy(AppId::old_app, {"public", AppShape::split_name}));
  ASSERT_TRUE(eventually([&] { return t.total_queries() >= 20; }));
  {
    auto locker = connect();
    pqxx::work tx(locker.raw());
    tx.exec("LOCK TABLE user_profiles IN ACCESS EXCLUSIVE MODE");
    // Hold the lock until an application query has demonstrably waited behind it for 400 ms.
    ASSERT_TRUE(eventually([&] {
      return scalar<int64_t>("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                             "AND application_name LIKE 'slipway-demo-%' "
                             "AND now() - query_start > interval '400 milliseconds'") > 0;
    }));
    tx.commit();
  }
  ASSERT_TRUE(eventually([&] { return stats_of(t.samples()).max_ms >= 400; }));
  t.stop();
  EXPECT_EQ(t.total_errors(), 0);
}

}  // namespace
}  // namespace slipway::demo
