#include "state/session_lock.hpp"

#include <fmt/format.h>

namespace slipway::state {

std::pair<int, int> SessionLock::keys(const std::string& state_schema) {
  // 'slip' as the class, and a stable FNV-1a hash of the state schema as the object, so two
  // state schemas in one database (two independent slipway installations) do not collide.
  uint32_t h = 2166136261u;
  for (unsigned char c : state_schema) h = (h ^ c) * 16777619u;
  return {0x736c6970, static_cast<int>(h & 0x7fffffff)};
}

SessionLock::SessionLock(pg::Connection& conn, const std::string& state_schema)
    : conn_(conn), keys_(keys(state_schema)) {
  bool got = conn_.query_value<bool>("SELECT pg_try_advisory_lock($1, $2)", keys_.first, keys_.second)
                 .value_or(false);
  if (got) return;
  auto holder = conn_.exec_params(
      "SELECT a.pid, to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ'), "
      "       coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local') "
      "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::int::oid "
      "  AND l.objid = $2::int::oid AND l.objsubid = 2 AND l.database = "
      "      (SELECT oid FROM pg_database WHERE datname = current_database())",
      keys_.first, keys_.second);
  std::string who = holder.empty()
                        ? "unknown backend"
                        : fmt::format("pid {}, since {}, application '{}' from {}", holder[0][0].c_str(),
                                      holder[0][1].c_str(), holder[0][2].c_str(), holder[0][3].c_str());
  throw AnotherSlipwayRunning(fmt::format("another slipway is running on this database ({})", who),
                              "wait for it to finish; if it is stuck, pg_terminate_backend() that pid");
}

SessionLock::~SessionLock() {
  try {
    conn_.exec_params("SELECT pg_advisory_unlock($1, $2)", keys_.first, keys_.second);
  } catch (...) {
    // The connection may be gone; the server released the lock with it.
  }
}

}  // namespace slipway::state
