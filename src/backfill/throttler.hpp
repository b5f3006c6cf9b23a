// The throttler (gh-ost's role): decides when batches must wait and says why. Signals:
//   max-rate       rows per second over all workers (token bucket)
//   max-lag        replication lag of any standby (pg_stat_replication), or a custom lag query
//   throttle-query a user query; throttled while it returns true
//   pause-file     paused while the file exists
//   lock-wait      an application session waits on a lock one of our batch backends holds; the
//                  batch is cancelled at once (its locks released) and the batch size shrinks
// Database signals are polled by a background thread on a connection of its own.
#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace slipway::backfill {

struct ThrottleOptions {
  std::optional<double> max_rate;                     // rows/s, all workers together
  std::optional<std::chrono::milliseconds> max_lag;   // throttle while any standby lags more
  // Returns one row, one column: the lag in seconds (numeric/float). Default reads
  // pg_stat_replication (greatest of write/flush/replay lag over all standbys; NULL = 0).
  std::string lag_query;
  // Measure the lag even without max_lag, to report it (the engine sets this when it serves
  // metrics): a DBA watching a backfill wants the standbys' lag whether or not it throttles.
  bool measure_lag = false;
  std::string throttle_query;                         // throttled while it returns true
  std::string pause_file;                             // paused while this path exists
  bool lock_wait_detection = true;
  // A waiter blocked by a batch longer than this cancels the batch. With the polling interval
  // this bounds an application session's wait on a batch at ~40ms plus the rollback.
  std::chrono::milliseconds lock_wait_cancel_after{30};
  std::chrono::milliseconds poll_interval{10};        // lock-wait polling (~0.1ms of server time each)
  std::chrono::milliseconds check_interval{250};      // lag / throttle query / pause file
  // Pause after a lock-wait event: enough for the waiter, released by the cancel, to finish its
  // transaction; every pause is lost backfill time (200ms cost ~0.5s per 2M rows in the bench).
  std::chrono::milliseconds lock_wait_backoff{50};
};

enum class Contention { none, waited, cancelled };

class Throttler {
 public:
  // `conninfo`: the database; the throttler opens one connection for its polling (only when a
  // database signal is configured).
  Throttler(std::string conninfo, ThrottleOptions options);
  ~Throttler();
  Throttler(const Throttler&) = delete;
  Throttler& operator=(const Throttler&) = delete;

  void start();  // starts the polling thread (idempotent)
  void stop();

  // Batch backends the lock-wait detector watches (register when connected, unregister after).
  void register_backend(int pid);
  void unregister_backend(int pid);

  // Blocks while any signal says wait; returns the time spent waiting. `stop_requested` is
  // polled so a shutdown is not delayed.
  std::chrono::milliseconds wait_until_clear(const std::function<bool()>& stop_requested = {});
  // After a batch of `rows` that began at `started`: waits as long as max-rate requires. The
  // rows take their share of the workers' common timeline from `started` on at the earliest,
  // so the batch's own run time counts toward the rate: a bucket that began after each batch
  // would add that time to every period and undershoot (40k rows/s for --max-rate 50000 with
  // 60 ms batches).
  std::chrono::milliseconds account_rows(int64_t rows, std::chrono::steady_clock::time_point started,
                                         const std::function<bool()>& stop_requested = {});

  // True (once per event) when the throttler cancelled backend `pid`'s batch for a waiting
  // session: the worker that gets a cancel error recognises its own.
  bool take_lock_wait_event(int pid);
  // What application sessions did to backend `pid` since the last call (once per event; the
  // worker aims at shorter batches): none, waited on it (however briefly), or waited long
  // enough to get its batch cancelled.
  Contention take_contention(int pid);

  // "" when clear, else the reason ("max-lag", "throttle-query", "pause-file", "lock-wait",
  // "max-rate"). A reason a worker waited for stays for a second after the wait, so a paced
  // job reads as throttled between its waits rather than flipping at every batch.
  std::string current_reason() const;
  // Seconds spent throttled, by reason.
  std::map<std::string, double> throttled_seconds() const;
  // Last lag measured (seconds), when max-lag is set.
  std::optional<double> last_lag_seconds() const;
  int64_t lock_wait_events() const;

 private:
  struct State;
  std::unique_ptr<State> st_;
};

}  // namespace slipway::backfill
