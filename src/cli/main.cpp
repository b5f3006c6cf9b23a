// slipway: zero-downtime schema changes for PostgreSQL.
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>

#include "cli/context.hpp"
#include "cli/flag_values.hpp"
#include "cli/registry.hpp"
#include "pg/conninfo.hpp"
#include "pg/errors.hpp"
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
  app.add_option("--role", g.role,
                 "run every statement as this role (objects slipway creates are owned by it; as pgroll's --role)")
      ->envname("SLIPWAY_ROLE");
  app.add_flag("--use-version-schema{true}", g.use_version_schema,
               "create a schema of views for each migration's version (--use-version-schema=false: none, as pgroll's)")
      ->envname("SLIPWAY_USE_VERSION_SCHEMA");
  app.add_flag("--json", g.json, "machine-readable output")->envname("SLIPWAY_JSON");
  app.add_flag("-v,--verbose", g.verbose, "say more")->envname("SLIPWAY_VERBOSE");
}

// Whether the user asked for --json. After a parse error CLI11 may not have set the flag's
// variable (nor read SLIPWAY_JSON), so the command line and the environment are read here too.
bool json_requested(const cli::GlobalOptions& g, int argc, char** argv) {
  if (g.json) return true;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--") break;
    if (a == "--json") return true;
  }
  const char* env = std::getenv("SLIPWAY_JSON");
  if (!env || !*env) return false;
  std::string v(env);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  return v != "0" && v != "false" && v != "off" && v != "no";
}

const char* error_kind(ExitCode code) {
  switch (code) {
    case ExitCode::usage: return "usage";
    case ExitCode::lock_gave_up: return "lock_gave_up";
    case ExitCode::busy: return "busy";
    default: return "failed";
  }
}

// The error as text on stderr and, under --json, as one JSON object on stdout (README, "Errors
// under --json"): {"error": {"code", "kind", "message", "hint"}}.
int report(ExitCode code, const std::string& message, const std::string& hint, bool json) {
  std::cerr << "slipway: " << message << "\n";
  if (!hint.empty()) std::cerr << "  hint: " << hint << "\n";
  if (json) {
    nlohmann::json error{{"code", static_cast<int>(code)},
                         {"kind", error_kind(code)},
                         {"message", message},
                         {"hint", hint.empty() ? nlohmann::json() : nlohmann::json(hint)}};
    std::cout << nlohmann::json{{"error", error}}.dump() << std::endl;
  }
  return static_cast<int>(code);
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
    // pgroll's variable, for a team switching: read when neither the flag nor slipway's is given.
    if (globals.postgres_url.empty())
      if (const char* url = std::getenv("PGROLL_PG_URL"); url && *url) globals.postgres_url = url;
    // Set at connection start, so every connection (DDL, backfill workers, checks) is that role.
    if (!globals.role.empty()) {
      globals.check_postgres_url();
      globals.postgres_url = pg::with_setting(globals.postgres_url, "role", globals.role);
    }
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    bool json = json_requested(globals, argc, argv);
    return report(ExitCode::usage, e.what(), "run slipway --help (or slipway COMMAND --help)", json);
  } catch (const cli::ReportedFailure& e) {
    return report(e.exit_code(), e.what(), e.hint(), false);
  } catch (const Error& e) {
    return report(e.exit_code(), e.what(), e.hint(), json_requested(globals, argc, argv));
  } catch (const std::exception& e) {
    // A database error that escaped untyped (a lost connection outside a resumable unit) is
    // the database's, with its hint, not slipway's internal error.
    bool json = json_requested(globals, argc, argv);
    try {
      pg::rethrow_typed();
    } catch (const Error& typed) {
      return report(typed.exit_code(), typed.what(), typed.hint(), json);
    } catch (...) {
    }
    return report(ExitCode::failed, std::string("internal error: ") + e.what(), "", json);
  }
  return 0;
}
