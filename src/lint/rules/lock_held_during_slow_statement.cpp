// lock-held-during-slow-statement: locks are held until the transaction ends. A table locked
// early (e.g. a quick ALTER TABLE taking ACCESS EXCLUSIVE) stays blocked while a later statement
// of the same transaction scans or rewrites another table — or, for whole-table DML (UPDATE /
// DELETE not bounded by an indexed key, INSERT ... SELECT), the same table: the classic
// "ADD COLUMN, then UPDATE every row" migration keeps reads and writes waiting for every row.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

bool whole_table_dml(const Statement& s) {
  return (s.kind == "UpdateStmt" || s.kind == "DeleteStmt" || s.kind == "InsertStmt" || s.kind == "MergeStmt") &&
         s.cls.work >= Work::scan;
}

class LockHeldDuringSlowStatement final : public Rule {
 public:
  RuleInfo info() const override {
    return {"lock-held-during-slow-statement", Severity::warning,
            "slow statement while the transaction holds a blocking lock on another table"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    if (!ctx.in_transaction() || s.cls.work < Work::scan) return;
    bool touches_existing = false;
    for (auto& l : s.cls.locks)
      if (!ctx.is_new(l.relation)) touches_existing = true;
    if (!touches_existing) return;
    bool dml = whole_table_dml(s);
    for (auto& h : ctx.held_locks()) {
      if (!blocks_traffic(h.mode)) continue;
      const RelationLock* own = s.cls.lock_on(h.relation);
      // The statement's own lock on a table is its own rules' business, unless the transaction
      // already holds a stronger one there that the statement's work now stretches out.
      if (own && !(dml && h.mode > own->mode)) continue;
      std::string held = h.relation + " has been locked " + std::string(lock_name(h.mode)) + " since line " +
                         std::to_string(h.since.line);
      if (dml) {
        std::string verb = s.kind == "UpdateStmt"   ? "UPDATE"
                           : s.kind == "DeleteStmt" ? "DELETE"
                           : s.kind == "MergeStmt"  ? "MERGE"
                                                    : "INSERT ... SELECT";
        out.push_back({verb + " is whole-table work (" + std::string(work_name(s.cls.work)) + ": " +
                           (s.cls.notes.empty() ? std::string("every row") : s.cls.notes.back()) + ") while " + held +
                           " (blocks " + std::string(blocked_text(h.mode)) + ") until COMMIT",
                       "COMMIT the schema change first; then change the rows in batches by primary-key range, a "
                       "commit per batch (slipway backfill, or a migration's `up`)",
                       "", -1, h.relation});
      } else {
        out.push_back({held + " and stays blocked while this statement " + std::string(work_name(s.cls.work)),
                       "split the migration: COMMIT after the quick lock-taking statements, run slow ones in their "
                       "own transaction",
                       "", -1, h.relation});
      }
      return;
    }
  }
};

}  // namespace
std::unique_ptr<Rule> make_lock_held_during_slow_statement() {
  return std::make_unique<LockHeldDuringSlowStatement>();
}
}  // namespace slipway::lint::rules
