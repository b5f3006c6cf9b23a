// prefer-robust-stmts: outside a transaction a migration that fails half-way leaves some
// statements applied; with IF [NOT] EXISTS it can simply be re-run. (Inside a transaction the
// failure rolls everything back, so the rule stays quiet.)
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class PreferRobustStmts final : public Rule {
 public:
  RuleInfo info() const override {
    return {"prefer-robust-stmts", Severity::warning, "non-idempotent DDL outside a transaction"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    if (ctx.in_transaction()) return;
    std::string what;
    if (s.kind == "CreateStmt" && !flag(s.body, "if_not_exists")) what = "CREATE TABLE without IF NOT EXISTS";
    else if (s.kind == "IndexStmt" && !flag(s.body, "if_not_exists") && !str(s.body, "idxname").empty())
      what = "CREATE INDEX without IF NOT EXISTS";
    else if (s.kind == "DropStmt" && !flag(s.body, "missing_ok")) what = "DROP without IF EXISTS";
    else if (s.kind == "AlterTableStmt") {
      each_alter_cmd(s, [&](const std::string& sub, const Json& cmd) {
        if (!what.empty()) return;
        if (sub == "AT_AddColumn" && !flag(cmd, "missing_ok")) what = "ADD COLUMN without IF NOT EXISTS";
        if ((sub == "AT_DropColumn" || sub == "AT_DropConstraint") && !flag(cmd, "missing_ok"))
          what = sub == "AT_DropColumn" ? "DROP COLUMN without IF EXISTS" : "DROP CONSTRAINT without IF EXISTS";
      });
    }
    if (what.empty()) return;
    out.push_back({what + ", outside a transaction: a failed run cannot simply be retried",
                   "add IF NOT EXISTS / IF EXISTS, or run the migration in a transaction", ""});
  }
};

}  // namespace
std::unique_ptr<Rule> make_prefer_robust_stmts() { return std::make_unique<PreferRobustStmts>(); }
}  // namespace slipway::lint::rules
