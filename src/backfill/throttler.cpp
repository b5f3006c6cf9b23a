#include "backfill/throttler.hpp"

#include <fmt/format.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "pg/connection.hpp"
#include "pg/conninfo.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/thread_name.hpp"

namespace slipway::backfill {

namespace {
using Clock = std::chrono::steady_clock;

// Greatest lag over every standby; NULL lags (a standby that is caught up and idle) count as 0.
const char* kDefaultLagQuery =
    "SELECT coalesce(max(extract(epoch FROM greatest(write_lag, flush_lag, replay_lag))), 0) "
    "FROM pg_stat_replication";

// Application sessions waiting on a lock one of `$1` holds, and for how long.
// Reading pg_locks takes every partition lock of the lock manager (and each backend's fast-path
// lock), which every transaction needs for its own locks (PostgreSQL's documentation warns that
// frequent reads can affect performance). So it runs only once the query below has seen a waiter.
const char* kLockWaitQuery =
    "SELECT blocker, max(extract(epoch FROM clock_timestamp() - l.waitstart)) "
    "FROM pg_locks l, unnest(pg_blocking_pids(l.pid)) AS blocker "
    "WHERE NOT l.granted AND NOT (l.pid = ANY($1::int[])) AND blocker = ANY($1::int[]) "
    "GROUP BY blocker";
const std::string kLockWaitStatement = "slipway_lock_waits";

// The poll every 10 ms: is any other session waiting for a lock one of `$1` holds? It reads the
// backend status array (pg_stat_activity), not the lock manager; pg_blocking_pids, which does
// lock the lock manager, runs only for sessions that wait for a lock (OFFSET 0 keeps it out of
// the inner filter). Only for a role that sees other roles' wait events (pg_read_all_stats or
// superuser): for others they read NULL, and the poll reads pg_locks as before.
const char* kWaitersQuery =
    "SELECT 1 FROM (SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
    "AND NOT (pid = ANY($1::int[])) OFFSET 0) w WHERE pg_blocking_pids(w.pid) && $1::int[] LIMIT 1";
const std::string kWaitersStatement = "slipway_waiters";
const char* kSeesWaitEventsQuery = "SELECT pg_has_role('pg_read_all_stats', 'USAGE')";

// A lag or throttle query whose result is not one value of the expected kind.
class SignalQueryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The one value a signal query returns, as text; nullopt for no row or NULL (not throttled, no
// lag). `boolean`: the value must be of type boolean, since 1, 'yes' or 'on' would be read
// differently by different people. `flag` names the query in errors.
std::optional<std::string> signal_value(pg::Connection& conn, const std::string& sql, const char* flag,
                                        bool boolean) {
  auto r = conn.exec_params(sql);  // one statement (extended protocol), as the user wrote it
  if (r.columns() != 1) {
    throw SignalQueryError(fmt::format("{} returned {} columns; it must return one", flag, r.columns()));
  }
  if (r.size() > 1) throw SignalQueryError(fmt::format("{} returned {} rows; it must return one", flag, r.size()));
  if (boolean && r.column_type(0) != 16 /* BOOLOID */) {
    auto type = conn.query_value<std::string>("SELECT format_type($1::oid, NULL)", r.column_type(0));
    throw SignalQueryError(
        fmt::format("{} must return a boolean (true: pause), not {}", flag, type.value_or("that type")));
  }
  if (r.empty() || r[0][0].is_null()) return std::nullopt;
  return std::string(r[0][0].c_str());
}

// A lag query's value in seconds; all of the text must be the number, so that an interval
// such as '00:00:05' is refused rather than read as 0.
double lag_seconds(const std::string& text) {
  size_t used = 0;
  double seconds = 0;
  try {
    seconds = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size()) {
    throw SignalQueryError(fmt::format("--lag-query returned '{}', not a number of seconds", text));
  }
  return seconds;
}

std::string int_array(const std::set<int>& pids) {
  std::string out = "{";
  for (int p : pids) {
    if (out.size() > 1) out += ',';
    out += std::to_string(p);
  }
  return out + "}";
}
}  // namespace

constexpr auto kReasonHold = std::chrono::seconds(1);

struct Throttler::State {
  std::string conninfo;
  ThrottleOptions opt;
  mutable std::mutex mu;
  std::set<int> backends;
  std::set<int> lock_wait_hits;         // backends whose batch was cancelled, not yet taken
  std::set<int> waited_on;              // backends an application session waited on, not yet taken
  Clock::time_point lock_wait_until{};  // all workers back off until then
  std::string db_reason;                // max-lag / throttle-query, from the last check
  std::optional<double> lag;
  std::map<std::string, double> throttled;
  int64_t lock_wait_events = 0;
  // The last reason a worker waited for, shown until a while after its wait ends: between the
  // waits of a paced job (max-rate, or a lock-wait every few batches) the reason would otherwise
  // flip to "" for every batch, and the progress lines, which print on a change of reason,
  // would print one per batch.
  std::string shown;
  Clock::time_point shown_until{};
  void show(const std::string& reason, Clock::time_point wait_ends) {  // with mu held
    shown = reason;
    shown_until = wait_ends + kReasonHold;
  }
  Clock::time_point next_rate_slot = Clock::now();
  std::thread poller;
  std::atomic<bool> stopping{false};
  bool started = false;

  bool needs_db() const {
    return opt.max_lag || opt.measure_lag || !opt.throttle_query.empty() || opt.lock_wait_detection;
  }

  // Throttling reasons that hold right now, checked in order of importance.
  std::string reason_now() {
    std::lock_guard l(mu);
    if (!opt.pause_file.empty() && std::filesystem::exists(opt.pause_file)) return "pause-file";
    if (Clock::now() < lock_wait_until) return "lock-wait";
    return db_reason;
  }

  void poll_loop() {
    std::unique_ptr<pg::Connection> conn;
    bool sees_wait_events = false;  // of other roles' sessions (see kWaitersQuery)
    auto next_check = Clock::now();
    while (!stopping) {
      try {
        if (!conn) {
          conn = std::make_unique<pg::Connection>(pg::with_application_name(conninfo, "slipway-backfill-throttler"));
          conn->exec("SET lock_timeout = '1s'; SET statement_timeout = '5s'");
          // Polled every 10 ms: planned once per session instead of each time (a third of the
          // poll's server CPU; measured with a backend's /proc times during a backfill).
          conn->prepare(kLockWaitStatement, kLockWaitQuery);
          sees_wait_events = conn->query_value<bool>(kSeesWaitEventsQuery).value_or(false);
          if (sees_wait_events) conn->prepare(kWaitersStatement, kWaitersQuery);
        }
        if (opt.lock_wait_detection) check_lock_waits(*conn, sees_wait_events);
        if (Clock::now() >= next_check) {
          next_check = Clock::now() + opt.check_interval;
          try {
            check_db_signals(*conn);
          } catch (const pg::ConnectionLost&) {
            throw;
          } catch (const std::exception& e) {
            // The user's query fails or returns the wrong shape; the session is fine, so the
            // lock-wait poll goes on on it (no reconnect every check).
            signal_check_failed(e);
          }
        }
      } catch (const std::exception& e) {
        signal_check_failed(e);
        conn.reset();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
      std::this_thread::sleep_for(opt.poll_interval);
    }
  }

  // A failing check must not stop the backfill silently nor let it run unthrottled: an unusable
  // signal counts as "throttled" until it works again (a lag measured only for the metrics
  // throttles nothing).
  void signal_check_failed(const std::exception& e) {
    log::verbose("throttler check failed: {}", e.what());
    std::lock_guard l(mu);
    if (opt.max_lag || !opt.throttle_query.empty()) db_reason = "throttle-check-failed";
  }

  void check_lock_waits(pg::Connection& conn, bool sees_wait_events) {
    std::set<int> pids;
    {
      std::lock_guard l(mu);
      pids = backends;
    }
    if (pids.empty()) return;
    const std::string ours = int_array(pids);
    if (sees_wait_events && conn.exec_prepared(kWaitersStatement, ours).empty()) return;
    auto rows = conn.exec_prepared(kLockWaitStatement, ours);
    for (const auto& r : rows) {
      int blocker = r[0].as<int>();
      double waited = r[1].is_null() ? 0.0 : r[1].as<double>();
      {
        // Any wait, however short, tells the worker its batches are too long for this table.
        std::lock_guard l(mu);
        waited_on.insert(blocker);
      }
      if (waited * 1000.0 < double(opt.lock_wait_cancel_after.count())) continue;
      // Someone waits on our batch: release its locks now by cancelling it. The batch rolls
      // back and is retried smaller after a pause. The event is recorded before the cancel, so
      // the worker that gets the cancel error always finds it.
      {
        std::lock_guard l(mu);
        lock_wait_hits.insert(blocker);
        lock_wait_until = Clock::now() + opt.lock_wait_backoff;
        ++lock_wait_events;
      }
      conn.exec_params("SELECT pg_cancel_backend($1)", blocker);
      log::verbose("lock wait on backfill backend {} ({:.0f} ms): batch cancelled", blocker, waited * 1000);
    }
  }

  void check_db_signals(pg::Connection& conn) {
    std::string reason;
    std::optional<double> lag;
    if (opt.max_lag || opt.measure_lag) {
      auto v = signal_value(conn, opt.lag_query.empty() ? kDefaultLagQuery : opt.lag_query, "--lag-query", false);
      lag = v ? lag_seconds(*v) : 0.0;
      if (opt.max_lag && *lag * 1000.0 > double(opt.max_lag->count())) reason = "max-lag";
    }
    if (reason.empty() && !opt.throttle_query.empty()) {
      auto v = signal_value(conn, opt.throttle_query, "--throttle-query", true);  // a boolean: t or f
      if (v == "t") reason = "throttle-query";
    }
    std::lock_guard l(mu);
    db_reason = reason;
    if (lag) this->lag = lag;
  }
};

Throttler::Throttler(std::string conninfo, ThrottleOptions options) : st_(std::make_unique<State>()) {
  st_->conninfo = std::move(conninfo);
  st_->opt = std::move(options);
}

Throttler::~Throttler() { stop(); }

namespace {
InputError bad_signal_query(const std::exception& e) {
  return InputError(std::string("the throttle check fails: ") + e.what(),
                    "check --throttle-query / --lag-query: one row, one column (boolean / seconds)");
}
}  // namespace

void Throttler::start() {
  if (st_->started) return;
  st_->started = true;
  if (st_->opt.max_lag || !st_->opt.throttle_query.empty() || (st_->opt.measure_lag && !st_->opt.lag_query.empty())) {
    // The first check runs before the first batch may start; a query that cannot run at all is
    // the user's mistake, reported before any row changes.
    try {
      pg::Connection conn(pg::with_application_name(st_->conninfo, "slipway-backfill-throttler"));
      st_->check_db_signals(conn);
    } catch (const pg::ConnectionLost&) {
      throw;  // not the query's fault: a lost connection, exit 1 like any other
    } catch (const pg::PgError& e) {
      throw bad_signal_query(e);
    } catch (const SignalQueryError& e) {
      throw bad_signal_query(e);
    }
  }
  if (st_->needs_db()) st_->poller = std::thread([this] {
    name_this_thread("slipway-poll");
    st_->poll_loop();
  });
}

void Throttler::stop() {
  st_->stopping = true;
  if (st_->poller.joinable()) st_->poller.join();
}

void Throttler::register_backend(int pid) {
  std::lock_guard l(st_->mu);
  st_->backends.insert(pid);
}

void Throttler::unregister_backend(int pid) {
  std::lock_guard l(st_->mu);
  st_->backends.erase(pid);
  st_->lock_wait_hits.erase(pid);
  st_->waited_on.erase(pid);
}

namespace {
bool sleep_unless_stopped(std::chrono::milliseconds total, const std::function<bool()>& stop) {
  auto until = Clock::now() + total;
  while (Clock::now() < until) {
    if (stop && stop()) return false;
    std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(20), until - Clock::now()));
  }
  return true;
}
}  // namespace

std::chrono::milliseconds Throttler::wait_until_clear(const std::function<bool()>& stop_requested) {
  auto start = Clock::now();
  for (;;) {
    std::string reason = st_->reason_now();
    if (reason.empty() || (stop_requested && stop_requested())) break;
    auto t0 = Clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::lock_guard l(st_->mu);
    st_->throttled[reason] += std::chrono::duration<double>(Clock::now() - t0).count();
    st_->show(reason, Clock::now());
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

std::chrono::milliseconds Throttler::account_rows(int64_t rows, Clock::time_point started,
                                                  const std::function<bool()>& stop_requested) {
  if (!st_->opt.max_rate || *st_->opt.max_rate <= 0 || rows <= 0) return std::chrono::milliseconds(0);
  Clock::time_point slot;
  {
    std::lock_guard l(st_->mu);
    // A token bucket without burst beyond one batch: every row reserves 1/max_rate seconds of the
    // shared timeline, from the batch's start on (time nobody used before it is not saved up).
    if (st_->next_rate_slot < started) st_->next_rate_slot = started;
    st_->next_rate_slot += std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(double(rows) / *st_->opt.max_rate));
    slot = st_->next_rate_slot;
  }
  auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(slot - Clock::now());
  if (wait.count() <= 0) return std::chrono::milliseconds(0);
  {
    std::lock_guard l(st_->mu);
    st_->show("max-rate", slot);
  }
  auto t0 = Clock::now();
  sleep_unless_stopped(wait, stop_requested);
  std::lock_guard l(st_->mu);
  st_->throttled["max-rate"] += std::chrono::duration<double>(Clock::now() - t0).count();
  return wait;
}

bool Throttler::take_lock_wait_event(int pid) {
  std::lock_guard l(st_->mu);
  if (st_->lock_wait_hits.erase(pid) == 0) return false;
  st_->waited_on.erase(pid);  // the same wait
  return true;
}

Contention Throttler::take_contention(int pid) {
  std::lock_guard l(st_->mu);
  bool waited = st_->waited_on.erase(pid) > 0;
  if (st_->lock_wait_hits.erase(pid) > 0) return Contention::cancelled;
  return waited ? Contention::waited : Contention::none;
}

std::string Throttler::current_reason() const {
  std::string now = st_->reason_now();
  if (!now.empty()) return now;
  std::lock_guard l(st_->mu);
  return Clock::now() < st_->shown_until ? st_->shown : std::string();
}

std::map<std::string, double> Throttler::throttled_seconds() const {
  std::lock_guard l(st_->mu);
  return st_->throttled;
}

std::optional<double> Throttler::last_lag_seconds() const {
  std::lock_guard l(st_->mu);
  return st_->lag;
}

int64_t Throttler::lock_wait_events() const {
  std::lock_guard l(st_->mu);
  return st_->lock_wait_events;
}

}  // namespace slipway::backfill
