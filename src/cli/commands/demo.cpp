// slipway demo: the zero-downtime story end to end on a private PostgreSQL under live traffic.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>

#include "cli/context.hpp"
#include "cli/registry.hpp"
#include "demo/command_line_driver.hpp"
#include "demo/demo.hpp"
#include "util/duration.hpp"

namespace slipway::cli {
namespace {

struct DemoFlags {
  demo::DemoOptions options;
  bool no_live = false;
};

CommandRegistration demo_command(5, [](CLI::App& app, GlobalOptions& g) {
  auto flags = std::make_shared<DemoFlags>();
  auto* cmd = app.add_subcommand(
      "demo",
      "run the zero-downtime story end to end: a private PostgreSQL, a table under live traffic, six "
      "schema changes (expand -> backfill -> complete), a summary of what the application saw");
  auto& o = flags->options;
  cmd->add_option("--rows", o.rows, "rows in user_profiles")->capture_default_str();
  cmd->add_flag("--keep", o.keep, "leave the private cluster running at the end (its connection string is printed)");
  cmd->add_flag("--contrast", o.contrast,
                "also run the same changes the naive way (plain ALTER TABLE, one big UPDATE) on a copy, "
                "under the same traffic, and show both side by side");
  cmd->add_option("--report", o.report_file, "write a self-contained HTML page with the latency chart")
      ->type_name("FILE.html");
  cmd->add_option("--rate", o.rate_per_app, "queries per second each application version sends")
      ->capture_default_str();
  cmd->add_option("--threads", o.threads_per_app, "connections per application version")->capture_default_str();
  cmd->add_option("--warmup", o.warmup_s, "seconds of traffic before the first change")->capture_default_str();
  cmd->add_option("--rollout", o.rollout_s, "seconds both application versions run side by side in each migration")
      ->capture_default_str();
  cmd->add_option("--examples", o.examples_dir, "directory of the demo's migration files (default: examples/user_profiles)");
  cmd->add_flag("--no-live", flags->no_live, "no periodic status lines, only the phases and the summary");
  cmd->callback([&g, flags] {
    auto o = flags->options;
    o.postgres_url = g.postgres_url;
    o.schema = g.schema;
    o.json = g.json;
    o.live = !flags->no_live;
    o.lock_timeout = parse_duration(g.lock_timeout, "--lock-timeout");
    std::error_code ec;
    std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    if (ec) self = "slipway";
    auto factory = [&](const std::string& conninfo) -> std::unique_ptr<demo::MigrationDriver> {
      demo::CommandLineDriverOptions d;
      d.slipway_bin = self;
      d.conninfo = conninfo;
      d.schema = o.schema;
      d.state_schema = g.state_schema;
      d.lock_timeout = o.lock_timeout;
      return std::make_unique<demo::CommandLineDriver>(d);
    };
    int rc = demo::run_demo(o, factory);
    if (rc != 0) std::exit(rc);
  });
});

}  // namespace
}  // namespace slipway::cli
