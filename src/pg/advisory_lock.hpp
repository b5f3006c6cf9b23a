// Session-level advisory locks on two int4 keys (pg_advisory_lock(int4, int4)), the one way
// slipway takes its database lock (state/session_lock) and its backfill job locks
// (backfill/checkpoint's JobLock): taken without queueing, a holder that is going away waited
// out, a live holder named.
//
// Why wait at all: a killed slipway's session keeps its locks until its backend notices the
// client is gone and exits. An idle backend notices at once, but one in the middle of a
// statement (a lock wait, an index build, a batch) only when the statement ends, and an exiting
// backend leaves pg_stat_activity before it releases its locks. A re-run right after the kill
// would be refused (exit 4) though nothing runs any more; so it polls for a while instead.
// It never terminates the holder: from the server, a dead client's session and a live one that
// is idle look alike.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "pg/connection.hpp"

namespace slipway::pg {

// pg_advisory_lock(first, second): pg_locks shows it as classid = first, objid = second,
// objsubid = 2 (both as unsigned oids).
struct AdvisoryKey {
  int32_t first = 0;
  int32_t second = 0;
};

// Who holds an advisory lock, as pg_locks and pg_stat_activity tell it. pg_stat_activity shows
// another role's session's application_name, but its address, start and state only to members
// of that role or of pg_read_all_stats: those stay empty otherwise.
struct AdvisoryHolder {
  int pid = 0;
  bool ending = false;  // no pg_stat_activity row any more: the backend is exiting
  std::string application_name;
  std::string client;         // its address, or "local socket"
  std::string backend_start;  // when it connected
  std::string state;          // idle, active, idle in transaction, ...
  std::string query_start;    // changes only when its client sends a statement: proof of life

  // "pid 4242, application 'slipway', from local socket, connected since 2024-05-01 10:00:00
  // UTC, idle"; the parts not visible are left out.
  std::string describe() const;
};

// How long try_advisory_lock waits for a holder to go away: a killed client's idle backend ends
// within milliseconds, one finishing a statement within about a second.
inline constexpr std::chrono::milliseconds kHolderGoneWait{3000};

// Takes the lock on `c` if it is free: nullopt. While another session holds it, polls (every
// 50 ms) until it is free, the holder is seen alive (it started another statement), or `wait`
// has passed; then returns the holder. `wait` 0: one try, the holder if taken.
std::optional<AdvisoryHolder> try_advisory_lock(Connection& c, AdvisoryKey key,
                                                std::chrono::milliseconds wait = kHolderGoneWait);
// The session holding the lock now, if any.
std::optional<AdvisoryHolder> advisory_lock_holder(Connection& c, AdvisoryKey key);
void advisory_unlock(Connection& c, AdvisoryKey key);

}  // namespace slipway::pg
