// The progress sinks' output formats (what `slipway backfill`, `start` and the rewrite draw).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "backfill/progress.hpp"
#include "util/error.hpp"

using namespace slipway::backfill;

namespace {
ProgressSnapshot half() {
  ProgressSnapshot s;
  s.job = "j";
  s.label = "backfill public.users";
  s.rows_done = 50000;
  s.rows_estimate = 100000;
  s.rows_per_second = 12500;
  s.eta_seconds = 4;
  s.batch_size = 5000;
  s.throttle_reason = "max-lag";
  s.elapsed_seconds = 4;
  return s;
}
}  // namespace

TEST(Progress, BarRedrawsInPlaceAndEndsWithANewline) {
  std::ostringstream out;
  auto sink = make_progress_sink(out, {ProgressStyle::bar, std::chrono::milliseconds(5000), std::chrono::milliseconds(0)});
  sink->update(half());
  auto s = half();
  s.rows_done = 100000;
  s.finished = true;
  s.throttle_reason.clear();
  sink->finish(s);
  std::string text = out.str();
  EXPECT_EQ(text.rfind("\r\x1b[K", 0), 0u) << text;
  EXPECT_NE(text.find("[############............]  50.0% 50,000/~100,000 rows, 12,500 rows/s, ETA 4s, batch 5,000, "
                      "throttled: max-lag"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("[########################] 100.0% 100,000/100,000 rows"), std::string::npos) << text;
  EXPECT_EQ(text.back(), '\n');
}

TEST(Progress, LinesAreRateLimitedButTheFinalLineAlwaysAppears) {
  std::ostringstream out;
  auto sink = make_progress_sink(out, {ProgressStyle::lines, std::chrono::milliseconds(60000), std::chrono::milliseconds(0)});
  sink->update(half());
  auto s = half();
  s.rows_done = 60000;
  sink->update(s);  // within the interval, same throttle state: not drawn
  s.throttle_reason = "pause-file";
  sink->update(s);  // the throttle state changed: drawn at once
  s.finished = true;
  s.rows_done = 100000;
  sink->finish(s);
  std::istringstream in(out.str());
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 3u) << out.str();
  EXPECT_EQ(lines[0], "backfill public.users: 50.0% 50,000/~100,000 rows, 12,500 rows/s, ETA 4s, batch 5,000, throttled: max-lag");
  EXPECT_NE(lines[1].find("throttled: pause-file"), std::string::npos);
  EXPECT_EQ(lines[2], "backfill public.users: 100.0% 100,000/100,000 rows, 12,500 rows/s, done in 4s");
}

TEST(Progress, JsonEventsOnePerLine) {
  std::ostringstream out;
  auto sink = make_progress_sink(out, {ProgressStyle::json, std::chrono::milliseconds(0), std::chrono::milliseconds(0)});
  sink->note("resuming");
  sink->update(half());
  auto j0 = nlohmann::json::parse(out.str().substr(0, out.str().find('\n')));
  EXPECT_EQ(j0["event"], "note");
  auto j1 = nlohmann::json::parse(out.str().substr(out.str().find('\n') + 1));
  EXPECT_EQ(j1["event"], "progress");
  EXPECT_EQ(j1["rows_done"], 50000);
  EXPECT_EQ(j1["percent"], 50.0);
  EXPECT_EQ(j1["throttled"], "max-lag");
  EXPECT_EQ(j1["eta_seconds"], 4.0);
}

TEST(Progress, StyleNamesAreValidated) {
  EXPECT_EQ(parse_progress_style("json"), ProgressStyle::json);
  EXPECT_THROW(parse_progress_style("fancy"), slipway::InputError);
}
