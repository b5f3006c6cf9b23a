// lock-held-during-slow-statement: locks are held until the transaction ends. A table locked
// early (e.g. a quick ALTER TABLE taking ACCESS EXCLUSIVE) stays blocked while a later statement
// of the same transaction scans or rewrites another table.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

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
    for (auto& h : ctx.held_locks()) {
      if (!blocks_traffic(h.mode) || s.cls.lock_on(h.relation)) continue;
      out.push_back({h.relation + " has been locked " + std::string(lock_name(h.mode)) + " since line " +
                         std::to_string(h.since.line) + " and stays blocked while this statement " +
                         std::string(work_name(s.cls.work)),
                     "split the migration: COMMIT after the quick lock-taking statements, run slow ones in their "
                     "own transaction",
                     ""});
      return;
    }
  }
};

}  // namespace
std::unique_ptr<Rule> make_lock_held_during_slow_statement() {
  return std::make_unique<LockHeldDuringSlowStatement>();
}
}  // namespace slipway::lint::rules
