#include "state/session_lock.hpp"

#include <fmt/format.h>

#include "pg/advisory_lock.hpp"
#include "util/stable_hash.hpp"

namespace slipway::state {

std::pair<int, int> SessionLock::keys(const std::string& state_schema) {
  // 'slip' as the class, and a stable FNV-1a hash of the state schema as the object, so two
  // state schemas in one database (two independent slipway installations) do not collide.
  return {0x736c6970, static_cast<int>(stable_hash(state_schema) & 0x7fffffff)};
}

SessionLock::SessionLock(pg::Connection& conn, const std::string& state_schema)
    : conn_(conn), keys_(keys(state_schema)) {
  // Waits briefly for a holder that is going away (a slipway killed a moment ago).
  auto holder = pg::try_advisory_lock(conn_, {keys_.first, keys_.second});
  if (!holder) return;
  throw AnotherSlipwayRunning(fmt::format("another slipway is running on this database ({})", holder->describe()),
                              "wait for it to finish; if it is stuck, pg_terminate_backend() that pid");
}

SessionLock::~SessionLock() {
  try {
    pg::advisory_unlock(conn_, {keys_.first, keys_.second});
  } catch (...) {
    // The connection may be gone; the server released the lock with it.
  }
}

}  // namespace slipway::state
