// slipway demo: the zero-downtime story end to end on a private PostgreSQL under live traffic.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>

#include "cli/context.hpp"
#include "cli/flag_values.hpp"
#include "cli/registry.hpp"
#include "demo/command_line_driver.hpp"
#include "demo/demo.hpp"

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
  using L = demo::DemoLimits;
  add_count_option(*cmd, "--rows", o.rows, "rows in user_profiles", {L::min_rows, L::max_rows});
  cmd->add_flag("--keep", o.keep, "leave the private cluster running at the end (its connection string is printed)");
  cmd->add_flag("--contrast", o.contrast,
                "also run the same changes the naive way (plain ALTER TABLE, one big UPDATE) on a copy, "
                "under the same traffic, and show both side by side");
  cmd->add_option("--report", o.report_file, "write a self-contained HTML page with the latency chart")
      ->type_name("FILE.html");
  add_number_option(*cmd, "--rate", o.rate_per_app, "queries per second each application version sends",
                    {L::min_rate, L::max_rate});
  add_count_option(*cmd, "--threads", o.threads_per_app, "connections per application version",
                   {L::min_threads, L::max_threads});
  add_number_option(*cmd, "--warmup", o.warmup_s, "seconds of traffic before the first change", {0, L::max_seconds});
  add_number_option(*cmd, "--rollout", o.rollout_s, "seconds both application versions run side by side in each migration",
                    {0, L::max_seconds});
  cmd->add_option("--examples", o.examples_dir, "directory of the demo's migration files (default: examples/user_profiles)");
  cmd->add_flag("--no-live", flags->no_live, "no periodic status lines, only the phases and the summary");
  cmd->callback([&g, flags] {
    g.check_postgres_url();
    auto o = flags->options;
    o.postgres_url = g.postgres_url;
    o.schema = g.schema;
    o.json = g.json;
    o.live = !flags->no_live;
    o.lock_timeout = g.lock_timeout;
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
