// slipway backfill: runs a batched backfill on one table (UPDATE ... SET <expr> in keyset
// batches, throttled, resumable), or shows the recorded backfill jobs (--status).
#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>

#include "backfill/engine.hpp"
#include "cli/backfill_flags.hpp"
#include "cli/context.hpp"
#include "cli/registry.hpp"
#include "cli/user_text_flags.hpp"
#include "util/duration.hpp"
#include "util/error.hpp"
#include "util/stable_hash.hpp"

namespace slipway::cli {
namespace {

struct BackfillArgs {
  bool status = false;
  std::string forget;
  std::string table;
  std::string set;
  std::string where;
  std::string key;
  std::string job;
  BackfillFlags flags;
};

std::atomic<backfill::Engine*> running_engine{nullptr};

extern "C" void on_stop_signal(int) {
  if (auto* e = running_engine.load()) e->request_stop();  // an atomic store: signal-safe
}

// FNV-1a: a default job id that is the same for the same command line on every run.
std::string stable_hash_hex(const std::string& s) { return fmt::format("{:08x}", stable_hash(s)); }

std::vector<std::string> split_columns(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    auto comma = s.find(',', start);
    auto part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto b = part.find_first_not_of(' '), e = part.find_last_not_of(' ');
    if (b == std::string::npos) throw InputError("--key: empty column name in \"" + s + "\"", "e.g. --key tenant_id,id");
    out.push_back(part.substr(b, e - b + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

void show_status(const GlobalOptions& g, const BackfillArgs& a) {
  Session s(g, Session::Mode::read_only);
  auto jobs = backfill::list_jobs(s.conn().conninfo(), g.state_schema,
                                  a.job.empty() ? std::nullopt : std::optional<std::string>(a.job));
  if (g.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& j : jobs) {
      out.push_back({{"job_id", j.job_id}, {"schema", j.schema}, {"table", j.table}, {"key", j.key_columns},
                     {"action", j.action}, {"status", j.status}, {"rows_done", j.rows_done},
                     {"rows_estimate", j.rows_estimate}, {"ranges", j.ranges}, {"ranges_done", j.ranges_done},
                     {"started_at", j.started_at}, {"updated_at", j.updated_at},
                     {"completed_at", j.completed_at ? nlohmann::json(*j.completed_at) : nlohmann::json()},
                     {"error", j.error ? nlohmann::json(*j.error) : nlohmann::json()}});
    }
    std::cout << out.dump(2) << "\n";
    return;
  }
  if (jobs.empty()) {
    std::cout << "no backfill jobs\n";
    return;
  }
  std::cout << fmt::format("{:<32} {:<28} {:<12} {:>22} {:>7}  {}\n", "JOB", "TABLE", "STATUS", "ROWS", "DONE",
                           "UPDATED");
  for (const auto& j : jobs) {
    double pct = j.status == "complete" ? 100.0
                 : j.rows_estimate > 0  ? std::min(99.9, 100.0 * double(j.rows_done) / double(j.rows_estimate))
                                        : 0.0;
    std::cout << fmt::format("{:<32} {:<28} {:<12} {:>22} {:>6.1f}%  {}\n", j.job_id, j.schema + "." + j.table,
                             j.status, fmt::format("{}/{}{}", j.rows_done, j.status == "complete" ? "" : "~", j.rows_estimate), pct, j.updated_at);
    if (j.error) std::cout << "    error: " << *j.error << "\n";
  }
}

void run_backfill(const GlobalOptions& g, const BackfillArgs& a) {
  if (a.table.empty()) throw InputError("slipway backfill: --table is required (or use --status)");
  if (a.set.empty()) {
    throw InputError("slipway backfill: --set is required", "e.g. --set \"full_name = first_name || ' ' || last_name\"");
  }
  check_flag_text("--set", a.set, lint::assignments_problem);
  check_flag_text("--where", a.where, lint::expression_problem);
  std::unique_ptr<backfill::ProgressSink> sink;
  backfill::EngineOptions opt = engine_options(g, a.flags, sink);
  bool json = progress_is_json(g, a.flags);

  backfill::JobSpec spec;
  spec.schema = g.schema;
  spec.table = a.table;
  if (!a.key.empty()) spec.key_columns = split_columns(a.key);
  spec.action = backfill::update_action(a.set, a.where);
  spec.action_description = "SET " + a.set + (a.where.empty() ? "" : " WHERE " + a.where);
  spec.job_id = a.job.empty() ? fmt::format("{}.{}:{}", g.schema, a.table,
                                            stable_hash_hex(spec.action_description + "|" + a.key))
                              : a.job;

  Session s(g, Session::Mode::state_changing);
  backfill::Engine engine(s.conn().conninfo(), spec, opt);
  running_engine = &engine;
  auto prev_int = std::signal(SIGINT, on_stop_signal);
  auto prev_term = std::signal(SIGTERM, on_stop_signal);
  backfill::BackfillResult res;
  try {
    res = engine.run();
  } catch (...) {
    running_engine = nullptr;
    std::signal(SIGINT, prev_int);
    std::signal(SIGTERM, prev_term);
    throw;
  }
  running_engine = nullptr;
  std::signal(SIGINT, prev_int);
  std::signal(SIGTERM, prev_term);

  if (json) {
    std::cout << nlohmann::json{{"event", "result"},
                                {"job", res.job_id},
                                {"complete", res.complete || res.already_complete},
                                {"resumed", res.resumed},
                                {"rows_done", res.rows_done},
                                {"rows_this_run", res.rows_this_run},
                                {"rows_updated", res.rows_affected_this_run},
                                {"batches", res.batches_this_run},
                                {"seconds", res.seconds},
                                {"throttled_seconds", res.throttled_seconds},
                                {"lock_wait_events", res.lock_wait_events},
                                {"vacuums", res.vacuums}}
                     .dump()
              << "\n";
  } else if (res.already_complete && !res.resumed) {
    std::cout << fmt::format("backfill job \"{}\": the table has no rows, nothing to do\n", res.job_id);
  } else if (res.already_complete) {
    std::cout << fmt::format("backfill job \"{}\" is already complete ({} rows)\n", res.job_id, res.rows_done);
  } else {
    std::cout << fmt::format("backfill job \"{}\": {} rows in {:.1f}s ({} updated, {} batches){}\n", res.job_id,
                             res.rows_this_run, res.seconds, res.rows_affected_this_run, res.batches_this_run,
                             res.resumed ? ", resumed from checkpoint" : "");
  }
  if (!res.complete && !res.already_complete) {
    throw ReportedFailure(fmt::format("backfill job \"{}\" stopped before the end", res.job_id),
                "run the same command again to continue from its checkpoint");
  }
}

CommandRegistration backfill_command(60, [](CLI::App& app, GlobalOptions& g) {
  auto a = std::make_shared<BackfillArgs>();
  auto* cmd = app.add_subcommand("backfill", "fill a column in keyset batches (throttled, resumable), or show jobs");
  auto* status = cmd->add_flag("--status", a->status, "show recorded backfill jobs and their progress");
  auto* forget = cmd->add_option("--forget", a->forget, "remove a job's checkpoint");
  std::vector<CLI::Option*> run_only{
      cmd->add_option("--table", a->table, "table to backfill (in --schema)"),
      cmd->add_option("--set", a->set, "assignments for each row, e.g. \"full_name = first_name || ' ' || last_name\""),
      cmd->add_option("--where", a->where, "only update rows matching this condition"),
      cmd->add_option("--key", a->key, "key columns to walk by (default: primary key), comma-separated")};
  auto* job = cmd->add_option("--job", a->job, "job id (default: derived from table and --set); rerun to resume");
  for (auto* o : add_backfill_flags(*cmd, a->flags)) run_only.push_back(o);
  // --status and --forget are actions of their own: a flag of a run would be silently ignored.
  status->excludes(forget);
  forget->excludes(job);
  for (auto* o : run_only) {
    status->excludes(o);
    forget->excludes(o);
  }
  cmd->callback([&g, a] {
    if (a->status) return show_status(g, *a);
    if (!a->forget.empty()) {
      Session s(g, Session::Mode::read_only);
      bool existed = backfill::forget_job(s.conn().conninfo(), g.state_schema, a->forget);
      if (!existed) throw InputError("no backfill job \"" + a->forget + "\"", "see `slipway backfill --status`");
      std::cout << "forgot backfill job \"" << a->forget << "\"\n";
      return;
    }
    run_backfill(g, *a);
  });
});

}  // namespace
}  // namespace slipway::cli
