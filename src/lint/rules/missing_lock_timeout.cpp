// missing-lock-timeout: a statement that needs a lock conflicting with application traffic waits
// behind long-running queries, and every query arriving after it waits behind it: without a
// lock_timeout a one-millisecond DDL can stall the application for minutes. Reported once per
// file, at the first such statement.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class MissingLockTimeout final : public Rule {
 public:
  RuleInfo info() const override {
    return {"missing-lock-timeout", Severity::warning, "lock-taking statement without lock_timeout"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    if (ctx.lock_timeout_set()) return;
    for (auto& l : s.cls.locks) {
      if (!blocks_traffic(l.mode) || ctx.is_new(l.relation)) continue;
      if (!ctx.first_time("missing-lock-timeout")) return;
      out.push_back({"no lock_timeout before taking " + std::string(lock_name(l.mode)) + " on " + l.relation +
                         ": if the lock is not granted at once, every query on " + l.relation + " queues behind it",
                     "SET lock_timeout at the top of the migration and retry on timeout (slipway's DDL executor "
                     "does both)",
                     "SET lock_timeout = '2s';\n" + std::string(s.text) + ";", -1, l.relation});
      return;
    }
  }
};

}  // namespace
std::unique_ptr<Rule> make_missing_lock_timeout() { return std::make_unique<MissingLockTimeout>(); }
}  // namespace slipway::lint::rules
