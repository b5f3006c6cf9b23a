// slipway lint: static safety analysis of SQL (and pgroll) migrations. No database needed; this
// file only parses flags and calls into src/lint.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iterator>

#include "apply/script_plan.hpp"
#include "cli/context.hpp"
#include "cli/registry.hpp"
#include "util/text_file.hpp"
#include "lint/config.hpp"
#include "lint/format/format.hpp"
#include "lint/linter.hpp"
#include "lint/parser.hpp"
#include "lint/rule.hpp"
#include "util/error.hpp"

namespace slipway::cli {
namespace {

struct LintFlags {
  std::vector<std::string> paths;
  std::string format = "human";
  bool explain = false;
  int pg_version = 0;  // 0: config or 15
  bool assume_in_transaction = false;
  std::string assume_timezone;
  std::string config;
  bool list_rules = false;
  bool fix = false;
  bool write = false;
};

void list_rules() {
  for (auto& r : lint::all_rules()) {
    auto info = r->info();
    std::cout << info.id << "  (" << lint::severity_name(info.severity) << ")  " << info.summary << "\n";
  }
}

// --fix: each file's statements in their safe form (lint/safe, what `slipway apply` runs), for
// teams whose own tool runs the SQL. Comments between statements are not kept.
std::string fixed_sql(const std::string& path, std::string text, const LintFlags& f, int pg_version) {
  apply::Section section;
  section.present = true;
  section.file = path;
  section.sql = std::move(text);
  lint::SchemaFacts facts;
  apply::PlanOptions options;
  options.pg_version = pg_version;
  auto plan = apply::plan_section(section, f.assume_in_transaction, options, facts);
  std::string out;
  bool leaves_transaction = false;
  for (auto& st : plan.statements) {
    if (st.skipped) {
      out += st.text + ";\n";
      continue;
    }
    out += lint::plan_as_sql({st.plan});
    for (auto& step : st.plan.steps) leaves_transaction |= !step.transactional && st.plan.rewritten();
  }
  if (leaves_transaction)
    out = "-- slipway: steps below run outside a transaction: run this file without one (goose: -- +goose NO "
          "TRANSACTION; dbmate: -- migrate:up transaction:false; flyway: executeInTransaction=false)\n" + out;
  return out;
}

int run_fix(const LintFlags& f, int pg_version) {
  if (f.paths.empty()) {
    std::string text = read_text(std::cin, "<stdin>", limits::max_lint_file_bytes, "lint's input");
    std::cout << fixed_sql("<stdin>", std::move(text), f, pg_version);
    return 0;
  }
  for (auto& arg : f.paths) {
    auto files = lint::expand_path_argument(arg);
    if (files.empty()) throw InputError("no file matches " + arg, "check the paths given to slipway lint");
    for (auto& file : files) {
      if (lint::is_pgroll_path(file)) continue;  // pgroll operations are safe by construction
      std::string text = read_text_file(file, limits::max_lint_file_bytes, "a file to lint");
      std::string fixed = fixed_sql(file, text, f, pg_version);
      if (f.write) {
        if (fixed != text) write_text_file(file, fixed);
        std::cout << (fixed != text ? "fixed " : "unchanged ") << file << "\n";
      } else {
        if (f.paths.size() > 1 || files.size() > 1) std::cout << "-- " << file << "\n";
        std::cout << fixed;
      }
    }
  }
  return 0;
}

int run_lint(const LintFlags& f, const GlobalOptions& g, bool format_given) {
  if (f.list_rules) {
    list_rules();
    return 0;
  }
  auto format = lint::parse_format(f.format);
  if (!format) throw InputError("unknown --format " + f.format, "use human, json, sarif, github or gcc");
  if (!format_given && g.json) format = lint::Format::json;

  lint::LintConfigFile cfg;
  if (!f.config.empty()) cfg = lint::load_config(f.config);
  else if (auto found = lint::find_config(std::filesystem::current_path())) cfg = lint::load_config(*found);

  lint::LintSettings settings;
  settings.options.pg_version = f.pg_version ? f.pg_version : cfg.pg_version.value_or(15);
  if (settings.options.pg_version < 9 || settings.options.pg_version > 17)
    throw InputError("--pg-version " + std::to_string(settings.options.pg_version) + " is out of range",
                     "use a PostgreSQL major version between 9 and 17");
  settings.options.assume_in_transaction = f.assume_in_transaction || cfg.assume_in_transaction.value_or(false);
  settings.options.assume_timezone = !f.assume_timezone.empty() ? f.assume_timezone : cfg.assume_timezone.value_or("");
  settings.disabled_rules = cfg.disabled_rules;
  settings.explain = f.explain;
  if (f.fix) return run_fix(f, settings.options.pg_version);
  lint::Linter linter(settings);

  std::vector<lint::FileReport> reports;
  std::vector<std::string> problems;
  std::string last_hint = "check the paths given to slipway lint";
  if (f.paths.empty()) {
    std::string text = read_text(std::cin, "<stdin>", limits::max_lint_file_bytes, "lint's input");
    reports.push_back(linter.lint_sql("<stdin>", std::move(text)));
  }
  for (auto& arg : f.paths) {
    auto files = lint::expand_path_argument(arg);
    if (files.empty()) {
      problems.push_back("no file matches " + arg);
      last_hint = "check the paths given to slipway lint";
    }
    for (auto& file : files) {
      if (cfg.excludes(file)) continue;
      try {
        reports.push_back(linter.lint_path(file));
      } catch (const InputError& e) {
        problems.push_back(e.what());
        if (!e.hint().empty()) last_hint = e.hint();
      }
    }
  }

  lint::RenderOptions opts;
  opts.explain = f.explain;
  opts.color = *format == lint::Format::human && isatty(fileno(stdout)) && !std::getenv("NO_COLOR");
  if (f.explain && *format == lint::Format::human)  // what the classifications below rest on
    std::cout << "parsed with the PostgreSQL " << lint::grammar_version() << " grammar (libpg_query); rules for PostgreSQL "
              << settings.options.pg_version << ", TimeZone "
              << (settings.options.assume_timezone.empty() ? std::string("unknown until SET")
                                                           : settings.options.assume_timezone)
              << "\n";
  lint::render(*format, reports, std::cout, opts);
  std::cout.flush();

  if (!problems.empty()) {
    for (std::size_t i = 0; i + 1 < problems.size(); ++i) std::cerr << "slipway: " << problems[i] << "\n";
    throw InputError(problems.back(), last_hint);
  }
  auto t = lint::totals(reports);
  if (t.errors > 0) throw ReportedFailure("lint found " + std::to_string(t.errors) + (t.errors == 1 ? " error" : " errors"));
  return 0;
}

CommandRegistration lint_command(70, [](CLI::App& app, GlobalOptions& g) {
  auto flags = std::make_shared<LintFlags>();
  auto* cmd = app.add_subcommand("lint", "check SQL migrations for locking and rewrite hazards (no database needed)");
  auto* paths =
      cmd->add_option("paths", flags->paths, "files, directories or globs (`**` spans directories); stdin when none");
  auto* fmt = cmd->add_option("--format", flags->format, "human (default), json, sarif, github or gcc")
                  ->check(CLI::IsMember({"human", "json", "sarif", "github", "gcc"}));
  std::vector<CLI::Option*> lint_only{
      paths, fmt, cmd->add_flag("--explain", flags->explain, "print the lock/rewrite classification of every statement"),
      cmd->add_option("--pg-version", flags->pg_version, "target PostgreSQL major version (default 15)"),
      cmd->add_flag("--assume-in-transaction", flags->assume_in_transaction,
                    "each file runs in one transaction (as most migration tools do)"),
      cmd->add_option("--assume-timezone", flags->assume_timezone,
                      "the TimeZone the migrations run with until they SET one (e.g. UTC: timestamp <-> "
                      "timestamptz then needs no rewrite on PostgreSQL 12+)"),
      cmd->add_option("--config", flags->config, "config file (default: .slipway.toml or slipway.yaml, walking up)")};
  auto* fix = cmd->add_flag("--fix", flags->fix, "print each file's SQL with every hazard rewritten to its safe form "
                                               "(what `slipway apply` runs)");
  auto* write = cmd->add_flag("--write", flags->write, "with --fix: save the safe SQL into the files");
  write->needs(fix);
  lint_only.push_back(fix);
  lint_only.push_back(write);
  auto* list = cmd->add_flag("--list-rules", flags->list_rules, "list the rules and exit");
  for (auto* o : lint_only) list->excludes(o);  // they would be ignored
  cmd->footer("Exit codes: 0 nothing at error level, 1 findings at error level, 2 bad usage or unreadable file.");
  cmd->callback([flags, fmt, &g] { run_lint(*flags, g, fmt->count() > 0); });
});

}  // namespace
}  // namespace slipway::cli
