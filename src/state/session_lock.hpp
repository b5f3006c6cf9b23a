// The per-database advisory lock every state-changing command holds for its whole run, so two
// slipways never change the same database at once. Session-level: released when the connection
// ends, including when slipway is killed.
#pragma once
#include <string>

#include "pg/connection.hpp"

namespace slipway::state {

class SessionLock {
 public:
  // Throws AnotherSlipwayRunning (exit 4) naming the holder (pid, application, address, start,
  // state), after waiting briefly for a holder that is going away (pg/advisory_lock.hpp).
  SessionLock(pg::Connection& conn, const std::string& state_schema);
  ~SessionLock();
  SessionLock(const SessionLock&) = delete;
  SessionLock& operator=(const SessionLock&) = delete;

  // The two int4 keys of pg_advisory_lock(int, int) for a state schema.
  static std::pair<int, int> keys(const std::string& state_schema);

 private:
  pg::Connection& conn_;
  std::pair<int, int> keys_;
};

}  // namespace slipway::state
