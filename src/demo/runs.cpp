#include "demo/runs.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <mutex>

#include "demo/format.hpp"
#include "pg/connection.hpp"
#include "pg/quote.hpp"
#include "util/error.hpp"

namespace slipway::demo {

namespace {

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
  return s;
}

// Records the phases of a run against the traffic generator's clock. begin() may come from the
// driver's progress thread (start -> backfill), hence the mutex.
class PhaseLog {
 public:
  PhaseLog(RunSummary& run, const TrafficGenerator& traffic, LiveView& view)
      : run_(run), traffic_(traffic), view_(view) {}

  PhaseSummary& begin(const std::string& change, const std::string& step) {
    std::lock_guard lock(mutex_);
    end_locked();
    PhaseSummary p;
    p.change = change;
    p.step = step;
    p.start_s = traffic_.seconds_since_epoch();
    run_.phases.push_back(p);
    open_ = true;
    view_.set_phase(run_.mode, change, step, p.start_s);
    return run_.phases.back();
  }
  void end() {
    std::lock_guard lock(mutex_);
    end_locked();
  }
  std::string step() {
    std::lock_guard lock(mutex_);
    return open_ ? run_.phases.back().step : "";
  }

 private:
  void end_locked() {
    if (!open_) return;
    run_.phases.back().end_s = traffic_.seconds_since_epoch();
    open_ = false;
  }

  std::mutex mutex_;
  RunSummary& run_;
  const TrafficGenerator& traffic_;
  LiveView& view_;
  bool open_ = false;
};

// Fills in the statistics of every phase and of the whole run from the recorded samples.
void finish_run(RunSummary& run, TrafficGenerator& traffic, PhaseLog& log) {
  log.end();
  traffic.stop();
  run.samples = traffic.samples();
  run.error_messages = traffic.error_messages();
  run.duration_s = run.phases.empty() ? 0 : run.phases.back().end_s;
  for (auto& p : run.phases) p.app = stats_between(run.samples, p.start_s, p.end_s);
  run.app = stats_of(run.samples);
}

void apply_final_check(RunSummary& run, pg::Connection& conn, const std::string& schema, bool naive) {
  auto check = check_final_state(conn, schema, naive);
  run.rows = check.rows;
  run.rows_verified = check.rows_ok;
  run.failures = check.failures;
}

bool in_progress(MigrationDriver& driver) {
  try {
    return driver.in_progress();
  } catch (const std::exception&) {
    return true;  // cannot tell: try the rollback, which says what it finds
  }
}

TrafficOptions traffic_options(const RunSettings& s) {
  auto t = s.traffic;
  t.conninfo = s.conninfo;
  return t;
}

}  // namespace

RunSummary run_slipway(const RunSettings& settings, MigrationDriver& driver, LiveView& view, Interrupt& interrupt) {
  RunSummary run;
  run.mode = "slipway";
  pg::Connection conn(settings.conninfo);
  run.database = conn.describe();
  TrafficGenerator traffic(traffic_options(settings), std::chrono::steady_clock::now());
  view.attach(&traffic);
  PhaseLog log(run, traffic, view);
  auto cancel_guard = interrupt.on_interrupt([&] { driver.cancel(); });

  AppTarget current{settings.schema, AppShape::split_name};  // what the old app runs
  AppTarget before_this = current;                            // before the migration in flight
  std::optional<std::string> active;                          // started, not completed
  bool completing = false;
  std::string step_label;
  try {
    traffic.deploy(AppId::old_app, current);
    log.begin("traffic", "warm-up");
    if (!interrupt.sleep_for(settings.warmup_s)) throw Interrupted();
    driver.init();
    const auto& steps = scenario_steps();
    for (size_t i = 0; i < steps.size(); ++i) {
      const auto& step = steps[i];
      interrupt.check();
      view.log(fmt::format("[{}/{}] {}: {}", i + 1, steps.size(), step.name, step.title));

      before_this = current;
      step_label = step.name + " start";
      log.begin(step.name, "start");
      auto file = (std::filesystem::path(settings.examples_dir) / step.file).string();
      active = step.name;
      std::string version_schema = driver.start(file, [&](const DriverProgress& p) {
        if (p.stage != DriverProgress::Stage::backfill) return;
        if (log.step() != "backfill") {
          step_label = step.name + " backfill";
          log.begin(step.name, "backfill");
          view.log("      backfill: " + p.action);
        }
        view.set_progress(p.done, p.total);
      });
      interrupt.check();
      AppTarget next{version_schema, step.new_app_shape};

      // The rollout: the new application version goes live next to the old one, both writing
      // the same rows through their own version schema.
      step_label = step.name + " both versions live";
      log.begin(step.name, "both versions live");
      traffic.deploy(AppId::new_app, next);
      view.log(fmt::format("      version schema {} is live: the new app uses it, the old app keeps {}", version_schema,
                           current.search_path));
      if (!interrupt.sleep_for(settings.rollout_s)) throw Interrupted();

      step_label = step.name + " verify";
      auto& verify = log.begin(step.name, "verify");
      auto sql = replace_all(replace_all(step.verify_sql, "{old}", pg::quote_ident(current.search_path)), "{new}",
                             pg::quote_ident(version_schema));
      auto r = conn.exec(sql);
      verify.rows_checked = r[0][0].as<int64_t>();
      verify.rows_bad = r[0][1].as<int64_t>();
      view.log(fmt::format("      verify: {} rows checked through both versions, {} violate the invariant",
                           thousands(*verify.rows_checked), thousands(*verify.rows_bad)));
      if (*verify.rows_bad != 0) run.failures.push_back(fmt::format("{}: {} rows violate the invariant", step.name, *verify.rows_bad));

      // Every instance now runs the new version (the rollout is done); then the old version's
      // schema can go.
      step_label = step.name + " deploy";
      log.begin(step.name, "old app retired");
      traffic.deploy(AppId::old_app, next);
      traffic.retire(AppId::new_app);
      current = next;

      step_label = step.name + " complete";
      log.begin(step.name, "complete");
      completing = true;
      driver.complete();
      completing = false;
      active.reset();
      view.log(fmt::format("      complete: {} is done; the previous version's schema is gone", step.name));
    }
    // The application stops first, so the rows counted are the rows checked.
    log.end();
    traffic.retire(AppId::old_app);
    traffic.retire(AppId::new_app);
    apply_final_check(run, conn, settings.schema, false);
    run.finished = true;
    run.outcome = "complete";
  } catch (const std::exception& e) {
    bool interrupted = interrupt.requested() || dynamic_cast<const Interrupted*>(&e) != nullptr;
    std::string what = interrupted ? "interrupted" : std::string("failed: ") + e.what();
    log.end();
    if (active && completing) {
      // A contract cannot be undone half-way; it is resumable: finish it.
      try {
        driver.complete();
        run.outcome = fmt::format("{} during {}: migration {} was being completed; slipway complete resumed and "
                                  "finished it",
                                  what, step_label, *active);
      } catch (const std::exception& re) {
        run.outcome = fmt::format("{} during {}: migration {} left half-completed and resumable "
                                  "(run slipway complete): {}",
                                  what, step_label, *active, re.what());
      }
    } else if (active && !in_progress(driver)) {
      run.outcome = fmt::format("{} during {}: migration {} had not changed anything yet; nothing to roll back", what,
                                step_label, *active);
    } else if (active) {
      // The old app must be back on the old version before the new one is dropped.
      traffic.deploy(AppId::old_app, before_this);
      traffic.retire(AppId::new_app);
      try {
        driver.rollback();
        run.outcome = fmt::format("{} during {}: migration {} rolled back (the table is as it was before it)", what,
                                  step_label, *active);
      } catch (const std::exception& re) {
        run.outcome = fmt::format("{} during {}: migration {} left in progress and resumable "
                                  "(slipway complete, or slipway rollback): {}",
                                  what, step_label, *active, re.what());
      }
    } else {
      run.outcome = fmt::format("{} during {}", what, step_label.empty() ? "the warm-up" : step_label);
    }
  }
  finish_run(run, traffic, log);
  view.attach(nullptr);
  return run;
}

RunSummary run_naive(const RunSettings& settings, LiveView& view, Interrupt& interrupt) {
  RunSummary run;
  run.mode = "naive";
  pg::Connection conn(settings.conninfo);
  run.database = conn.describe();
  TrafficGenerator traffic(traffic_options(settings), std::chrono::steady_clock::now());
  view.attach(&traffic);
  PhaseLog log(run, traffic, view);
  auto cancel_guard = interrupt.on_interrupt([&] { conn.cancel_query(); });
  std::string table = pg::qualified(settings.schema, kTable);
  std::string step_label;
  try {
    // The naive application is the old one throughout: nothing gives it a new version.
    traffic.deploy(AppId::old_app, {settings.schema, AppShape::split_name});
    log.begin("traffic", "warm-up");
    if (!interrupt.sleep_for(settings.warmup_s)) throw Interrupted();
    const auto& steps = scenario_steps();
    for (size_t i = 0; i < steps.size(); ++i) {
      const auto& step = steps[i];
      view.log(fmt::format("[{}/{}] naive {}: {}", i + 1, steps.size(), step.name, step.title));
      for (const auto& [label, statement] : step.naive_sql) {
        interrupt.check();
        step_label = step.name + " " + label;
        log.begin(step.name, label);
        auto t0 = std::chrono::steady_clock::now();
        conn.exec(replace_all(statement, "{table}", table));
        double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        view.log(fmt::format("      {} took {}", label, seconds(took)));
      }
    }
    log.end();
    traffic.retire(AppId::old_app);
    apply_final_check(run, conn, settings.schema, true);
    run.finished = true;
    run.outcome = "complete";
  } catch (const std::exception& e) {
    bool interrupted = interrupt.requested() || dynamic_cast<const Interrupted*>(&e) != nullptr;
    run.outcome = fmt::format("{} during {}", interrupted ? "interrupted" : std::string("failed: ") + e.what(),
                              step_label.empty() ? "the warm-up" : step_label);
  }
  finish_run(run, traffic, log);
  view.attach(nullptr);
  return run;
}

}  // namespace slipway::demo
