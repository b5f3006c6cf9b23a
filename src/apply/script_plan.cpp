#include "apply/script_plan.hpp"

#include <fmt/format.h>

#include "lint/ast.hpp"
#include "lint/source.hpp"
#include "lint/walk.hpp"
#include "util/error.hpp"
#include "util/stable_hash.hpp"

namespace slipway::apply {
namespace {

using namespace lint::ast;

lint::SafePlan as_written(const lint::Statement& s) {
  lint::SafePlan p;
  lint::SafeStep st;
  st.sql = std::string(s.text);
  st.transactional = s.cls.transactional;
  st.lock = s.cls.strongest();
  for (auto& l : s.cls.locks)
    if (l.mode == st.lock) st.relation = l.relation;
  p.steps.push_back(std::move(st));
  return p;
}

// SET [LOCAL] lock_timeout / statement_timeout: slipway's lock policy sets them per statement;
// a script's own value would let a statement wait in the lock queue for as long as it says.
bool sets_a_timeout(const lint::Statement& s) {
  if (s.kind != "VariableSetStmt") return false;
  std::string name = str(s.body, "name");
  return name == "lock_timeout" || name == "statement_timeout";
}

class UnitBuilder {
 public:
  explicit UnitBuilder(std::vector<Unit>& units) : units_(units) {}
  void add(const lint::SafeStep& step, std::size_t statement, bool atomic) {
    bool joins = atomic && step.transactional && !step.own_transaction;
    if (!joins || !open_) {
      units_.push_back(Unit{step.transactional, {}});
      open_ = joins;
    }
    units_.back().steps.push_back({&step, statement});
    if (!joins) open_ = false;
  }
  void close() { open_ = false; }

 private:
  std::vector<Unit>& units_;
  bool open_ = false;
};

}  // namespace

std::string units_hash(const ScriptPlan& plan, int units) {
  std::string text;
  for (int i = 0; i < units && i < static_cast<int>(plan.units.size()); ++i) {
    for (auto& us : plan.units[static_cast<std::size_t>(i)].steps) text += us.step->sql + "\x1f";
    text += "\x1e";
  }
  return fmt::format("{:08x}", stable_hash(text));
}

ScriptPlan plan_section(const Section& section, bool in_transaction, const PlanOptions& options,
                        lint::SchemaFacts& schema) {
  ScriptPlan out;
  out.file = section.file;
  out.hash = fmt::format("{:08x}", stable_hash(section.sql + (options.rewrite ? "|rewrite" : "|as-written") +
                                               (in_transaction ? "|tx" : "|autocommit")));
  lint::LineIndex lines(section.sql);
  int shift = section.first_line - 1;
  lint::Fragment frag{section.sql, [&](std::size_t o) {
                        auto p = lines.position(o);
                        p.line += shift;
                        return p;
                      }};
  lint::LintOptions lint_options;
  lint_options.pg_version = options.pg_version;
  lint_options.assume_in_transaction = in_transaction;
  lint::Context ctx(lint_options, schema);
  if (!in_transaction) ctx.force_autocommit();
  std::string where = section.file.string();
  std::vector<bool> atomic;  // per statement
  bool in_block = false;     // inside the script's own BEGIN ... COMMIT
  std::vector<std::size_t> block_ends;  // statements after which a unit must close

  lint::walk_fragment(frag, ctx, [&](const lint::WalkItem& item) {
    PlannedStatement ps;
    ps.line = item.span.start.line;
    ps.text = std::string(item.text);
    std::string at = where + ":" + std::to_string(ps.line);
    if (!item.statement) {
      if (!item.text.empty() && item.text.front() == '\\')
        throw InputError(at + ": a psql meta-command (" + ps.text.substr(0, ps.text.find('\n')) +
                             "): slipway sends SQL to the server, and the server does not know it",
                         "remove it from the script, or run the script with psql");
      lint::SafeStep st;
      st.sql = ps.text;
      ps.plan.steps.push_back(std::move(st));
      ps.plan.warning = "not parsed by the PostgreSQL " + std::string(lint::grammar_version()) +
                        " grammar (" + item.parsed.error->message + "): run as written, its locks unchecked";
    } else {
      const lint::Statement& s = *item.statement;
      if (s.kind == "TransactionStmt") {
        std::string kind = str(s.body, "kind");
        if (kind == "TRANS_STMT_BEGIN" || kind == "TRANS_STMT_START") {
          ps.skipped = true;
          ps.note = "transaction control: the statements up to COMMIT stay atomic where the rewrites allow";
          in_block = true;
        } else if (kind == "TRANS_STMT_COMMIT") {
          ps.skipped = true;
          ps.note = "transaction control: ends the script's transaction";
          in_block = false;
          block_ends.push_back(out.statements.size());
        } else if (kind == "TRANS_STMT_ROLLBACK" || kind == "TRANS_STMT_PREPARE" ||
                   kind == "TRANS_STMT_COMMIT_PREPARED" || kind == "TRANS_STMT_ROLLBACK_PREPARED") {
          throw InputError(at + ": " + ps.text + ": a script that undoes or prepares its own transaction cannot "
                                                 "be checkpointed statement by statement",
                           "remove it, or run this script with its own tool");
        }
        // SAVEPOINT, RELEASE, ROLLBACK TO: run as written inside the unit.
      } else if (sets_a_timeout(s)) {
        ps.skipped = true;
        ps.note = "slipway's lock policy sets lock_timeout for every statement (--lock-timeout)";
      }
      if (!ps.skipped) ps.plan = options.rewrite ? lint::plan_safe(s, ctx) : as_written(s);
    }
    if (!ps.plan.warning.empty()) out.warnings.push_back(at + ": " + ps.plan.warning);
    atomic.push_back(in_transaction || in_block);
    out.statements.push_back(std::move(ps));
  });

  UnitBuilder units(out.units);
  std::size_t next_end = 0;
  for (std::size_t i = 0; i < out.statements.size(); ++i) {
    auto& ps = out.statements[i];
    if (!ps.skipped) {
      for (auto& st : ps.plan.steps) units.add(st, i, atomic[i]);
    }
    if (next_end < block_ends.size() && block_ends[next_end] == i) {
      units.close();
      ++next_end;
    }
    if (!atomic[i]) units.close();
  }
  return out;
}

}  // namespace slipway::apply
