// `slipway demo` end to end, as a user runs it: the summary it prints is what is asserted.
#include <signal.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "demo/scenario.hpp"
#include "embedded/child_process.hpp"
#include "support/pg_test.hpp"

namespace slipway::demo {
namespace {

namespace fs = std::filesystem;

class DemoCli : public test::PgTest {
 protected:
  std::string examples() const { return (fs::path(test::source_dir()) / "examples" / "user_profiles").string(); }

  // The summary JSON of a run; fails the test when stdout is not JSON.
  static nlohmann::json summary_of(const test::CommandResult& r) {
    try {
      return nlohmann::json::parse(r.out);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "stdout is not JSON (" << e.what() << "):\n" << r.out << "\nstderr:\n" << r.err;
      return {};
    }
  }

  static void expect_every_change_went_through_every_step(const nlohmann::json& run) {
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& p : run["phases"]) seen.insert({p["change"].get<std::string>(), p["step"].get<std::string>()});
    for (const auto& step : scenario_steps()) {
      // (A backfill phase shows only when the backfill lasted long enough to be seen.)
      for (const char* phase : {"start", "both versions live", "verify", "complete"})
        EXPECT_TRUE(seen.count({step.name, phase})) << step.name << " " << phase;
    }
  }
};

// The README's command at a small size, on a private cluster of its own (no --postgres-url):
// 0 application errors, every row verified, and the application never waited much longer than
// the lock timeout.
TEST_F(DemoCli, SmallRunOnAPrivateClusterHasNoErrorsAndVerifiesEveryRow) {
  auto report = fs::temp_directory_path() / ("slipway-demo-test-" + std::to_string(getpid()) + ".html");
  auto r = test::run_command({test::slipway_bin(), "demo", "--rows", "3000", "--rate", "100", "--warmup", "0.5", "--json",
                        "--no-live", "--examples", examples(), "--report", report.string()},
                       {{"SLIPWAY_POSTGRES_URL", ""}});
  ASSERT_EQ(r.exit_code, 0) << r.out << "\n" << r.err;
  auto j = summary_of(r);
  const auto& run = j["slipway"];
  EXPECT_TRUE(run["finished"].get<bool>()) << run["outcome"];
  EXPECT_EQ(run["app"]["errors"], 0) << run["error_messages"].dump();
  EXPECT_GT(run["app"]["queries"].get<int64_t>(), 100);
  EXPECT_GE(run["rows"].get<int64_t>(), 3000);
  EXPECT_EQ(run["rows_verified"], run["rows"]);
  EXPECT_TRUE(run["verification_failures"].empty()) << run["verification_failures"].dump();
  // Every verify step checked every row through both versions and found none wrong.
  for (const auto& p : run["phases"]) {
    if (p["step"] != "verify") continue;
    EXPECT_GE(p["rows_checked"].get<int64_t>(), 3000) << p["change"];
    EXPECT_EQ(p["rows_bad"], 0) << p["change"];
  }
  expect_every_change_went_through_every_step(run);
  double lock_timeout = j["lock_timeout_ms"].get<double>();
  EXPECT_LT(run["app"]["max_ms"].get<double>(), lock_timeout + 400) << "lock_timeout " << lock_timeout;
  EXPECT_TRUE(j["naive"].is_null());

  // The private cluster is gone.
  std::smatch m;
  std::string server = j["server"];
  ASSERT_TRUE(std::regex_search(server, m, std::regex("(/[^ )]*slipway-pg-[A-Za-z0-9]+)"))) << server;
  EXPECT_FALSE(fs::exists(m[1].str())) << m[1].str();

  // The HTML report: a chart, no scripts.
  std::ifstream in(report);
  std::stringstream html;
  html << in.rdbuf();
  EXPECT_NE(html.str().find("<svg"), std::string::npos);
  EXPECT_EQ(html.str().find("<script"), std::string::npos);
  fs::remove(report);
}

// --contrast: the same changes the naive way, on a copy, under the same traffic. At this size
// the big UPDATE and the table rewrite take long enough that the stall is unmistakable.
TEST_F(DemoCli, ContrastShowsTheNaiveWayStalling) {
  auto r = slipway({"demo", "--rows", "100000", "--rate", "150", "--warmup", "0.5", "--rollout", "0.5", "--json", "--no-live", "--contrast",
                    "--examples", examples()});
  ASSERT_EQ(r.exit_code, 0) << r.out << "\n" << r.err;
  auto j = summary_of(r);
  ASSERT_FALSE(j["naive"].is_null());
  double slipway_max = j["slipway"]["app"]["max_ms"];
  double naive_max = j["naive"]["app"]["max_ms"];
  EXPECT_EQ(j["slipway"]["app"]["errors"], 0);
  // The stall: the naive way makes the application wait longer than slipway ever lets it (its
  // lock timeout, 100 ms, + 50 ms), and far longer than it waited under slipway.
  EXPECT_GT(naive_max, 150.0) << "the naive way did not stall the application";
  EXPECT_GT(naive_max, 2 * slipway_max) << "slipway " << slipway_max << "ms, naive " << naive_max << "ms";
  // Both columns are in the human summary too.
  auto text = slipway({"demo", "--help"});
  EXPECT_NE(text.out.find("--contrast"), std::string::npos);
}

// Ctrl-C in the middle: the migration in flight is rolled back, the cluster removed, and the
// exit code says "interrupted".
TEST_F(DemoCli, CtrlCRollsBackAndRemovesTheCluster) {
  auto err_file = fs::temp_directory_path() / ("slipway-demo-int-" + std::to_string(getpid()) + ".err");
  embedded::ChildOptions o;
  o.in = embedded::Stream::inherit();
  o.out = embedded::Stream::capture();
  o.err = embedded::Stream::file(err_file.string());
  o.env = {{"SLIPWAY_POSTGRES_URL", std::nullopt}};
  embedded::ChildProcess demo({test::slipway_bin(), "demo", "--rows", "20000", "--rate", "100", "--warmup", "0.2",
                               "--rollout", "3", "--no-live", "--examples", examples()},
                              o);
  // Read until the second migration's new version is live (both apps running on it), then
  // interrupt.
  std::string out;
  bool sent = false;
  for (std::string chunk; !(chunk = demo.read_stdout()).empty();) {
    out += chunk;
    if (!sent && out.find("version schema public_02_add_status is live") != std::string::npos) {
      demo.kill(SIGINT);
      sent = true;
    }
  }
  auto exit = demo.wait();
  ASSERT_TRUE(sent) << out;
  EXPECT_FALSE(exit.signaled());
  EXPECT_EQ(exit.code, 130) << out;
  EXPECT_NE(out.find("migration 02_add_status rolled back"), std::string::npos) << out << "\nstderr:\n" << std::ifstream(err_file).rdbuf();
  EXPECT_NE(out.find("the private cluster was stopped and removed"), std::string::npos) << out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex("(/[^ )]*slipway-pg-[A-Za-z0-9]+)"))) << out;
  EXPECT_FALSE(fs::exists(m[1].str()));
  fs::remove(err_file);
}

TEST_F(DemoCli, BadInputChangesNothingAndExits2) {
  auto r = slipway({"demo", "--rows", "5", "--examples", examples()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--rows"), std::string::npos) << r.err;

  // An existing server whose database already has the table: refused, untouched.
  sql("CREATE TABLE user_profiles (id int)");
  auto before = schema_dump();
  r = slipway({"demo", "--rows", "1000", "--examples", examples()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("user_profiles"), std::string::npos) << r.err;
  EXPECT_EQ(schema_dump(), before);

  r = slipway({"demo", "--examples", "/nonexistent/dir"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

}  // namespace
}  // namespace slipway::demo
