// slipway: zero-downtime schema changes for PostgreSQL.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>

#include "cli/context.hpp"
#include "cli/flag_values.hpp"
#include "cli/registry.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

#ifndef SLIPWAY_VERSION
#define SLIPWAY_VERSION "dev"
#endif

using namespace slipway;

namespace {

void add_global_options(CLI::App& app, cli::GlobalOptions& g) {
  app.add_option("--postgres-url", g.postgres_url,
                 "libpq URL or key=value string (default: libpq's PG* environment variables)")
      ->envname("SLIPWAY_POSTGRES_URL");
  app.add_option("--schema", g.schema, "application schema")->envname("SLIPWAY_SCHEMA")->capture_default_str();
  app.add_option("--state-schema", g.state_schema, "schema for slipway's own state")
      ->envname("SLIPWAY_STATE_SCHEMA")->capture_default_str();
  // lock_timeout below 100ms gives up on locks an idle application releases at once; 0 would
  // mean "wait forever" in PostgreSQL, the queue stall slipway exists to prevent.
  cli::add_duration_option(app, "--lock-timeout", g.lock_timeout, "longest wait for a lock before backing off",
                           {std::chrono::milliseconds(100), std::chrono::minutes(1)})
      ->envname("SLIPWAY_LOCK_TIMEOUT");
  cli::add_count_option(app, "--lock-retries", g.lock_retries, "retries after a lock timeout before giving up",
                        {0, 10000})
      ->envname("SLIPWAY_LOCK_RETRIES");
  cli::add_duration_option(app, "--lock-max-wait", g.lock_max_wait, "total time to keep retrying a lock",
                           {std::chrono::milliseconds(0), std::chrono::hours(24)})
      ->envname("SLIPWAY_LOCK_MAX_WAIT");
  app.add_flag("--json", g.json, "machine-readable output")->envname("SLIPWAY_JSON");
  app.add_flag("-v,--verbose", g.verbose, "say more")->envname("SLIPWAY_VERBOSE");
}

int report(const Error& e) {
  std::cerr << "slipway: " << e.what() << "\n";
  if (!e.hint().empty()) std::cerr << "  hint: " << e.hint() << "\n";
  return static_cast<int>(e.exit_code());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"slipway: zero-downtime schema changes for PostgreSQL"};
  app.set_version_flag("--version", std::string("slipway ") + SLIPWAY_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  app.footer(
      "Exit codes: 0 success, 1 operation failed, 2 bad input or usage (nothing changed),\n"
      "            3 gave up waiting for a lock, 4 another slipway holds the database.");

  cli::GlobalOptions globals;
  add_global_options(app, globals);

  auto& commands = cli::registered_commands();
  std::stable_sort(commands.begin(), commands.end(),
                   [](const auto& a, const auto& b) { return a.order < b.order; });
  for (auto& c : commands) c.setup(app, globals);
  app.parse_complete_callback([&] {
    log::set_level(globals.verbose ? log::Level::verbose : log::Level::info);
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : static_cast<int>(ExitCode::usage);
  } catch (const Error& e) {
    return report(e);
  } catch (const std::exception& e) {
    std::cerr << "slipway: internal error: " << e.what() << "\n";
    return static_cast<int>(ExitCode::failed);
  }
  return 0;
}
