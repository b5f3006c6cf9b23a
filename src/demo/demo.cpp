#include "demo/demo.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "demo/format.hpp"
#include "demo/html_report.hpp"
#include "demo/interrupt.hpp"
#include "demo/live_view.hpp"
#include "demo/runs.hpp"
#include "demo/scenario.hpp"
#include "embedded/temp_cluster.hpp"
#include "pg/connection.hpp"
#include "pg/conninfo.hpp"
#include "pg/quote.hpp"
#include "util/error.hpp"
#include "catalog/inspector.hpp"

namespace slipway::demo {

namespace fs = std::filesystem;

namespace {
constexpr const char* kDemoDatabase = "slipway_demo";

std::string naive_schema(const std::string& schema) { return schema + "_naive_copy"; }

void validate(const DemoOptions& o) {
  using L = DemoLimits;
  // Written as "not inside", so NaN is outside too.
  auto inside = [](auto v, auto lo, auto hi) { return v >= lo && v <= hi; };
  if (!inside(o.rows, L::min_rows, L::max_rows))
    throw InputError(fmt::format("--rows {}: must be between {} and {}", o.rows, L::min_rows, L::max_rows));
  if (!inside(o.rate_per_app, L::min_rate, L::max_rate))
    throw InputError(fmt::format("--rate {}: must be between {} and {} queries/s", o.rate_per_app, L::min_rate, L::max_rate));
  if (!inside(o.warmup_s, 0.0, L::max_seconds) || !inside(o.rollout_s, 0.0, L::max_seconds))
    throw InputError(fmt::format("--warmup and --rollout: seconds between 0 and {}", L::max_seconds));
  if (!inside(o.threads_per_app, L::min_threads, L::max_threads))
    throw InputError(fmt::format("--threads {}: must be between {} and {}", o.threads_per_app, L::min_threads, L::max_threads));
  if (!o.report_file.empty()) {
    auto parent = fs::path(o.report_file).parent_path();
    if (!parent.empty() && !fs::is_directory(parent))
      throw InputError(fmt::format("--report {}: directory {} does not exist", o.report_file, parent.string()));
  }
}

// Refuses to touch a database that already has the demo's table (an existing server).
void require_clean(pg::Connection& conn, const std::string& schema) {
  for (const auto& s : {schema, naive_schema(schema)}) {
    if (catalog::Inspector(conn).relation_exists(s, kTable))
      throw InputError(fmt::format("{} already has a table {}.{}: the demo creates its own", conn.describe(), s, kTable),
                       "run the demo on an empty database, or without --postgres-url (a private cluster)");
  }
}

std::string server_version_text(pg::Connection& conn) {
  return conn.query_value<std::string>("SHOW server_version").value_or("?");
}

}  // namespace

std::string find_examples_dir(const std::string& given) {
  if (!given.empty()) {
    if (!fs::is_directory(given)) throw InputError(fmt::format("--examples {}: not a directory", given));
    return given;
  }
  std::vector<fs::path> candidates{fs::current_path() / "examples" / "user_profiles"};
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path().parent_path() / "examples" / "user_profiles");
    candidates.push_back(exe.parent_path().parent_path().parent_path() / "examples" / "user_profiles");
  }
  for (const auto& c : candidates) {
    if (fs::exists(c / scenario_steps().front().file)) return c.lexically_normal().string();
  }
  throw InputError("cannot find the demo's migration files (examples/user_profiles)",
                   "run from the repository's root, or pass --examples DIR");
}

int run_demo(const DemoOptions& o, const DriverFactory& make_driver) {
  validate(o);
  std::string examples = find_examples_dir(o.examples_dir);
  std::FILE* view_out = o.json ? stderr : stdout;
  bool tty = isatty(fileno(view_out)) != 0;

  Interrupt interrupt;
  LiveView view(view_out, tty, !o.live);
  DemoSummary summary;
  summary.rows = o.rows;
  summary.rate_per_app = o.rate_per_app;
  summary.lock_timeout_ms = double(o.lock_timeout.count());

  // The database: a private cluster, or the one --postgres-url names.
  std::unique_ptr<embedded::TempCluster> cluster;
  std::string conninfo;
  if (o.postgres_url.empty()) {
    view.log("starting a private PostgreSQL (initdb in a temp dir, its own port and socket dir)...");
    // The watchdog removes the cluster when this process ends, whatever the cause; --keep asks
    // for the opposite.
    embedded::ClusterOptions co;
    co.watchdog = !o.keep;
    cluster = std::make_unique<embedded::TempCluster>(co);
    cluster->start();
    pg::Connection admin(cluster->conninfo());
    admin.exec(fmt::format("CREATE DATABASE {}", pg::quote_ident(kDemoDatabase)));
    conninfo = cluster->conninfo(kDemoDatabase);
    summary.server = fmt::format("private PostgreSQL {} (port {}, {})", server_version_text(admin), cluster->port(),
                                 cluster->dir());
  } else {
    conninfo = o.postgres_url;
    pg::Connection probe(conninfo);
    require_clean(probe, o.schema);
    summary.server = fmt::format("PostgreSQL {} at {}", server_version_text(probe), probe.describe());
  }
  view.log("server: " + summary.server);

  int exit_code = 1;
  {
    pg::Connection conn(conninfo);
    auto t0 = std::chrono::steady_clock::now();
    view.log(fmt::format("loading user_profiles with {} rows...", thousands(o.rows)));
    load_scenario(conn, o.schema, o.rows);
    if (o.contrast) load_scenario(conn, naive_schema(o.schema), o.rows);
    view.log(fmt::format("loaded in {}", seconds(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count())));
  }

  RunSettings settings;
  settings.conninfo = conninfo;
  settings.schema = o.schema;
  settings.traffic.rate_per_app = o.rate_per_app;
  settings.traffic.threads_per_app = o.threads_per_app;
  settings.traffic.id_range = o.rows;
  settings.warmup_s = o.warmup_s;
  settings.rollout_s = o.rollout_s;
  settings.examples_dir = examples;

  if (!interrupt.requested()) {
    view.log(fmt::format("\n== slipway: {} changes through start -> backfill -> complete, under live traffic "
                         "({:.0f} q/s per app version)",
                         scenario_steps().size(), o.rate_per_app));
    auto driver = make_driver(conninfo);
    summary.slipway = run_slipway(settings, *driver, view, interrupt);
  }
  if (o.contrast && !interrupt.requested()) {
    view.log(fmt::format("\n== the naive way: the same changes with plain ALTER TABLE and one big UPDATE, on a copy "
                         "({}), same traffic",
                         naive_schema(o.schema)));
    RunSettings naive = settings;
    naive.schema = naive_schema(o.schema);
    summary.naive = run_naive(naive, view, interrupt);
  }
  summary.interrupted = interrupt.requested();
  view.stop();

  // The cluster: removed unless --keep.
  if (cluster) {
    if (o.keep) {
      cluster->detach();
      summary.cleanup = fmt::format("--keep: the private cluster is still running: psql \"{}\"; stop it with "
                                    "pg_ctl -D {} stop, then rm -rf {}",
                                    conninfo, cluster->data_dir(), cluster->dir());
    } else {
      cluster->stop();
      summary.cleanup = "the private cluster was stopped and removed";
    }
  } else {
    summary.cleanup = fmt::format("the demo's tables were left in {} (schema {}{})", summary.server, o.schema,
                                  o.contrast ? " and " + naive_schema(o.schema) : "");
  }
  if (summary.interrupted && !summary.slipway.outcome.empty())
    summary.cleanup = summary.slipway.outcome + "; " + summary.cleanup;

  if (!o.report_file.empty()) {
    std::ofstream out(o.report_file);
    out << html_report(summary);
    if (!out) throw Error("cannot write the report to " + o.report_file);
  }
  if (o.json) {
    std::cout << summary_json(summary).dump(2) << "\n";
  } else {
    std::cout << summary_table(summary);
    if (!o.report_file.empty()) std::cout << "report: " << o.report_file << "\n";
  }
  std::cout.flush();

  const auto& r = summary.slipway;
  if (summary.interrupted) exit_code = 130;
  else if (r.finished && r.app.errors == 0 && r.failures.empty() && r.rows_verified == r.rows) exit_code = 0;
  return exit_code;
}

}  // namespace slipway::demo
