// The lock model every rule shares: for one statement, the lock it takes on each relation
// (PostgreSQL's documented level per statement and per ALTER TABLE sub-command), what that lock
// blocks, and whether the statement rewrites the table, scans it, or only touches the catalog,
// for the PostgreSQL version being targeted.
#pragma once
#include "lint/tree.hpp"
#include "lint/types.hpp"
#include "pg/lock_mode.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace slipway::lint {

class Context;

using pg::Blocked;
using pg::blocked_by;
using pg::blocked_text;
using pg::LockMode;
inline std::string_view lock_name(LockMode m) { return pg::lock_mode_name(m); }  // "ACCESS EXCLUSIVE"
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

// One ALTER COLUMN ... TYPE sub-command judged: the one place that decides whether it rewrites
// (the classifier and changing-column-type both ask here).
struct TypeChange {
  bool valid = false;                 // false: no ColumnDef with a type (nothing to judge)
  ColumnType to;
  const ColumnType* from = nullptr;   // the old type, when the run has seen it
  bool using_expression = false;      // a USING that is more than the plain conversion
  bool rewrites = true;
  std::string why;                    // for --explain
};
TypeChange judge_type_change(const Json& alter_cmd, const std::string& table, const Context& ctx);

}  // namespace slipway::lint
