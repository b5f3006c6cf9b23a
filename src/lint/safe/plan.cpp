#include "lint/safe/plan.hpp"

#include "lint/parser.hpp"
#include "lint/rules/common.hpp"
#include "lint/safe/rewriters.hpp"

namespace slipway::lint {
namespace safe {

SafeStep sql_step(std::string sql, bool own_transaction) {
  SafeStep st;
  st.sql = std::move(sql);
  st.own_transaction = own_transaction;
  return st;
}

SafeStep outside_transaction(std::string sql) {
  SafeStep st = sql_step(std::move(sql));
  st.transactional = false;
  return st;
}

std::string with_word_after(std::string_view text, std::string_view keyword, std::string_view word) {
  std::string out = rules::insert_after_keyword(text, keyword, word);
  if (!out.empty()) out.pop_back();  // insert_after_keyword ends it with ';'
  return out;
}

std::vector<SafeStep> not_null_steps(const std::string& table, const std::string& column) {
  std::string t = rules::qualified(table);
  std::string check = pg::fit_identifier(table_key(table) + "_" + column + "_not_null");
  std::vector<SafeStep> out;
  out.push_back(sql_step("ALTER TABLE " + t + " ADD CONSTRAINT " + rules::ident(check) + " CHECK (" +
                         rules::ident(column) + " IS NOT NULL) NOT VALID"));
  out.push_back(sql_step("ALTER TABLE " + t + " VALIDATE CONSTRAINT " + rules::ident(check), true));
  // SET NOT NULL finds the valid CHECK and skips its scan (PostgreSQL 12+); the check then goes.
  out.push_back(sql_step("ALTER TABLE " + t + " ALTER COLUMN " + rules::ident(column) + " SET NOT NULL"));
  out.push_back(sql_step("ALTER TABLE " + t + " DROP CONSTRAINT " + rules::ident(check)));
  return out;
}

SafePlan as_written_with_warning(const Statement& s, std::string warning) {
  SafePlan p;
  p.steps.push_back(sql_step(std::string(s.text)));
  p.steps.back().transactional = s.cls.transactional;
  p.warning = std::move(warning);
  return p;
}

SafePlan one_step_plan(std::string rewrite, SafeStep step) {
  SafePlan p;
  p.rewrite = std::move(rewrite);
  p.steps.push_back(std::move(step));
  return p;
}

}  // namespace safe

namespace {

// The lock a step's SQL takes, from the same model the rules use (classified in the file's
// context at the statement being rewritten).
void annotate_lock(SafeStep& step, const Context& ctx, const Statement& original) {
  if (step.kind == StepKind::backfill) {
    step.lock = LockMode::row_exclusive;  // per batch, on the batch's rows' table
    step.relation = step.table;
    return;
  }
  if (step.kind == StepKind::online_rewrite) {
    // The copy reads under ACCESS SHARE; ACCESS EXCLUSIVE only for the swap (milliseconds).
    step.lock = LockMode::access_exclusive;
    step.relation = step.table;
    return;
  }
  if (step.sql == original.text) {
    step.lock = original.cls.strongest();
    for (auto& l : original.cls.locks)
      if (l.mode == step.lock) step.relation = l.relation;
    return;
  }
  auto parsed = parse_sql(step.sql);
  if (parsed.statements.size() != 1 || !parsed.statements[0].tree) return;
  Classification cls = classify(*parsed.statements[0].tree, ctx);
  step.lock = cls.strongest();
  for (auto& l : cls.locks)
    if (l.mode == step.lock) step.relation = l.relation;
  if (!cls.transactional) step.transactional = false;
}

// A hazard no rewriter knows: the statement blocks traffic while it scans or rewrites an
// existing table.
std::string unknown_hazard(const Statement& s, const Context& ctx) {
  if (s.cls.work != Work::scan && s.cls.work != Work::rewrite) return {};
  for (auto& l : s.cls.locks)
    if (blocks_traffic(l.mode) && !ctx.is_new(l.relation))
      return std::string(lock_name(l.mode)) + " on " + l.relation + " while it " +
             (s.cls.work == Work::rewrite ? "rewrites the table" : "scans the table") +
             ": slipway has no safe form of this statement";
  return {};
}

}  // namespace

SafePlan plan_safe(const Statement& s, const Context& ctx) {
  std::optional<SafePlan> plan;
  if (!plan) plan = safe::rewrite_index_statement(s, ctx);
  if (!plan) plan = safe::rewrite_constraint(s, ctx);
  if (!plan) plan = safe::rewrite_data_change(s, ctx);
  if (!plan) {
    plan = SafePlan{};
    plan->steps.push_back(safe::sql_step(std::string(s.text)));
    plan->steps.back().transactional = s.cls.transactional;
    plan->warning = unknown_hazard(s, ctx);
  }
  for (auto& step : plan->steps) annotate_lock(step, ctx, s);
  return *plan;
}

std::string plan_as_sql(const std::vector<SafePlan>& plans) {
  std::string out;
  for (auto& p : plans) {
    if (p.rewritten()) out += "-- slipway: " + p.rewrite + "\n";
    if (!p.warning.empty()) out += "-- slipway warning: " + p.warning + "\n";
    for (auto& st : p.steps) {
      if (st.kind == StepKind::backfill)
        out += "-- slipway: in keyset batches (slipway backfill --table " + st.table + " --set \"" + st.assignments +
               "\"" + (st.where.empty() ? "" : " --where \"" + st.where + "\"") + ")\n";
      else if (st.kind == StepKind::online_rewrite)
        out += "-- slipway: online, through a shadow table (slipway rewrite --table " + st.table + " --alter \"" +
               st.alter + "\")\n";
      else if (!st.transactional)
        out += "-- slipway: outside a transaction\n";
      else if (st.own_transaction)
        out += "-- slipway: in its own transaction\n";
      out += st.sql + ";\n";
    }
  }
  return out;
}

}  // namespace slipway::lint
