// slipway apply: runs a directory of plain SQL migrations (golang-migrate, goose, flyway,
// dbmate, diesel, sqitch, or plain files) the safe way: every hazard rewritten (lint/safe),
// every lock under lock_timeout with retries, checkpointed per unit of work, and recorded in
// the tool's own history table so the tool itself can take over again at any version.
#include <CLI/CLI.hpp>

#include <iostream>

#include "apply/migrator.hpp"
#include "cli/backfill_flags.hpp"
#include "cli/context.hpp"
#include "cli/registry.hpp"
#include "pg/resume.hpp"
#include "util/error.hpp"

namespace slipway::cli {
namespace {

struct ApplyArgs {
  std::vector<std::string> inputs;
  std::string layout = "auto";
  bool dry_run = false;
  bool no_rewrite = false;
  bool strict = false;
  bool down = false;
  std::string target;
  std::string history_table;
  std::string history_schema;
  BackfillFlags flags;
};

void print_plan(const apply::ApplyReport& report) {
  if (report.scripts.empty()) {
    std::cout << "nothing to apply: " << report.already_applied.size() << " version(s) already recorded in "
              << report.history_table << "\n";
    return;
  }
  for (auto& s : report.scripts) {
    std::cout << (s.direction == "down" ? "revert " : "apply ") << s.version << " " << s.description << " ("
              << s.file << ")\n";
    for (auto& st : s.statements) {
      std::string sql = st["sql"].get<std::string>();
      auto nl = sql.find('\n');
      std::cout << "  line " << st["line"].get<int>() << ": " << (nl == std::string::npos ? sql : sql.substr(0, nl) + " ...")
                << "\n";
      if (st.contains("skipped")) {
        std::cout << "    skipped: " << st["skipped"].get<std::string>() << "\n";
        continue;
      }
      if (st.contains("rewrite")) std::cout << "    rewrite: " << st["rewrite"].get<std::string>() << "\n";
      if (st.contains("warning")) std::cout << "    warning: " << st["warning"].get<std::string>() << "\n";
      if (!st.contains("rewrite")) {
        auto& step = st["steps"][0];
        std::cout << "    as written  [" << step["lock"].get<std::string>()
                  << (step["relation"].get<std::string>().empty() ? "" : " on " + step["relation"].get<std::string>())
                  << "]\n";
        continue;
      }
      for (auto& step : st["steps"]) {
        std::string kind = step["kind"];
        std::string where = kind == "batched_update" ? ", keyset batches"
                            : kind == "online_rewrite" ? ", online rewrite"
                            : !step["in_transaction"].get<bool>() ? ", outside a transaction"
                                                                    : "";
        std::cout << "    -> " << step["sql"].get<std::string>() << "  [" << step["lock"].get<std::string>()
                  << (step["relation"].get<std::string>().empty() ? "" : " on " + step["relation"].get<std::string>())
                  << where << "]\n";
      }
    }
  }
}

CommandRegistration apply_command(65, [](CLI::App& app, GlobalOptions& g) {
  auto a = std::make_shared<ApplyArgs>();
  auto* cmd = app.add_subcommand("apply", "run plain SQL migrations (golang-migrate, goose, flyway, dbmate, diesel, "
                                          "sqitch) safely, recorded in the tool's own history");
  cmd->add_option("inputs", a->inputs, "a migrations directory, or SQL files in order")->required();
  cmd->add_option("--layout", a->layout, "auto|golang-migrate|goose|flyway|dbmate|diesel|sqitch|plain")
      ->capture_default_str();
  cmd->add_flag("--dry-run", a->dry_run, "show the plan (each statement's safe form and its lock); change nothing");
  cmd->add_flag("--no-rewrite", a->no_rewrite, "run every statement as written (still under lock_timeout)");
  cmd->add_flag("--strict", a->strict, "refuse to run statements that stay hazardous (no safe form)");
  cmd->add_flag("--down", a->down, "revert: the latest applied version, or with --target every one after it");
  cmd->add_option("--target", a->target, "up: apply through this version; --down: revert down to it (kept)");
  cmd->add_option("--history-table", a->history_table, "the tool's history table, if not its default name");
  cmd->add_option("--history-schema", a->history_schema, "the schema of the history table (default: the tool's)");
  add_backfill_flags(*cmd, a->flags);
  cmd->callback([&g, a] {
    std::vector<std::filesystem::path> inputs(a->inputs.begin(), a->inputs.end());
    auto set = apply::read_migration_set(inputs, apply::parse_layout(a->layout));
    apply::ApplyRequest req;
    req.dry_run = a->dry_run;
    req.rewrite = !a->no_rewrite;
    req.strict = a->strict;
    req.down = a->down;
    if (!a->target.empty()) req.target = a->target;
    req.history.table = a->history_table;
    req.history.schema = a->history_schema;
    req.history.state_schema = g.state_schema;
    std::unique_ptr<backfill::ProgressSink> sink;
    apply::ApplierOptions opt;
    opt.state_schema = g.state_schema;
    opt.backfill = engine_options(g, a->flags, sink, false);
    opt.say = [&g](const std::string& line) {
      if (!g.json) std::cout << line << std::endl;
    };
    apply::ApplyReport report;
    pg::resume_after_lost_connection("apply", [&] {
      Session s(g, a->dry_run ? Session::Mode::read_only : Session::Mode::state_changing);
      opt.before_first_change = [&s] { s.store().init(); };  // the checkpoints live in slipway's state schema
      apply::Migrator migrator(s.ddl(), opt);
      report = migrator.run(set, req);
    });
    if (g.json) std::cout << report.to_json().dump(2) << "\n";
    else if (a->dry_run) print_plan(report);
    else if (report.scripts.empty()) print_plan(report);
    else
      std::cout << (a->down ? "reverted " : "applied ") << report.scripts.size() << " script(s); recorded in "
                << report.history_table << "\n";
  });
});

}  // namespace
}  // namespace slipway::cli
