// The naive way stalls the application: measured, at a size where the big UPDATE and the
// table rewrite take a good fraction of a second or more.
#include "demo/runs.hpp"
#include "demo/scenario.hpp"
#include "support/pg_test.hpp"

namespace slipway::demo {
namespace {

class DemoNaive : public test::PgTest {};

TEST_F(DemoNaive, PlainAlterTableAndOneBigUpdateStallTheApplication) {
  {
    auto c = connect();
    load_scenario(c, "copy", 100000);
  }
  RunSettings s;
  s.conninfo = url();
  s.schema = "copy";
  s.traffic.rate_per_app = 200;
  s.traffic.threads_per_app = 4;
  s.traffic.id_range = 100000;
  s.warmup_s = 0.5;
  LiveView view(stderr, false, /*quiet=*/true);
  Interrupt interrupt;
  auto run = run_naive(s, view, interrupt);
  ASSERT_TRUE(run.finished) << run.outcome;
  EXPECT_TRUE(run.failures.empty() || run.failures.size() == 1);  // rows written after the UPDATE
  // Every change ran, each as its own phase.
  std::set<std::string> changes;
  for (const auto& p : run.phases) changes.insert(p.change);
  for (const auto& step : scenario_steps()) EXPECT_TRUE(changes.count(step.name)) << step.name;
  // The stall: while the UPDATE holds the rows it changed and ALTER TYPE holds the table, the
  // application waits longer than slipway ever lets it (its lock timeout, 100 ms, + 50 ms).
  // (An application update blocks only on rows the UPDATE already passed, so the wait is a
  // part of the statement's duration, not all of it.)
  const PhaseSummary* worst = nullptr;
  for (const auto& p : run.phases)
    if (!worst || p.app.max_ms > worst->app.max_ms) worst = &p;
  ASSERT_NE(worst, nullptr);
  EXPECT_GT(worst->app.max_ms, 150.0) << "worst phase: " << worst->change << " " << worst->step << " ("
                                      << worst->duration_s() << " s)";
  // The final table has every change.
  auto c = connect();
  auto final_state = check_final_state(c, "copy", true);
  for (const auto& f : final_state.failures) EXPECT_NE(f.find("rows violate"), std::string::npos) << f;
  EXPECT_EQ(final_state.rows, run.rows);
}

}  // namespace
}  // namespace slipway::demo
