// The demo's arithmetic and rendering, without a database: percentiles, per-phase statistics,
// the summary table, the JSON and the HTML page.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "demo/format.hpp"
#include "demo/html_report.hpp"
#include "demo/live_view.hpp"
#include "demo/samples.hpp"
#include "demo/summary.hpp"

namespace slipway::demo {
namespace {

TEST(DemoStats, PercentilesUseNearestRank) {
  std::vector<double> v;
  for (int i = 100; i >= 1; --i) v.push_back(i);
  EXPECT_DOUBLE_EQ(percentile(v, 0.50), 50);
  EXPECT_DOUBLE_EQ(percentile(v, 0.99), 99);
  EXPECT_DOUBLE_EQ(percentile(v, 1.0), 100);
  std::vector<double> empty;
  EXPECT_DOUBLE_EQ(percentile(empty, 0.5), 0);
}

TEST(DemoStats, PhaseStatisticsCountOnlyQueriesSentInThePhase) {
  std::vector<Sample> s = {{0.5, 1.0, AppId::old_app, true},
                           {1.5, 900.0, AppId::old_app, true},  // a stall that began in [1, 2)
                           {1.6, 2.0, AppId::new_app, false},
                           {2.5, 3.0, AppId::new_app, true}};
  auto st = stats_between(s, 1.0, 2.0);
  EXPECT_EQ(st.queries, 2);
  EXPECT_EQ(st.errors, 1);
  EXPECT_DOUBLE_EQ(st.max_ms, 900.0);
  auto all = stats_of(s);
  EXPECT_EQ(all.queries, 4);
  EXPECT_DOUBLE_EQ(all.max_ms, 900.0);
}

TEST(DemoFormat, NumbersForPeople) {
  EXPECT_EQ(thousands(200000), "200,000");
  EXPECT_EQ(thousands(999), "999");
  EXPECT_EQ(thousands(1000), "1,000");
  EXPECT_EQ(ms(0.4215), "0.42ms");
  EXPECT_EQ(ms(12.34), "12.3ms");
  EXPECT_EQ(ms(1840), "1.84s");
  EXPECT_EQ(seconds(125), "2m05s");
  EXPECT_EQ(progress_bar(1, 2, 10), "[#####-----]");
  EXPECT_EQ(progress_bar(5, 0, 10), "");
}

DemoSummary sample_summary() {
  DemoSummary d;
  d.server = "test server";
  d.rows = 1000;
  d.rate_per_app = 50;
  d.lock_timeout_ms = 100;
  auto make_run = [](const std::string& mode, double stall_ms) {
    RunSummary r;
    r.mode = mode;
    r.finished = true;
    r.outcome = "complete";
    r.samples = {{0.1, 1, AppId::old_app, true}, {1.2, stall_ms, AppId::old_app, true},
                 {2.2, 2, AppId::new_app, true}, {3.1, 1, AppId::old_app, true}};
    auto phase = [&](const char* change, const char* step, double from, double to) {
      PhaseSummary p;
      p.change = change;
      p.step = step;
      p.start_s = from;
      p.end_s = to;
      p.app = stats_between(r.samples, from, to);
      r.phases.push_back(p);
    };
    phase("traffic", "warm-up", 0, 1);
    phase("01_x", "start", 1, 2);
    phase("01_x", "backfill", 2, 3);
    phase("01_x", "complete", 3, 4);
    phase("02_y", "start", 4, 5);
    r.app = stats_of(r.samples);
    r.duration_s = 5;
    r.rows = 1000;
    r.rows_verified = 1000;
    return r;
  };
  d.slipway = make_run("slipway", 7);
  d.naive = make_run("naive", 2500);
  return d;
}

TEST(DemoSummary, PerChangeTotalsSumPhasesAndKeepTheWorstLatency) {
  auto d = sample_summary();
  auto changes = d.naive->per_change();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].change, "01_x");
  EXPECT_DOUBLE_EQ(changes[0].duration_s, 3);
  EXPECT_DOUBLE_EQ(changes[0].max_ms, 2500);
}

TEST(DemoSummary, TableShowsBothRunsSideBySide) {
  auto text = summary_table(sample_summary());
  EXPECT_NE(text.find("side by side"), std::string::npos);
  EXPECT_NE(text.find("2.50s"), std::string::npos) << text;  // the naive stall
  EXPECT_NE(text.find("1,000 of 1,000"), std::string::npos) << text;
}

TEST(DemoSummary, JsonCarriesEveryPhase) {
  auto j = summary_json(sample_summary());
  EXPECT_EQ(j["rows"], 1000);
  EXPECT_EQ(j["slipway"]["phases"].size(), 5u);
  EXPECT_EQ(j["slipway"]["app"]["errors"], 0);
  EXPECT_DOUBLE_EQ(j["naive"]["app"]["max_ms"].get<double>(), 2500);
  EXPECT_EQ(j["naive"]["changes"].size(), 2u);
}

TEST(DemoReport, HtmlIsSelfContainedWithOneChartPerRun) {
  auto html = html_report(sample_summary());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));  // only the SVG namespace
  EXPECT_EQ(html.find("https://"), std::string::npos);
  size_t charts = 0;
  for (size_t pos = 0; (pos = html.find("<svg", pos)) != std::string::npos; ++pos) ++charts;
  EXPECT_EQ(charts, 2u);
  // One shaded rectangle per phase, titled with the phase.
  EXPECT_NE(html.find("<title>01_x backfill"), std::string::npos);
  // Both application versions drawn.
  EXPECT_NE(html.find("#1c7ed6"), std::string::npos);
  EXPECT_NE(html.find("#e8590c"), std::string::npos);
}

}  // namespace
}  // namespace slipway::demo
