#include "apply/applier.hpp"

#include <fmt/format.h>

#include "catalog/inspector.hpp"
#include "pg/errors.hpp"
#include "pg/quote.hpp"
#include "rewrite/preflight.hpp"
#include "rewrite/rewriter.hpp"
#include "rewrite/test_hook.hpp"

namespace slipway::apply {
namespace {

std::string first_line(const std::string& sql) {
  auto nl = sql.find('\n');
  return nl == std::string::npos ? sql : sql.substr(0, nl) + " ...";
}

std::string describe(const lint::SafeStep& st) {
  std::string lock = st.lock == pg::LockMode::none ? std::string("no lock")
                                                   : std::string(pg::lock_mode_name(st.lock)) +
                                                         (st.relation.empty() ? "" : " on " + st.relation);
  if (st.kind == lint::StepKind::backfill) lock += ", per batch";
  if (st.kind == lint::StepKind::online_rewrite) lock += " for the swap only";
  return lock;
}

}  // namespace

Applier::Applier(pg::DdlExecutor& ddl, ApplyProgress& progress, ApplierOptions options)
    : ddl_(ddl), progress_(progress), options_(std::move(options)) {
  if (!options_.say) options_.say = [](const std::string&) {};
}

std::pair<std::string, std::string> Applier::schema_and_table(const std::string& written) {
  auto dot = written.find('.');
  if (dot != std::string::npos) return {written.substr(0, dot), written.substr(dot + 1)};
  // The script's session decides (its SET search_path included).
  auto schema = ddl_.connection().query_value<std::string>(
      "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.oid = to_regclass(quote_ident($1))",
      written);
  if (!schema) schema = ddl_.connection().query_value<std::string>("SELECT current_schema()");
  return {schema.value_or("public"), written};
}

void Applier::run(const ScriptPlan& plan, const ProgressKey& key, int from, std::optional<int> started,
                  const std::function<void(pqxx::work&)>& record) {
  int n = static_cast<int>(plan.units.size());
  for (int i = from; i < n; ++i) {
    const Unit& unit = plan.units[static_cast<std::size_t>(i)];
    running_ = unit.steps.front().statement;
    // Crash tests stop here (SLIPWAY_TEST_PAUSE_AT=apply:<version>:<unit>) and kill -9.
    rewrite::pause_point(fmt::format("apply:{}:{}", key.version, i));
    try {
      if (unit.transactional) run_transactional(plan, unit, key, i, i == n - 1, record);
      else run_outside(plan, unit, key, i, started && *started == i);
    } catch (const pg::ConnectionLost&) {
      throw;  // resumed by the caller's new session (pg::resume_after_lost_connection)
    } catch (const pg::PgError& e) {
      const auto& failed = plan.statements[running_];
      std::string where = plan.file.string() + ":" + std::to_string(failed.line);
      progress_.failed(key, e.what(), failed.line);
      throw StatementFailed(where + ": " + first_line(failed.text) + ": " + e.what(),
                            "fix the script or the data, then run the same command again: it continues with "
                            "this statement");
    } catch (const Error& e) {
      progress_.failed(key, e.what(), plan.statements[running_].line);
      throw;
    }
  }
  // The last unit ran outside a transaction (or there was none): record the script on its own.
  if (n == 0 || !plan.units.back().transactional) ddl_.run_transaction([&](pqxx::work& tx) { record(tx); }, "history");
}

void Applier::run_transactional(const ScriptPlan& plan, const Unit& unit, const ProgressKey& key, int index, bool last,
                                const std::function<void(pqxx::work&)>& record) {
  for (auto& us : unit.steps)
    options_.say(fmt::format("  line {}: {}  [{}]", plan.statements[us.statement].line, first_line(us.step->sql),
                             describe(*us.step)));
  ddl_.run_transaction(
      [&](pqxx::work& tx) {
        for (auto& us : unit.steps) {
          running_ = us.statement;
          tx.exec(us.step->sql);
        }
        progress_.unit_done(tx, key, index + 1, units_hash(plan, index + 1));
        if (last) record(tx);
      },
      fmt::format("{} line {}", plan.file.filename().string(), plan.statements[unit.steps.front().statement].line));
}

void Applier::run_outside(const ScriptPlan& plan, const Unit& unit, const ProgressKey& key, int index, bool resuming) {
  const lint::SafeStep& st = *unit.steps.front().step;
  int line = plan.statements[unit.steps.front().statement].line;
  options_.say(fmt::format("  line {}: {}  [{}{}]", line, first_line(st.sql), describe(st),
                           resuming ? ", resuming" : ""));
  progress_.unit_started(key, index);
  rewrite::pause_point(fmt::format("apply:{}:{}:started", key.version, index));
  catalog::Inspector inspector(ddl_.connection(), ddl_.policy());
  switch (st.kind) {
    case lint::StepKind::create_index: {
      auto [schema, table] = schema_and_table(st.table);
      auto valid = inspector.index_valid(schema, st.index);
      if (valid && !*valid) {
        // An interrupted CONCURRENTLY build leaves an invalid index behind: drop it and build again.
        options_.say("    dropping the invalid index " + st.index + " an interrupted build left");
        ddl_.run_outside_transaction("DROP INDEX CONCURRENTLY IF EXISTS " + pg::qualified(schema, st.index),
                                     std::chrono::milliseconds(0));
        valid.reset();
      }
      if (valid && resuming) break;  // built by the run that died
      // SHARE UPDATE EXCLUSIVE never blocks reads or writes: the build may wait for old transactions.
      ddl_.run_outside_transaction(st.sql, std::chrono::milliseconds(0));
      break;
    }
    case lint::StepKind::drop_index: {
      if (resuming) {
        auto dot = st.index.find('.');
        std::string schema = dot == std::string::npos ? schema_and_table(st.index).first : st.index.substr(0, dot);
        std::string name = dot == std::string::npos ? st.index : st.index.substr(dot + 1);
        if (!inspector.index_valid(schema, name)) break;  // already gone
      }
      ddl_.run_outside_transaction(st.sql, std::chrono::milliseconds(0));
      break;
    }
    case lint::StepKind::backfill:
      backfill(st, {plan, key, index});
      break;
    case lint::StepKind::online_rewrite:
      online_rewrite(st, {plan, key, index});
      break;
    case lint::StepKind::sql:
      // CONCURRENTLY forms wait without blocking anyone; anything else under the lock policy.
      if (st.lock == pg::LockMode::share_update_exclusive)
        ddl_.run_outside_transaction(st.sql, std::chrono::milliseconds(0));
      else
        ddl_.run_outside_transaction(st.sql);
      break;
  }
  progress_.unit_done_now(key, index + 1, units_hash(plan, index + 1));
}

// A batched step needs a key to walk by, the online rewrite what its preflight asks: without
// them the statement runs as written, in one transaction, after a warning (the plan could not
// know: the table may come from an earlier script of the same run).
// Committed with the unit's checkpoint: a re-run never runs it twice.
void Applier::as_written_instead(const lint::SafeStep& st, const std::string& why, const Checkpoint& at) {
  options_.say("    warning: " + why + ": running the statement as written");
  ddl_.run_transaction([&](pqxx::work& tx) {
    tx.exec(st.sql);
    progress_.unit_done(tx, at.key, at.index + 1, units_hash(at.plan, at.index + 1));
  }, "as written");
}

void Applier::backfill(const lint::SafeStep& st, const Checkpoint& at) {
  const ProgressKey& key = at.key;
  int index = at.index;
  auto [schema, table] = schema_and_table(st.table);
  auto def = catalog::Inspector(ddl_.connection(), ddl_.policy()).table(schema, table);
  if (def && !def->batch_key())
    return as_written_instead(st, schema + "." + table + " has no primary key or unique NOT NULL key to batch by", at);
  backfill::JobSpec spec;
  spec.schema = schema;
  spec.table = table;
  spec.action = backfill::update_action(st.assignments, st.where);
  spec.action_description = "SET " + st.assignments + (st.where.empty() ? "" : " WHERE " + st.where);
  // One job per script unit: a re-run finds its checkpoint and continues.
  spec.job_id = fmt::format("apply:{}:{}:{}:{}", key.history_table, key.version, key.direction, index);
  spec.label = "apply " + schema + "." + table;
  backfill::EngineOptions opt = options_.backfill;
  opt.state_schema = options_.state_schema;
  backfill::Engine engine(ddl_.connection().conninfo(), spec, opt);
  auto res = engine.run();
  if (!res.complete && !res.already_complete)
    throw Error("the batched UPDATE of " + schema + "." + table + " stopped before the end",
                "run the same command again: it continues from its checkpoint");
  options_.say(fmt::format("    {} rows in {} batches ({:.1f} s){}", res.rows_affected_this_run,
                           res.batches_this_run, res.seconds, res.resumed ? ", resumed" : ""));
}

void Applier::online_rewrite(const lint::SafeStep& st, const Checkpoint& at) {
  auto [schema, table] = schema_and_table(st.table);
  rewrite::Options opt;
  opt.schema = schema;
  opt.table = table;
  opt.alter = st.alter;
  opt.state_schema = options_.state_schema;
  try {
    rewrite::preflight(ddl_.connection(), schema, table, st.alter);
  } catch (const InputError& e) {
    return as_written_instead(st, std::string("the online rewrite cannot take this table (") + e.what() + ")", at);
  }
  rewrite::Rewriter rewriter(ddl_);
  auto report = rewriter.run(opt);
  options_.say(fmt::format("    rewritten online: {} rows copied, lock held {:.1f} ms for the swap",
                           report.rows_copied, report.lock_held_ms.value_or(0)));
  // The old table stays only as undo material of `slipway rewrite`; the script's down migration
  // is the way back here, so it goes now (with the change capture that fed it).
  rewriter.cleanup(opt);
}

}  // namespace slipway::apply
