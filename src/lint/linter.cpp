#include "lint/linter.hpp"

#include <algorithm>
#include <tuple>

#include <nlohmann/json.hpp>

#include "lint/directives.hpp"
#include "lint/parser.hpp"
#include "lint/rule.hpp"
#include "lint/source.hpp"
#include "lint/unparsed.hpp"
#include "lint/walk.hpp"
#include "util/error.hpp"
#include "util/text_file.hpp"

namespace slipway::lint {

std::string_view Statement::text_between(int from, int to) const {
  std::ptrdiff_t a = from - location_shift;
  std::ptrdiff_t b = to < 0 ? static_cast<std::ptrdiff_t>(text.size()) : to - location_shift;
  if (from < 0 || a < 0 || b > static_cast<std::ptrdiff_t>(text.size()) || a > b) return {};
  return text.substr(static_cast<std::size_t>(a), static_cast<std::size_t>(b - a));
}

Linter::Linter(LintSettings settings) : settings_(std::move(settings)) {}

bool is_pgroll_path(const std::string& path) {
  auto ends = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends(".yaml") || ends(".yml") || ends(".json");
}

namespace {

// Migration tools that run a file outside a transaction say so in a comment or the file name.
bool runs_in_autocommit(const std::string& path, std::string_view text) {
  return path.find(".autocommit.") != std::string::npos ||
         text.find("+goose NO TRANSACTION") != std::string_view::npos ||
         text.find("transaction:false") != std::string_view::npos;
}

Finding make_finding(const RuleInfo& info, const Hit& h, const Statement* s) {
  Finding f;
  f.rule = std::string(info.id);
  f.severity = info.severity;
  f.message = h.message;
  f.recipe = h.recipe;
  f.fix = h.fix;
  if (h.span) f.statement = *h.span;
  else if (s) f.statement = s->span;
  if (h.at) f.at = *h.at;
  else if (s) f.at = s->locate(h.location);
  else f.at = f.statement.start;
  if (s) {
    const RelationLock* lock = h.relation.empty() ? nullptr : s->cls.lock_on(h.relation);
    if (!lock)
      for (auto& l : s->cls.locks)
        if (!lock || l.mode > lock->mode) lock = &l;
    if (lock) {
      f.lock = std::string(lock_name(lock->mode)) + " on " + lock->relation;
      f.blocks = blocked_text(lock->mode);
    }
  }
  return f;
}

// One finding per statement the grammar could not read. PostgreSQL 15's grammar is the only one
// slipway has: a statement in newer syntax is reported once, as a warning when the target is a
// newer server (it may well be valid there), and the rest of the file is still checked.
Finding unparsed_finding(const SyntaxError& error, std::string_view text, const Fragment& frag, const Span& span,
                         int pg_version) {
  Finding f;
  f.rule = std::string(syntax_error_rule);
  f.statement = span;
  f.at = frag.locate(error.offset);
  bool meta = error.offset < frag.sql.size() && frag.sql[error.offset] == '\\';
  bool sql = !meta && starts_like_sql(text);
  int grammar = grammar_major_version();
  std::string parsed_by = "not parsed by the PostgreSQL " + std::to_string(grammar) + " grammar";
  f.severity = sql && pg_version > grammar ? Severity::warning : Severity::error;
  f.message = error.message;
  if (meta) f.message += " (a psql meta-command: not SQL the server runs)";
  else if (sql && pg_version > grammar)
    f.message += " (" + parsed_by + ", while the target is PostgreSQL " + std::to_string(pg_version) +
                 ": newer syntax? its locks are not checked)";
  else if (sql)
    f.message += " (" + parsed_by + "; newer syntax? its locks are not checked)";
  f.recipe = sql ? "fix the SQL, or if it is valid on your server, check this statement's locks by hand (or "
                   "silence it with -- slipway:ignore syntax-error); the rest of the file is still checked"
                 : "fix the SQL (psql meta-commands and template syntax are not SQL); the rest of the file is "
                   "still checked";
  return f;
}

}  // namespace

void Linter::lint_fragment(const Fragment& frag, Context& ctx, FileReport& report, std::size_t) {
  // The rules in effect for this file, decided once rather than per statement.
  std::vector<std::pair<RuleInfo, const Rule*>> enabled;
  if (!file_ignores_all_)
    for (auto& rule : all_rules()) {
      auto info = rule->info();
      std::string id(info.id);
      if (!settings_.disabled_rules.count(id) && !file_ignored_rules_.count(id)) enabled.emplace_back(info, rule.get());
    }
  std::vector<Hit> hits;
  walk_fragment(frag, ctx, [&](const WalkItem& item) {
    ++report.statement_count;
    auto ignored = ignored_rules(frag.sql, item.parsed.region_begin, item.parsed.begin, frag.locate);
    if (!item.statement) {
      if (file_ignores_all_ || ignored.all || ignored.rules.count(std::string(syntax_error_rule)) ||
          settings_.disabled_rules.count(std::string(syntax_error_rule)))
        return;
      report.findings.push_back(unparsed_finding(*item.parsed.error, item.text, frag, item.span, ctx.pg_version()));
      if (settings_.explain) report.statements.push_back({item.span, "syntax error", item.parsed.error->message});
      return;
    }
    const Statement& s = *item.statement;
    if (settings_.explain) report.statements.push_back({item.span, std::string(s.kind), s.cls.summary()});
    for (auto& [info, rule] : enabled) {
      if (ignored.all || (!ignored.rules.empty() && ignored.rules.count(std::string(info.id)))) continue;
      hits.clear();
      rule->check(s, ctx, hits);
      for (auto& h : hits) report.findings.push_back(make_finding(info, h, &s));
    }
  });
}

void Linter::finish(Context& ctx, FileReport& report) {
  // Findings in file order (end-of-file rules report on earlier statements).
  auto by_position = [](const Finding& a, const Finding& b) {
    return std::tie(a.statement.start.line, a.statement.start.col) < std::tie(b.statement.start.line, b.statement.start.col);
  };
  if (file_ignores_all_) return;
  for (auto& rule : all_rules()) {
    auto info = rule->info();
    std::string id(info.id);
    if (settings_.disabled_rules.count(id) || file_ignored_rules_.count(id)) continue;
    std::vector<Hit> hits;
    rule->finish(ctx, hits);
    for (auto& h : hits) report.findings.push_back(make_finding(info, h, nullptr));
  }
  std::stable_sort(report.findings.begin(), report.findings.end(), by_position);
}

FileReport Linter::lint_sql(const std::string& path, std::string text) {
  // libpg_query reads C strings: a NUL byte would end the file there, unnoticed.
  check_text(text, path, false);
  FileReport report;
  report.path = path;
  report.text = std::move(text);
  LineIndex lines(report.text);
  auto file_directive = file_ignore_directive(report.text, [&](std::size_t o) { return lines.position(o); });
  file_ignores_all_ = file_directive.all;
  file_ignored_rules_ = file_directive.rules;
  report.ignored = file_ignores_all_;
  Context ctx(settings_.options, schema_);
  if (runs_in_autocommit(path, report.text)) ctx.force_autocommit();
  Fragment frag{report.text, [&](std::size_t o) { return lines.position(o); }};
  lint_fragment(frag, ctx, report, 0);
  finish(ctx, report);
  return report;
}

FileReport Linter::lint_path(const std::string& path) {
  std::string text = read_text_file(path, limits::max_lint_file_bytes, "a file to lint");
  return is_pgroll_path(path) ? lint_pgroll(path, std::move(text)) : lint_sql(path, std::move(text));
}

}  // namespace slipway::lint
