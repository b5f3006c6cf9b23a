#include "pg/lock_mode.hpp"

namespace slipway::pg {

std::string_view lock_mode_name(LockMode m) {
  switch (m) {
    case LockMode::none: return "no lock";
    case LockMode::access_share: return "ACCESS SHARE";
    case LockMode::row_share: return "ROW SHARE";
    case LockMode::row_exclusive: return "ROW EXCLUSIVE";
    case LockMode::share_update_exclusive: return "SHARE UPDATE EXCLUSIVE";
    case LockMode::share: return "SHARE";
    case LockMode::share_row_exclusive: return "SHARE ROW EXCLUSIVE";
    case LockMode::exclusive: return "EXCLUSIVE";
    case LockMode::access_exclusive: return "ACCESS EXCLUSIVE";
  }
  return "?";
}

// PostgreSQL's lock conflict table, seen from the application: SELECT takes ACCESS SHARE,
// DML takes ROW EXCLUSIVE, other DDL and VACUUM take SHARE UPDATE EXCLUSIVE or stronger.
Blocked blocked_by(LockMode m) {
  Blocked b;
  b.reads = m == LockMode::access_exclusive;
  b.writes = m >= LockMode::share;
  b.ddl = m >= LockMode::share_update_exclusive;
  return b;
}

std::string blocked_text(LockMode m) {
  auto b = blocked_by(m);
  if (b.reads) return "reads and writes";
  if (b.writes) return "writes (INSERT/UPDATE/DELETE); reads continue";
  if (b.ddl) return "other DDL and VACUUM; reads and writes continue";
  if (m == LockMode::none) return "nothing";
  return "only ACCESS EXCLUSIVE locks";
}

}  // namespace slipway::pg
