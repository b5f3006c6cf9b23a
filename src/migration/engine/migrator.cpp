#include "migration/engine/migrator.hpp"

#include <fmt/format.h>

#include "backfill/engine.hpp"
#include "catalog/inspector.hpp"
#include "migration/engine/applier.hpp"
#include "migration/engine/engine_actions.hpp"
#include "migration/engine/plan_json.hpp"
#include "migration/engine/views.hpp"
#include "pg/quote.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace slipway::migration {

namespace {
size_t steps_done(const state::MigrationRecord& m, const std::string& phase) {
  auto done = m.progress.value(nlohmann::json::json_pointer("/done/" + phase), nlohmann::json());
  return done.is_array() ? done.size() : 0;
}
}  // namespace

NextCommands next_commands(const state::MigrationRecord& m) {
  const std::string phase = m.progress.value("phase", "start");
  if (phase == "rollback") return {"rollback", std::nullopt};
  if (phase == "complete") {
    if (steps_done(m, "complete") > 0) return {"complete", std::nullopt};  // past the point of no return
    return {"complete", "rollback"};
  }
  if (steps_done(m, "start") < m.start_steps) return {"start", "rollback"};
  return {"complete", "rollback"};
}

Migrator::Migrator(pg::DdlExecutor& ddl, state::StateStore& store, MigratorOptions options)
    : ddl_(ddl), store_(store), options_(std::move(options)) {
  // Expressions, defaults and raw SQL of a migration resolve names in the application schema.
  ddl_.connection().exec(fmt::format("SET search_path TO {}", pg::quote_ident(options_.schema)));
}

std::optional<state::MigrationRecord> Migrator::active() {
  if (!store_.initialized()) return std::nullopt;
  return store_.migrations(options_.schema).active();
}

// The schema of views the old application may still read: the last completed migration's,
// past any baselines recorded after it (a baseline has none). Empty: it created none.
std::optional<std::string> Migrator::previous_version_schema() {
  if (!store_.initialized()) return std::nullopt;
  auto records = store_.migrations(options_.schema).records();
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    if (it->status == "baseline") continue;
    if (it->status != "complete" || it->version_schema.empty()) return std::nullopt;
    return it->version_schema;
  }
  return std::nullopt;
}

MigrationPlans Migrator::validate(const MigrationDocument& doc) {
  if (auto a = active()) {
    if (a->name == doc.name) {
      throw InputError(fmt::format("migration {} is already active (started {})", doc.name, a->started_at),
                       "run `slipway complete` or `slipway rollback`");
    }
    throw InputError(fmt::format("migration {} is active; only one migration can be in progress", a->name),
                     "run `slipway complete` or `slipway rollback` first");
  }
  if (store_.initialized()) {
    for (const auto& r : store_.migrations(options_.schema).records()) {
      if (r.name == doc.name) {
        throw InputError(fmt::format("migration {} was already applied ({})", doc.name, r.status),
                         "give the new migration another file name");
      }
    }
  }
  PlanOptions po;
  po.schema = options_.schema;
  po.state_schema = options_.state_schema;
  po.previous_version_schema = previous_version_schema();
  po.version_schema = options_.use_version_schema;
  po.live_checks = !options_.skip_validation;
  return plan_migration(ddl_.connection(), doc, po);
}

void Migrator::start(const MigrationDocument& doc, const std::string& format) {
  auto history = store_.migrations(options_.schema);
  if (auto a = active(); a && a->name == doc.name) {
    if (a->migration != doc.document()) {
      throw InputError(fmt::format("migration {} is active but the file differs from what was started", doc.name),
                       "restore the file as it was, or `slipway rollback` and start again");
    }
    if (std::string phase = a->progress.value("phase", "start"); phase != "start") {
      throw InputError(fmt::format("migration {} is in its {} phase", doc.name, phase),
                       fmt::format("run `slipway {}` again to finish it", phase));
    }
    log::info("resuming the start of migration {}", doc.name);
    run_start(doc, MigrationPlans::from_json(history.plans(a->name)));
    log::info("migration {} started{}", doc.name,
              a->version_schema.empty() ? " (no version schema)" : ": version schema " + a->version_schema);
    return;
  }
  auto plans = validate(doc);
  store_.init();
  baseline_if_needed();
  std::optional<std::string> parent;
  if (auto latest = history.latest()) parent = latest->name;
  // The record's version schema is the schema of views; none is recorded as empty.
  history.insert_active(doc.name, parent, doc.document_text,
                        plans.creates_version_schema ? plans.version_schema : "", format, plans.to_json_text());
  log::info("starting migration {} ({} operations)", doc.name, doc.operations.size());
  if (options_.skip_validation)
    log::warn("--skip-validation: expressions, types and functions were not checked against the database");
  run_start(doc, plans);
  if (!plans.creates_version_schema) {
    log::info("migration {} started without a version schema (--use-version-schema=false)", doc.name);
    log::info("  new application instances use the tables' columns and SET slipway.version = '{}'",
              plans.version_schema);
    return;
  }
  log::info("migration {} started: the new version is schema {}", doc.name, plans.version_schema);
  log::info("  new application instances: search_path={} (see `slipway latest url`) or SET slipway.version = '{}'",
            plans.version_schema, plans.version_schema);
}

void Migrator::run_start(const MigrationDocument& doc, const MigrationPlans& plans) {
  const std::string resume = "slipway start " + (doc.source.file.empty() ? std::string("FILE") : doc.source.file);
  try {
    run_phase(doc.name, plans, "start", resume, doc.source);
  } catch (const StatementFailed& e) {
    // The file must change before the migration can go on, and a started migration's file
    // cannot: undo what ran so the fixed file starts afresh. A rollback that fails in turn says
    // itself how to resume it.
    log::warn("{}", e.what());
    log::info("rolling back the steps of migration {} that ran", doc.name);
    undo(doc.name, plans);
    throw StatementFailed(fmt::format("{}\nthe start of migration {} was rolled back: nothing of it remains", e.what(),
                                      doc.name),
                          fmt::format("fix the statement, then `{}` again", resume));
  }
}

void Migrator::run_phase(const std::string& name, const MigrationPlans& plans, const std::string& phase,
                         const std::string& resume, const SourceMap& source) {
  auto history = store_.migrations(options_.schema);
  ApplierOptions ao{options_.conninfo, options_.schema, options_.state_schema, name, phase, options_.backfill,
                    source, resume};
  const Plan& plan = phase == "start" ? plans.start : phase == "complete" ? plans.complete : plans.rollback;
  Applier applier(ddl_, history, ao, [&](const Action& a) { return version_schema_statements_now(plans, a); });
  applier.run(plan);
}

std::vector<std::string> Migrator::version_schema_statements_now(const MigrationPlans& plans, const Action& a) {
  catalog::Inspector inspector(ddl_.connection(), ddl_.policy());
  auto live = inspector.tables(options_.schema);
  const bool security_invoker = has_security_invoker_views(ddl_.connection());
  if (a.id == kVersionSchemaActionId) {
    auto version = reconcile_with_catalog(plans.new_version, plans.old_version, live);
    return version_schema_statements(options_.schema, plans.version_schema, version, security_invoker);
  }
  // kRefreshViewsActionId: the views of the completed tables.
  return refresh_view_statements(options_.schema, plans.version_schema, VirtualSchema::from_catalog(options_.schema, live),
                                 inspector.view_columns(plans.version_schema), security_invoker);
}

std::optional<state::MigrationRecord> Migrator::last_ended_as(const std::string& status, const std::string& request) {
  auto last = store_.initialized() ? store_.migrations(options_.schema).last_ended() : std::nullopt;
  if (!last) {
    throw InputError(fmt::format("there is no active migration to {}, and none ever ended in schema {}", request,
                                 options_.schema),
                     "start one with `slipway start FILE`; `slipway status` shows the history");
  }
  if (last->status == status) return last;
  throw InputError(fmt::format("there is no active migration to {}: the last one, {}, was {} ({})", request,
                               last->name, last->status == "complete" ? "completed" : "rolled back",
                               last->completed_at.value_or("")),
                   last->status == "complete"
                       ? "a completed migration cannot be rolled back: write a migration that reverses it"
                       : "start one with `slipway start FILE`");
}

bool Migrator::completed_last(const MigrationDocument& doc) {
  if (!store_.initialized() || active()) return false;
  auto last = store_.migrations(options_.schema).last_ended();
  return last && last->name == doc.name && last->status == "complete" && last->migration == doc.document();
}

Migrator::Outcome Migrator::complete() {
  auto a = active();
  if (!a) {
    auto done = last_ended_as("complete", "complete");
    log::info("migration {} was already completed ({}): nothing to do", done->name, done->completed_at.value_or(""));
    return {done->name, true};
  }
  auto history = store_.migrations(options_.schema);
  auto progress = a->progress;
  const auto& done_start = progress["done"]["start"];
  if (progress.value("phase", "start") == "start" && (done_start.is_array() ? done_start.size() : 0) < a->start_steps) {
    throw InputError(fmt::format("the start of migration {} did not finish", a->name),
                     "re-run `slipway start` with its file to resume it, or `slipway rollback`");
  }
  const auto& done_rollback = progress["done"]["rollback"];
  if (progress.value("phase", "start") == "rollback" && done_rollback.is_array() && !done_rollback.empty()) {
    throw InputError(fmt::format("migration {} is being rolled back", a->name), "run `slipway rollback` again");
  }
  log::info("completing migration {}", a->name);
  run_phase(a->name, MigrationPlans::from_json(history.plans(a->name)), "complete", "slipway complete");
  history.finish(a->name, "complete");
  log::info("migration {} complete", a->name);
  return {a->name};
}

Migrator::Outcome Migrator::rollback() {
  auto a = active();
  if (!a) {
    auto done = last_ended_as("rolled_back", "roll back");
    log::info("migration {} was already rolled back ({}): nothing to do", done->name, done->completed_at.value_or(""));
    return {done->name, true};
  }
  auto progress = a->progress;
  const auto& done_complete = progress["done"]["complete"];
  if (progress.value("phase", "start") == "complete" && done_complete.is_array() && !done_complete.empty()) {
    throw InputError(fmt::format("migration {} is being completed; it can no longer be rolled back", a->name),
                     "run `slipway complete` again to finish it");
  }
  log::info("rolling back migration {}", a->name);
  undo(a->name, MigrationPlans::from_json(store_.migrations(options_.schema).plans(a->name)));
  return {a->name};
}

void Migrator::undo(const std::string& name, const MigrationPlans& plans) {
  run_phase(name, plans, "rollback", "slipway rollback");
  // A later start of the same migration must backfill again, not find a finished checkpoint.
  for (const auto& action : plans.start.actions)
    if (action.kind == Action::Kind::backfill)
      backfill::forget_job(options_.conninfo, options_.state_schema, backfill_job_id(name, action.id));
  store_.migrations(options_.schema).finish(name, "rolled_back");
  log::info("migration {} rolled back", name);
}

std::optional<std::string> Migrator::baseline_if_needed() {
  auto history = store_.migrations(options_.schema);
  if (history.any()) return std::nullopt;
  catalog::Inspector inspector(ddl_.connection(), ddl_.policy());
  auto tables = inspector.tables(options_.schema);
  if (tables.empty()) return std::nullopt;
  store_.init();
  auto name = record_baseline(history, "", tables, /*named=*/false);
  log::info("no slipway history for schema {}: recorded its {} existing tables as baseline {}", options_.schema,
            tables.size(), name);
  return name;
}

std::string Migrator::baseline(const std::string& name, bool restart) {
  store_.init();
  auto history = store_.migrations(options_.schema);
  if (history.any()) {
    if (name.empty())
      throw InputError(fmt::format("schema {} already has slipway history; a baseline without a name only starts one",
                                   options_.schema),
                       "`slipway baseline VERSION DIR --yes` restarts the history at VERSION");
    if (auto a = history.active())
      throw InputError(fmt::format("migration {} is active: a baseline cannot be recorded in the middle of it", a->name),
                       "complete or roll it back first");
    for (const auto& r : history.records())
      if (r.name == name)
        throw InputError(fmt::format("schema {} already has a migration named {}", options_.schema, name),
                         "name the baseline after the latest migration file");
    if (!restart)
      throw InputError(fmt::format("schema {} already has slipway history: a baseline restarts it at {} (the "
                                   "migrations before it are no longer applied by `migrate`)",
                                   options_.schema, name),
                       "pass --yes to restart the history");
  }
  catalog::Inspector inspector(ddl_.connection(), ddl_.policy());
  return record_baseline(history, name, inspector.tables(options_.schema), /*named=*/!name.empty());
}

std::string Migrator::record_baseline(state::MigrationHistory& history, const std::string& given,
                                      const std::map<std::string, catalog::Table>& tables, bool named) {
  nlohmann::json names = nlohmann::json::array();
  for (const auto& [n, t] : tables) names.push_back(n);
  std::string name = given.empty() ? "00000_baseline" : given;
  std::optional<std::string> parent;
  if (auto latest = history.latest()) parent = latest->name;
  // `named`: as pgroll's, files that sort up to the baseline's name count as applied by it.
  history.insert_baseline(name, parent,
                          {{"baseline", true}, {"named", named}, {"tables", names},
                           {"operations", nlohmann::json::array()}});
  return name;
}

}  // namespace slipway::migration
