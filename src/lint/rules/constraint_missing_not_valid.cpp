// constraint-missing-not-valid: ADD CONSTRAINT ... CHECK / FOREIGN KEY validates every row
// while holding its lock (ACCESS EXCLUSIVE for CHECK; SHARE ROW EXCLUSIVE on both tables for a
// foreign key). Adding it NOT VALID and validating separately only takes SHARE UPDATE EXCLUSIVE
// for the scan.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class ConstraintMissingNotValid final : public Rule {
 public:
  RuleInfo info() const override {
    return {"constraint-missing-not-valid", Severity::error, "CHECK or FOREIGN KEY added without NOT VALID"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    std::string table = altered_table(s);
    if (table.empty() || ctx.is_new(table)) return;
    std::size_t cmds = list(s.body, "cmds").size();
    each_alter_cmd(s, [&](const std::string&, const Json& cmd) {
      auto* con = added_constraint(cmd);
      if (!con || flag(*con, "skip_validation")) return;
      std::string type = str(*con, "contype");
      if (type != "CONSTR_CHECK" && type != "CONSTR_FOREIGN") return;
      bool fk = type == "CONSTR_FOREIGN";
      std::string name = str(*con, "conname");
      Hit h;
      h.location = integer(*con, "location");
      h.relation = table;
      h.message = std::string(fk ? "FOREIGN KEY" : "CHECK") + " constraint " + (name.empty() ? "" : name + " ") +
                  "is validated against every row of " + table + " while holding " +
                  (fk ? "SHARE ROW EXCLUSIVE on both tables" : "ACCESS EXCLUSIVE");
      h.recipe = "add the constraint NOT VALID (instant), then VALIDATE CONSTRAINT in a separate transaction "
                 "(SHARE UPDATE EXCLUSIVE: reads and writes continue)";
      if (!name.empty() && cmds == 1) {
        std::string text(s.text);
        h.fix = text + " NOT VALID;\nALTER TABLE " + qualified(table) + " VALIDATE CONSTRAINT " + ident(name) + ";";
      }
      out.push_back(std::move(h));
    });
  }
};

}  // namespace
std::unique_ptr<Rule> make_constraint_missing_not_valid() { return std::make_unique<ConstraintMissingNotValid>(); }
}  // namespace slipway::lint::rules
