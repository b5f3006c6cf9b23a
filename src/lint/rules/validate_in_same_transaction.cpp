// validate-in-same-transaction: VALIDATE CONSTRAINT in the transaction that added the constraint
// NOT VALID keeps the ADD's lock (ACCESS EXCLUSIVE for CHECK) for the whole validation scan,
// which undoes the point of NOT VALID.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class ValidateInSameTransaction final : public Rule {
 public:
  RuleInfo info() const override {
    return {"validate-in-same-transaction", Severity::error,
            "NOT VALID and VALIDATE of one constraint in the same transaction"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    if (!ctx.in_transaction()) return;
    std::string table = altered_table(s);
    each_alter_cmd(s, [&](const std::string& sub, const Json& cmd) {
      if (sub != "AT_ValidateConstraint") return;
      std::string name = str(cmd, "name");
      for (auto& nv : ctx.not_valid_in_transaction()) {
        if (nv.name != name || nv.table != table_key(table)) continue;
        out.push_back({"constraint " + name + " was added NOT VALID at line " + std::to_string(nv.at.line) +
                           " in this same transaction: the validation scan runs while the ADD's lock is "
                           "still held",
                       "COMMIT after adding the constraint NOT VALID and VALIDATE it in its own transaction",
                       ""});
      }
    });
  }
};

}  // namespace
std::unique_ptr<Rule> make_validate_in_same_transaction() { return std::make_unique<ValidateInSameTransaction>(); }
}  // namespace slipway::lint::rules
