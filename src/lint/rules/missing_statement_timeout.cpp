// missing-statement-timeout: a statement that holds a traffic-blocking lock while it scans or
// rewrites a table should be bounded: without statement_timeout a slow scan keeps the
// application blocked for as long as it takes. Reported once per file.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class MissingStatementTimeout final : public Rule {
 public:
  RuleInfo info() const override {
    return {"missing-statement-timeout", Severity::warning,
            "statement that blocks traffic while scanning, without statement_timeout"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    if (ctx.statement_timeout_set() || s.cls.work < Work::scan) return;
    for (auto& l : s.cls.locks) {
      if (!blocks_traffic(l.mode) || ctx.is_new(l.relation)) continue;
      if (!ctx.first_time("missing-statement-timeout")) return;
      out.push_back({"no statement_timeout: this statement " + std::string(work_name(s.cls.work)) + " while holding " +
                         std::string(lock_name(l.mode)) + " on " + l.relation + ", for as long as that takes",
                     "SET statement_timeout to the longest blocking you accept, or use the non-blocking form",
                     "SET statement_timeout = '30s';\n" + std::string(s.text) + ";", -1, l.relation});
      return;
    }
  }
};

}  // namespace
std::unique_ptr<Rule> make_missing_statement_timeout() { return std::make_unique<MissingStatementTimeout>(); }
}  // namespace slipway::lint::rules
