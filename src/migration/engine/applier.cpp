#include "migration/engine/applier.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "catalog/inspector.hpp"
#include "backfill/engine.hpp"
#include "migration/engine/capture.hpp"
#include "pg/errors.hpp"
#include "pg/quote.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace slipway::migration {

Applier::Applier(pg::DdlExecutor& ddl, state::MigrationHistory& history, ApplierOptions options, Generator generator)
    : ddl_(ddl), history_(history), options_(std::move(options)), generator_(std::move(generator)) {
  progress_ = history_.progress(options_.migration);
  if (!progress_.is_object()) progress_ = nlohmann::json::object();
}

namespace {
bool contains(const nlohmann::json& list, const std::string& id) {
  if (!list.is_array()) return false;
  for (const auto& x : list)
    if (x.is_string() && x.get<std::string>() == id) return true;
  return false;
}
}  // namespace

int Applier::run(const Plan& plan) {
  progress_["phase"] = options_.phase;
  progress_["total"] = plan.actions.size();
  // The phase is recorded before its first step, so `status` and the other commands know what
  // an interrupted run was doing.
  history_.set_progress(options_.migration, progress_);
  int ran = 0;
  size_t index = 0;
  for (const auto& a : plan.actions) {
    ++index;
    if (contains(progress_["done"][options_.phase], a.id)) {
      log::verbose("[{}/{}] {} (done earlier)", index, plan.actions.size(), a.description);
      continue;
    }
    pause_for_tests(a);
    if (!a.undoes.empty() && !any_start_step_ran(a.undoes)) {
      log::info("  [{}/{}] {}: skipped, its start step never ran (nothing to undo)", index, plan.actions.size(),
                a.description);
      mark_done(nullptr, a);
      continue;
    }
    log::info("  [{}/{}] {}", index, plan.actions.size(), a.description);
    try {
      run_action(a);
    } catch (const Error&) {
      rethrow_explained(a, index, plan.actions.size());
    }
    ++ran;
  }
  progress_.erase("current");
  history_.set_progress(options_.migration, progress_);
  return ran;
}

bool Applier::any_start_step_ran(const std::vector<std::string>& ids) const {
  for (const auto& id : ids)
    if (contains(progress_.value(nlohmann::json::json_pointer("/done/start"), nlohmann::json()), id) ||
        contains(progress_.value(nlohmann::json::json_pointer("/began/start"), nlohmann::json()), id))
      return true;
  return false;
}

void Applier::rethrow_explained(const Action& a, size_t index, size_t total) {
  const std::string where = fmt::format("migration {} stays active: its {} stopped at step {} of {} ({})",
                                        options_.migration, options_.phase, index, total, a.description);
  const std::string resume = fmt::format("`{}` again resumes it at this step", options_.resume_command);
  try {
    throw;
  } catch (const LockGaveUp& e) {
    throw LockGaveUp(fmt::format("{}; {}", e.what(), where),
                     fmt::format("{}{}; {}", resume, options_.phase == "start" ? " (or `slipway rollback` undoes what ran)" : "",
                                 e.hint()));
  } catch (const pg::PgError& e) {
    const bool transient = dynamic_cast<const pg::ConnectionLost*>(&e) || dynamic_cast<const pg::QueryCanceled*>(&e) ||
                           dynamic_cast<const pg::SerializationFailure*>(&e);
    if (a.user_sql.empty() || !a.operation || transient) throw;
    const std::string field = a.operation->path() + "." + a.user_sql;
    std::string file = options_.source.where(field);
    if (file.empty()) file = "migration " + options_.migration;
    throw StatementFailed(fmt::format("{}: {}: the statement failed: {}", file, field, e.what()),
                          options_.phase == "start"
                              ? std::string("fix the statement in the file")
                              : fmt::format("the statement is stored with the migration as it was started: make the "
                                            "database such that it can run, then {}",
                                            resume));
  }
}

void Applier::mark_done(pqxx::work* tx, const Action& a) {
  auto& done = progress_["done"][options_.phase];
  if (!done.is_array()) done = nlohmann::json::array();
  done.push_back(a.id);
  progress_.erase("current");
  if (tx) history_.set_progress(*tx, options_.migration, progress_);
  else history_.set_progress(options_.migration, progress_);
}

void Applier::run_action(const Action& a) {
  std::vector<std::string> statements = a.deferred && generator_ ? generator_(a) : a.statements;
  if (a.kind == Action::Kind::sql) {
    ddl_.run_transaction([&](pqxx::work& tx) {
      for (const auto& s : statements) tx.exec(s);
      // Recorded with the step itself: either both happened or neither.
      auto saved = progress_;
      try {
        mark_done(&tx, a);
      } catch (...) {
        progress_ = saved;
        throw;
      }
    });
    return;
  }
  // Steps that are not one transaction: say where we are first, so `status` can tell.
  progress_["current"] = {{"id", a.id}, {"description", a.description}};
  // Kept after the step (and the phase) moved on: a rollback undoes what a step left half done.
  auto& began = progress_["began"][options_.phase];
  if (!contains(began, a.id)) {
    if (!began.is_array()) began = nlohmann::json::array();
    began.push_back(a.id);
  }
  history_.set_progress(options_.migration, progress_);
  if (a.kind == Action::Kind::concurrent) {
    auto& conn = ddl_.connection();
    if (a.creates_index) {
      auto valid = catalog::Inspector(conn).index_valid(options_.schema, *a.creates_index);
      if (valid && *valid) {
        log::verbose("index {} exists and is valid: kept", *a.creates_index);
        mark_done(nullptr, a);
        return;
      }
      if (valid) {
        log::info("  dropping the invalid index {} left by an interrupted build", *a.creates_index);
        ddl_.run_outside_transaction(
            fmt::format("DROP INDEX CONCURRENTLY IF EXISTS {}", pg::qualified(options_.schema, *a.creates_index)));
      }
    }
    // SHARE UPDATE EXCLUSIVE never blocks the application's reads and writes: wait as long as needed.
    for (const auto& s : statements) ddl_.run_outside_transaction(s, std::chrono::milliseconds(0));
    mark_done(nullptr, a);
    return;
  }
  run_backfill(a);
  mark_done(nullptr, a);
}

void Applier::run_backfill(const Action& a) {
  if (!a.backfill) return;
  std::string set;
  for (const auto& s : a.backfill->set) set += (set.empty() ? "" : ", ") + s;
  backfill::JobSpec spec;
  spec.job_id = backfill_job_id(options_.migration, a.id);
  spec.label = a.description;
  backfill::EngineOptions eo = options_.backfill;
  if (a.backfill->replay_log.empty()) {
    spec.schema = options_.schema;
    spec.table = a.backfill->table;
    spec.key_columns = a.backfill->key;
    spec.action = backfill::update_action(set);
    spec.action_description = set;
  } else {
    // The switch before this step disabled the capture in a transaction that had to wait for
    // every application transaction writing the table, so the log is final here: when it is
    // empty there is nothing to replay, and no job, connections and threads to set up for it.
    if (!ddl_.connection()
             .query_value<bool>(fmt::format("SELECT EXISTS (SELECT 1 FROM {})",
                                            pg::qualified(options_.state_schema, a.backfill->replay_log)))
             .value_or(true)) {
      log::info("    0 rows (the change log is empty: no application write to revisit)");
      return;
    }
    // Walk the change log by its sequence; update the table's rows it names (engine/capture.hpp).
    spec.schema = options_.state_schema;
    spec.table = a.backfill->replay_log;
    spec.key_columns = {kCaptureSeqColumn};
    spec.action = backfill::replay_action(pg::qualified(options_.schema, a.backfill->table), a.backfill->key, set);
    spec.action_description = "replay: " + set;
    eo.vacuum_every_fraction = 0;  // the log is append-only
  }
  eo.state_schema = options_.state_schema;
  eo.lock_timeout = std::max(ddl_.policy().lock_timeout, std::chrono::milliseconds(1000));
  // The engine checkpoints every batch: a resumed start continues where the backfill stopped.
  auto result = backfill::Engine(options_.conninfo, spec, eo).run();
  // A run that stopped early (a stop request, a range a crash undid) must not be marked done.
  if (!result.complete && !result.already_complete) {
    throw Error(fmt::format("the backfill of {} stopped before the end ({} rows done)", a.backfill->table,
                            result.rows_done),
                "run the same `slipway start` again: it continues from the checkpoint");
  }
  log::info("    {} rows in {:.1f}s{}", result.rows_this_run, result.seconds, result.resumed ? " (resumed)" : "");
}

std::string backfill_job_id(const std::string& migration, const std::string& action_id) {
  return "migration:" + migration + ":" + action_id;
}

void Applier::pause_for_tests(const Action& a) {
  // Test hook: lets a test kill -9 slipway at a known point without sleeping. The marker file
  // says "I am here"; then we wait to be killed.
  const char* at = std::getenv("SLIPWAY_TEST_PAUSE_AT");
  if (!at || a.id != at) return;
  const char* marker = std::getenv("SLIPWAY_TEST_PAUSE_FILE");
  std::ofstream(marker ? marker : "slipway-paused") << getpid() << "\n";
  for (;;) pause();
}

}  // namespace slipway::migration
