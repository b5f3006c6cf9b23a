// The lock model every rule shares: for one statement, the lock it takes on each relation
// (PostgreSQL's documented level per statement and per ALTER TABLE sub-command), what that lock
// blocks, and whether the statement rewrites the table, scans it, or only touches the catalog,
// for the PostgreSQL version being targeted.
#pragma once
#include "lint/tree.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace slipway::lint {

class Context;

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
std::string_view lock_name(LockMode m);  // "ACCESS EXCLUSIVE"

// What the application can no longer do while the lock is held.
struct Blocked {
  bool reads = false;   // SELECT
  bool writes = false;  // INSERT/UPDATE/DELETE
  bool ddl = false;     // other DDL, VACUUM, CREATE INDEX
};
Blocked blocked_by(LockMode m);
std::string blocked_text(LockMode m);  // "reads and writes", "writes", "DDL and VACUUM", ...
// A lock application traffic would queue behind (and make everyone queue behind it).
inline bool blocks_traffic(LockMode m) { return blocked_by(m).writes; }

struct RelationLock {
  std::string relation;
  LockMode mode = LockMode::none;
};

enum class Work { none, catalog_only, scan, rewrite };
std::string_view work_name(Work w);

struct Classification {
  std::vector<RelationLock> locks;  // one per relation, strongest mode
  Work work = Work::none;           // the heaviest work done while holding the locks
  bool transactional = true;        // false: cannot run inside a transaction block
  std::vector<std::string> notes;   // version caveats and details, for --explain

  LockMode strongest() const;
  const RelationLock* lock_on(std::string_view relation) const;
  void take(const std::string& relation, LockMode mode);
  void at_least(Work w);
  std::string summary() const;  // one line for --explain
};

Classification classify(const Json& stmt, const Context& ctx);

}  // namespace slipway::lint
