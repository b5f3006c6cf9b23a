// PostgreSQL's table-level lock modes and what each one blocks, seen from the application.
// One vocabulary for the linter's lock model and the migration runbook (`slipway plan`).
#pragma once
#include <string>
#include <string_view>

namespace slipway::pg {

// Weakest first: comparisons (<, >=) follow lock strength.
enum class LockMode {
  none,
  access_share,
  row_share,
  row_exclusive,
  share_update_exclusive,
  share,
  share_row_exclusive,
  exclusive,
  access_exclusive,
};

// "ACCESS EXCLUSIVE"; "no lock" for none.
std::string_view lock_mode_name(LockMode m);

// What the application can no longer do while the lock is held.
struct Blocked {
  bool reads = false;   // SELECT (ACCESS SHARE)
  bool writes = false;  // INSERT/UPDATE/DELETE (ROW EXCLUSIVE)
  bool ddl = false;     // other DDL, VACUUM, CREATE INDEX (SHARE UPDATE EXCLUSIVE and up)
};
Blocked blocked_by(LockMode m);
// "reads and writes", "writes (INSERT/UPDATE/DELETE); reads continue", ...
std::string blocked_text(LockMode m);

}  // namespace slipway::pg
