// slipway compare: a consistency checker between two tables of one database or of two
// databases. Chunked server-side summaries, bisection down to the differing rows, rechecks for
// live data, and an optional repair of the target. Read-only on both sides unless --repair.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/context.hpp"
#include "cli/flag_values.hpp"
#include "cli/registry.hpp"
#include "cli/throttle_flags.hpp"
#include "compare/comparer.hpp"
#include "compare/repairer.hpp"
#include "compare/report.hpp"
#include "pg/conninfo.hpp"
#include "pg/quote.hpp"
#include "pg/resume.hpp"
#include "util/duration.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace slipway::cli {
namespace {

struct CompareArgs {
  std::string source, target;
  std::string table, target_table;
  std::vector<std::string> tables;
  std::string target_schema;
  std::vector<std::string> columns, exclude, maps;
  int recheck = 3;
  std::chrono::milliseconds recheck_delay{1000};
  std::chrono::milliseconds chunk_time{500};
  std::optional<int64_t> chunk_size;
  bool snapshot = false, redact = false, repair = false, dry_run = false;
  std::string checkpoint;
  std::string metrics_addr;
  std::string progress = "auto";
  ThrottleFlags throttle;
};

// "schema.table" or "table" (in `schema`), as SQL reads a name.
std::pair<std::string, std::string> table_name(const std::string& text, const std::string& schema, const char* flag) {
  auto q = pg::split_qualified(text, true);
  if (!q || q->name.empty()) throw InputError(fmt::format("{} {}: not a table name", flag, text), "e.g. users or app.users");
  return {q->schema.empty() ? schema : q->schema, q->name};
}

compare::ColumnMapping mapping(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos) {
    throw InputError(fmt::format("--map \"{}\": expected TARGET_COLUMN = EXPRESSION", text),
                     "e.g. --map \"full_name = first_name || ' ' || last_name\"");
  }
  auto trim = [](std::string s) {
    auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  };
  std::string column = trim(text.substr(0, eq)), expr = trim(text.substr(eq + 1));
  if (column.empty() || expr.empty()) {
    throw InputError(fmt::format("--map \"{}\": expected TARGET_COLUMN = EXPRESSION", text),
                     "both sides of `=` are needed");
  }
  if (auto q = pg::split_qualified(column, true); q && q->schema.empty()) column = q->name;
  return {column, expr};
}

// Session settings both sides read values under: timestamptz as text in UTC, and no write
// unless this side is repaired. No parallel workers: compare is a background reader, one
// backend per side (both sides work at the same time), not a burst of the server's workers —
// and on a small server the workers' start-up and gathering made a chunk slower (500,000 rows:
// 484 ms with two workers, 348 ms without).
void prepare_side(pg::Connection& conn, bool writable) {
  conn.exec("SET TimeZone = 'UTC'");
  conn.exec("SET max_parallel_workers_per_gather = 0");
  if (!writable) conn.exec("SET default_transaction_read_only = on");
}

// --snapshot: the target's session imports the source's snapshot, so both read one instant.
void share_snapshot(pg::Connection& source, pg::Connection& target) {
  source.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  auto id = source.query_value<std::string>("SELECT pg_export_snapshot()");
  target.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  try {
    target.exec("SET TRANSACTION SNAPSHOT " + pg::quote_literal(id.value_or("")));
  } catch (const pg::PgError& e) {
    throw InputError(fmt::format("--snapshot: the target cannot share the source's snapshot ({})", e.what()),
                     "--snapshot compares two tables of one database: leave --target out");
  }
}

void run_compare(const GlobalOptions& g, const CompareArgs& a, bool schema_given) {
  compare::CompareOptions o;
  std::string source_url = a.source.empty() ? g.postgres_url : a.source;
  std::string target_url = a.target.empty() ? source_url : a.target;
  for (auto [flag, url] : {std::pair{"--source", source_url}, std::pair{"--target", target_url}}) {
    if (url.empty()) continue;
    try {
      pg::check_conninfo(url);
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: {}", flag, e.what()), e.hint());
    }
  }
  std::string target_schema = a.target_schema.empty() ? g.schema : a.target_schema;
  if (!a.table.empty()) {
    auto [s, t] = table_name(a.table, g.schema, "--table");
    auto [ts, tt] = a.target_table.empty() ? std::pair{a.target_schema.empty() ? s : target_schema, t}
                                           : table_name(a.target_table, target_schema, "--target-table");
    o.tables.push_back({s, t, ts, tt});
  } else if (!a.tables.empty()) {
    for (const auto& name : a.tables) {
      auto [s, t] = table_name(name, g.schema, "--tables");
      o.tables.push_back({s, t, a.target_schema.empty() ? s : target_schema, t});
    }
  } else if (!schema_given) {
    throw InputError("slipway compare: say what to compare: --table T, --tables T1,T2 or --schema S",
                     "e.g. slipway compare --source URL --target URL --table users");
  }
  if (a.snapshot && target_url != source_url) {
    throw InputError("--snapshot compares two tables of one database: --target names another",
                     "leave --target out (and use --target-table), or drop --snapshot and let --recheck confirm");
  }
  if (a.dry_run && !a.repair) throw InputError("--dry-run goes with --repair", "add --repair to see its statements");
  o.columns = a.columns;
  o.exclude = a.exclude;
  for (const auto& m : a.maps) o.maps.push_back(mapping(m));
  o.recheck = a.recheck;
  o.recheck_delay = a.recheck_delay;
  o.snapshot = a.snapshot;
  o.redact = a.redact;
  o.chunk_time = a.chunk_time;
  o.chunk_size = a.chunk_size;
  o.repair = a.repair;
  o.dry_run = a.dry_run;
  o.lock_policy = g.lock_policy();
  o.throttle = throttle_options(a.throttle, !a.metrics_addr.empty());
  o.checkpoint_file = a.checkpoint;
  o.metrics_addr = a.metrics_addr;

  compare::Checkpoint checkpoint(o.checkpoint_file);
  compare::Report report;
  report.redact = o.redact;
  report.repair = o.repair;
  report.dry_run = o.dry_run;
  size_t repaired = 0;
  backfill::Metrics metrics("slipway_compare");
  std::unique_ptr<backfill::MetricsServer> metrics_server;
  if (!o.metrics_addr.empty()) {
    metrics_server = std::make_unique<backfill::MetricsServer>(o.metrics_addr, metrics);
    o.throttle.measure_lag = true;  // a DBA watching wants the standbys' lag either way
  }
  std::unique_ptr<backfill::Throttler> throttler;
  if (o.throttle.max_rate || o.throttle.max_lag || !o.throttle.throttle_query.empty() || !o.throttle.pause_file.empty() ||
      metrics_server) {
    o.throttle.lock_wait_detection = false;  // compare reads: it holds no lock an application waits on
    throttler = std::make_unique<backfill::Throttler>(source_url, o.throttle);
    throttler->start();
  }
  backfill::ProgressConfig pc;
  pc.style = backfill::parse_progress_style(a.progress);
  auto sink = backfill::make_progress_sink(std::cerr, pc);
  // One unit of work that resumes where it stood: tables compared keep their results, the
  // table in progress continues after its last chunk (the checkpoint, in memory or in a file).
  bool connected = false;
  auto unit = [&] {
    pg::Connection source(source_url);
    pg::Connection target(target_url);
    connected = true;
    prepare_side(source, false);
    prepare_side(target, a.repair && !a.dry_run);
    if (o.tables.empty()) o.tables = compare::tables_in_schema(source, g.schema, target_schema);
    // Every pair is checked before the first row is read.
    std::vector<compare::TableComparison> comparisons;
    for (const auto& pair : o.tables) comparisons.push_back(compare::inspect_pair(source, target, pair, o));
    if (o.snapshot) share_snapshot(source, target);
    compare::Comparer comparer(source, target, o, throttler.get(), sink.get(), checkpoint,
                               metrics_server ? &metrics : nullptr);
    for (size_t i = report.tables.size(); i < comparisons.size(); ++i) report.tables.push_back(comparer.run(comparisons[i]));
    if (!o.repair) return;
    pg::DdlExecutor ddl(target, o.lock_policy, [](const pg::RetryEvent& e) {
      log::info("  {} on `{}`: retry {} in {}", e.reason, e.statement, e.attempt, format_duration(e.backoff));
    });
    compare::Repairer repairer(source, ddl, comparer, o.dry_run);
    for (; repaired < report.tables.size(); ++repaired) repairer.repair(report.tables[repaired]);
  };
  try {
    pg::resume_after_lost_connection("compare", unit);
  } catch (const pg::ConnectionLost& e) {
    throw LockGaveUp(fmt::format("compare: {}", e.what()), e.hint());
  } catch (const pg::ConnectFailed& e) {
    if (!connected) throw;  // never connected: exit 1, as for any command
    throw LockGaveUp(fmt::format("compare: {}", e.what()), e.hint());
  }
  if (throttler) throttler->stop();
  std::cout << (g.json ? report.to_json().dump(2) + "\n" : report.to_text());
  if (!report.identical()) throw ReportedFailure("differences found");
}

CommandRegistration compare_command(75, [](CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("compare", "compare two tables (of one database or of two) and list what differs");
  auto a = std::make_shared<CompareArgs>();
  using std::chrono::milliseconds, std::chrono::minutes;
  cmd->add_option("--source", a->source, "the source database (default: --postgres-url or libpq's PG* variables)");
  cmd->add_option("--target", a->target, "the target database (default: the source)");
  auto* table = cmd->add_option("--table", a->table, "the table to compare (schema.table or table in --schema)");
  auto* tables = cmd->add_option("--tables", a->tables, "several tables, comma-separated")->delimiter(',');
  table->excludes(tables);
  cmd->add_option("--target-table", a->target_table, "the target's table when its name differs (with --table)")
      ->needs(table);
  cmd->add_option("--target-schema", a->target_schema, "the target's schema (default: the source's)");
  cmd->add_option("--columns", a->columns, "compare only these target columns (comma-separated)")->delimiter(',');
  cmd->add_option("--exclude", a->exclude, "never compare these columns (comma-separated)")->delimiter(',');
  cmd->add_option("--map", a->maps, "TARGET_COLUMN = expression over the source's columns (repeatable)");
  add_count_option(*cmd, "--recheck", a->recheck, "fetch a differing row again this many times before reporting it",
                   {0, 100});
  add_duration_option(*cmd, "--recheck-delay", a->recheck_delay, "wait between rechecks",
                      {milliseconds(0), minutes(10)});
  auto* snapshot = cmd->add_flag("--snapshot", a->snapshot, "one database: both sides read one snapshot");
  cmd->add_flag("--redact", a->redact, "print keys and column names only, never values");
  add_duration_option(*cmd, "--chunk-time", a->chunk_time, "target time of one chunk's summary",
                      {milliseconds(10), minutes(1)});
  add_count_option(*cmd, "--chunk-size", a->chunk_size, "fixed rows per chunk (no adaptation)", {1, 100000000});
  auto* repair = cmd->add_flag("--repair", a->repair, "make the target's differing rows equal to the source's");
  cmd->add_flag("--dry-run", a->dry_run, "with --repair: print the statements, change nothing");
  repair->excludes(snapshot);  // a read-only snapshot cannot write
  cmd->add_option("--checkpoint", a->checkpoint,
                  "save progress to this file after every chunk; run again with it to resume");
  cmd->add_option("--metrics-addr", a->metrics_addr, "serve Prometheus metrics on HOST:PORT while running");
  cmd->add_option("--progress", a->progress, "auto|bar|lines|json|none")
      ->check(CLI::IsMember({"auto", "bar", "lines", "json", "none"}))
      ->capture_default_str();
  add_throttle_flags(*cmd, a->throttle, "the compare");
  cmd->callback([&g, &app, a] { run_compare(g, *a, app.get_option("--schema")->count() > 0); });
});

}  // namespace
}  // namespace slipway::cli
