// adding-exclusion-constraint: ADD CONSTRAINT ... EXCLUDE builds its index under ACCESS
// EXCLUSIVE, and unlike UNIQUE there is no USING INDEX shortcut nor NOT VALID.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class AddingExclusionConstraint final : public Rule {
 public:
  RuleInfo info() const override {
    return {"adding-exclusion-constraint", Severity::error, "exclusion constraint on an existing table"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    std::string table = altered_table(s);
    if (table.empty() || ctx.is_new(table)) return;
    each_alter_cmd(s, [&](const std::string&, const Json& cmd) {
      auto* con = added_constraint(cmd);
      if (!con || str(*con, "contype") != "CONSTR_EXCLUSION") return;
      out.push_back({"exclusion constraint builds its index on " + table +
                         " while holding ACCESS EXCLUSIVE; it cannot be added NOT VALID or USING INDEX",
                     "add it while the table is small or during a maintenance window, or enforce the rule in a "
                     "trigger; for a new table declare it in CREATE TABLE",
                     "", integer(*con, "location")});
    });
  }
};

}  // namespace
std::unique_ptr<Rule> make_adding_exclusion_constraint() { return std::make_unique<AddingExclusionConstraint>(); }
}  // namespace slipway::lint::rules
