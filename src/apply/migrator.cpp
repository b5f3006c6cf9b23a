#include "apply/migrator.hpp"

#include <fmt/format.h>

#include <chrono>

#include "apply/progress.hpp"
#include "pg/errors.hpp"

namespace slipway::apply {
namespace {

std::string_view step_kind_name(lint::StepKind k) {
  switch (k) {
    case lint::StepKind::sql: return "sql";
    case lint::StepKind::create_index: return "create_index_concurrently";
    case lint::StepKind::drop_index: return "drop_index_concurrently";
    case lint::StepKind::backfill: return "batched_update";
    case lint::StepKind::online_rewrite: return "online_rewrite";
  }
  return "sql";
}

struct Pending {
  const Script* script;
  const Section* section;
  ScriptPlan plan;
};

}  // namespace

nlohmann::json plan_to_json(const ScriptPlan& plan) {
  nlohmann::json out = nlohmann::json::array();
  std::vector<int> unit_of;  // first unit of each statement
  for (auto& ps : plan.statements) {
    nlohmann::json s{{"line", ps.line}, {"sql", ps.text}};
    if (ps.skipped) {
      s["skipped"] = ps.note;
    } else {
      if (ps.plan.rewritten()) s["rewrite"] = ps.plan.rewrite;
      if (!ps.plan.warning.empty()) s["warning"] = ps.plan.warning;
      nlohmann::json steps = nlohmann::json::array();
      for (auto& st : ps.plan.steps) {
        nlohmann::json j{{"kind", step_kind_name(st.kind)},
                         {"sql", st.sql},
                         {"lock", std::string(pg::lock_mode_name(st.lock))},
                         {"relation", st.relation},
                         {"in_transaction", st.transactional}};
        for (std::size_t u = 0; u < plan.units.size(); ++u)
          for (auto& us : plan.units[u].steps)
            if (us.step == &st) j["unit"] = u;
        steps.push_back(std::move(j));
      }
      s["steps"] = std::move(steps);
    }
    out.push_back(std::move(s));
  }
  return out;
}

nlohmann::json ApplyReport::to_json() const {
  nlohmann::json scripts_json = nlohmann::json::array();
  for (auto& s : scripts)
    scripts_json.push_back({{"version", s.version},
                            {"description", s.description},
                            {"direction", s.direction},
                            {"file", s.file},
                            {"outcome", s.outcome},
                            {"seconds", s.seconds},
                            {"warnings", s.warnings},
                            {"statements", s.statements}});
  return {{"layout", layout}, {"history_table", history_table}, {"already_applied", already_applied},
          {"scripts", scripts_json}};
}

Migrator::Migrator(pg::DdlExecutor& ddl, ApplierOptions options) : ddl_(ddl), options_(std::move(options)) {
  if (!options_.say) options_.say = [](const std::string&) {};
}

ApplyReport Migrator::run(const MigrationSet& set, const ApplyRequest& request) {
  auto history = make_history(set.layout, request.history);
  ApplyReport report;
  report.layout = std::string(layout_name(set.layout));
  report.history_table = history->table_name();

  // What the tool's history says. A dry run creates nothing: a missing table means nothing applied.
  // What the tool's history says, read before anything is created: a missing table means
  // nothing applied (it is created, with slipway's state, only once every script is planned).
  std::set<std::string> applied;
  std::optional<std::string> dirty;
  try {
    ddl_.run_transaction([&](pqxx::work& tx) {
      applied = history->applied(tx, set);
      dirty = history->dirty_version(tx);
    }, "read " + history->table_name());
  } catch (const pg::UndefinedObject&) {
    applied.clear();
    dirty.reset();
  }
  for (auto& s : set.scripts)
    if (applied.count(s.version)) report.already_applied.push_back(s.version);

  ApplyProgress progress(ddl_.connection(), options_.state_schema);
  // Checkpoints are per tool and table (golang-migrate and dbmate both call theirs schema_migrations).
  const std::string progress_table = report.layout + ":" + history->table_name();
  std::optional<std::size_t> target;
  if (request.target) target = script_index(set, *request.target);

  // The scripts to run, in the order they run.
  std::vector<const Script*> todo;
  if (!request.down) {
    for (std::size_t i = 0; i < set.scripts.size(); ++i)
      if (!applied.count(set.scripts[i].version) && (!target || i <= *target)) todo.push_back(&set.scripts[i]);
  } else {
    for (std::size_t i = set.scripts.size(); i-- > 0;) {
      if (!applied.count(set.scripts[i].version)) continue;
      if (target && i <= *target) break;
      todo.push_back(&set.scripts[i]);
      if (!target) break;  // --down alone reverts the latest one
    }
  }
  if (dirty && (todo.empty() || todo.front()->version != *dirty || !progress.find({progress_table, *dirty, request.down ? "down" : "up"})))
    throw InputError(history->table_name() + " marks version " + *dirty +
                         " dirty: it stopped halfway under golang-migrate, and slipway has no checkpoint of it",
                     "repair the schema by hand, then `migrate force " + *dirty + "` (or fix the row), and run again");

  // Plan everything before the first change. The schema facts follow the scripts in the order
  // they ran (earlier scripts' tables and indexes inform the later ones' plans).
  PlanOptions popt;
  popt.rewrite = request.rewrite;
  popt.pg_version = ddl_.connection().server_version() / 10000;
  lint::SchemaFacts facts;
  std::vector<Pending> pending;
  if (!request.down)
    for (auto& s : set.scripts) {
      bool runs = std::find(todo.begin(), todo.end(), &s) != todo.end();
      ScriptPlan plan = plan_section(s.up, s.in_transaction, popt, facts);
      if (runs) pending.push_back({&s, &s.up, std::move(plan)});
    }
  else
    for (auto* s : todo) {
      if (!s->down.present)
        throw InputError("version " + s->version + " (" + s->up.file.string() + ") has no down migration",
                         "write one, or revert it with its own tool");
      pending.push_back({s, &s->down, plan_section(s->down, s->in_transaction, popt, facts)});
    }
  std::vector<std::string> all_warnings;
  for (auto& p : pending)
    for (auto& w : p.plan.warnings) all_warnings.push_back(w);
  if (request.strict && !all_warnings.empty()) {
    std::string list;
    for (auto& w : all_warnings) list += "\n  " + w;
    throw InputError("--strict: " + std::to_string(all_warnings.size()) +
                         " statement(s) would run as written although they block the application:" + list,
                     "rewrite them by hand (see `slipway lint --fix`), or run without --strict");
  }
  std::string direction = request.down ? "down" : "up";
  // A script that stopped halfway resumes only on the same ground: the units that committed must
  // be the same SQL now (a statement after them may have been fixed).
  for (auto& p : pending) {
    auto row = progress.find({progress_table, p.script->version, direction});
    if (row && row->units_done > 0 && units_hash(p.plan, row->units_done) != row->done_hash)
      throw InputError(p.section->file.string() + " changed in the part slipway already ran (" +
                           std::to_string(row->units_done) + " of " + std::to_string(row->units_total) +
                           " units committed before it " + (row->status == "failed" ? "failed" : "stopped") + ")",
                       "put those statements back as they were and run again to finish it");
  }

  for (auto& p : pending) {
    ScriptReport sr;
    sr.version = p.script->version;
    sr.description = p.script->description;
    sr.direction = direction;
    sr.file = p.section->file.string();
    sr.statements = plan_to_json(p.plan);
    sr.warnings = p.plan.warnings;
    sr.outcome = "planned";
    report.scripts.push_back(sr);
  }
  if (request.dry_run) return report;
  if (pending.empty()) return report;

  // The first change: slipway's state schema, then the tool's history table if it has none yet.
  if (options_.before_first_change) options_.before_first_change();
  ddl_.run_transaction([&](pqxx::work& tx) { history->ensure(tx); }, "create " + history->table_name());
  Applier applier(ddl_, progress, options_);
  for (std::size_t i = 0; i < pending.size(); ++i) {
    auto& p = pending[i];
    auto& sr = report.scripts[i];
    ProgressKey key{progress_table, p.script->version, direction};
    auto row = progress.find(key);
    int from = row ? row->units_done : 0;
    std::optional<int> started = row ? row->unit_started : std::nullopt;
    options_.say(fmt::format("{} {} {} ({}){}", request.down ? "reverting" : "applying", p.script->version,
                             p.script->description, p.section->file.string(),
                             row ? fmt::format(", resuming after unit {} of {}", from, p.plan.units.size()) : ""));
    for (auto& w : p.plan.warnings) options_.say("  warning: " + w);
    auto t0 = std::chrono::steady_clock::now();
    progress.begin(key, p.plan.hash, p.section->file.string(), static_cast<int>(p.plan.units.size()));
    ddl_.run_transaction([&](pqxx::work& tx) { history->record_started(tx, set, *p.script, !request.down); },
                         "record start");
    applier.run(p.plan, key, from, started, [&](pqxx::work& tx) {
      auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
      if (request.down) history->record_reverted(tx, set, *p.script);
      else history->record_applied(tx, set, *p.script, took);
      progress.finish(tx, key);
    });
    sr.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    sr.outcome = row ? (request.down ? "resumed and reverted" : "resumed and applied")
                     : (request.down ? "reverted" : "applied");
  }
  return report;
}

}  // namespace slipway::apply
