#include "cli/rewrite_command.hpp"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <vector>

#include "cli/context.hpp"
#include "cli/flag_values.hpp"
#include "cli/user_text_flags.hpp"
#include "pg/resume.hpp"
#include "rewrite/rewriter.hpp"
#include "util/error.hpp"

namespace slipway::cli {

namespace {
struct RewriteFlags {
  rewrite::Options options;
  bool undo = false, cleanup = false, abort = false;
  double max_rate = 0;
};
}  // namespace

void add_rewrite_command(CLI::App& app, GlobalOptions& g, const RewriteCommandSpec& spec) {
  auto flags = std::make_shared<RewriteFlags>();
  auto* cmd = app.add_subcommand(spec.name, spec.description);
  cmd->add_option("--table", flags->options.table, std::string("the table to ") + spec.name)->required();
  std::vector<CLI::Option*> copy_flags;  // used by a run only
  if (spec.takes_alter) {
    copy_flags.push_back(cmd->add_option("--alter", flags->options.alter,
                    "ALTER TABLE actions for the new definition, e.g. \"ALTER COLUMN id TYPE bigint\""));
  }
  auto* undo = cmd->add_flag("--undo", flags->undo, "after the swap: swap the old table back in");
  auto* cleanup = cmd->add_flag("--cleanup", flags->cleanup, "after the swap: drop the old table (ends the rollback window)");
  auto* abort = cmd->add_flag("--abort", flags->abort, "before the swap: stop and remove every helper object");
  undo->excludes(cleanup)->excludes(abort);
  cleanup->excludes(abort);
  using std::chrono::milliseconds, std::chrono::minutes, std::chrono::hours;
  auto& o = flags->options;
  copy_flags.push_back(add_duration_option(*cmd, "--chunk-time", o.chunk_time, "target duration of one copy chunk",
                                          {milliseconds(10), minutes(1)}));
  copy_flags.push_back(add_count_option(*cmd, "--chunk-rows", o.initial_chunk_rows,
                                        "rows in the first copy chunk (then adapts)", {1, o.max_chunk_rows}));
  copy_flags.push_back(add_count_option(*cmd, "--workers", o.copy_workers, "connections copying in parallel", {1, 64}));
  // Pacing of the replay too, so --undo (which replays back) takes them; --cleanup and --abort do not.
  std::vector<CLI::Option*> replay_flags{
      add_number_option(*cmd, "--max-rate", flags->max_rate, "at most this many rows per second (0: no limit)",
                        {0, 1e9}),
      add_duration_option(*cmd, "--max-lag", o.max_lag,
                          "pause while a standby's replication lag exceeds this (e.g. 5s)",
                          {milliseconds(10), hours(24)}),
      cmd->add_option("--throttle-query", flags->options.throttle_query, "pause while this query returns true"),
      cmd->add_option("--pause-file", flags->options.pause_file, "pause while this file exists"),
      // 0 would never swap: no backlog is ever below 0 entries.
      add_count_option(*cmd, "--swap-backlog", o.swap_backlog, "swap once fewer log entries than this remain",
                       {1, 100000000})};
  for (auto* action : {undo, cleanup, abort}) {
    for (auto* f : copy_flags) action->excludes(f);
  }
  for (auto* action : {cleanup, abort}) {
    for (auto* f : replay_flags) action->excludes(f);
  }
  cmd->callback([flags, &g, spec] {
    auto& f = *flags;
    auto action = f.undo ? rewrite::Action::undo
                  : f.cleanup ? rewrite::Action::cleanup
                  : f.abort   ? rewrite::Action::abort
                              : rewrite::Action::run;
    if (spec.takes_alter && action == rewrite::Action::run && f.options.alter.empty()) {
      throw InputError("--alter is required to start a rewrite",
                       "to rewrite a table without changing it, use `slipway repack`");
    }
    f.options.schema = g.schema;
    f.options.state_schema = g.state_schema;
    f.options.kind = spec.takes_alter ? rewrite::Kind::rewrite : rewrite::Kind::repack;
    check_flag_text("--throttle-query", f.options.throttle_query, lint::query_problem);
    if (f.max_rate > 0) f.options.max_rate = f.max_rate;
    // Every phase records its progress as it commits: after a lost connection (a server
    // restart) a new session resumes from the record, in the same run, as `start` does.
    rewrite::Report report;
    pg::resume_after_lost_connection(spec.name, [&] {
      Session s(g, Session::Mode::state_changing);
      s.store().require_initialized();
      s.store().init();  // adds the rewrite tables to a state schema made by an older slipway
      rewrite::Rewriter rw(s.ddl());
      report = rw.perform(action, f.options);
    });
    std::cout << (g.json ? report.to_json().dump(2) + "\n" : report.to_text());
  });
}

}  // namespace slipway::cli
