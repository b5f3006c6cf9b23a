// disabling-triggers: ALTER TABLE ... DISABLE TRIGGER ALL also turns off the internal triggers
// that enforce foreign keys (superuser only): rows written until ENABLE are never checked. And
// it takes SHARE ROW EXCLUSIVE on the table, which blocks every write until the transaction ends
// — usually the bulk change the triggers were disabled for.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class DisablingTriggers final : public Rule {
 public:
  RuleInfo info() const override {
    return {"disabling-triggers", Severity::warning, "DISABLE TRIGGER ALL turns off foreign-key checks and blocks writes"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    std::string table = altered_table(s);
    if (table.empty() || ctx.is_new(table)) return;
    each_alter_cmd(s, [&](const std::string& sub, const Json&) {
      if (sub != "AT_DisableTrigAll") return;
      out.push_back({"DISABLE TRIGGER ALL on " + table +
                         " also disables its foreign-key triggers (rows written meanwhile are never checked) and "
                         "takes SHARE ROW EXCLUSIVE, blocking writes for the rest of the transaction",
                     "disable only the trigger that must not fire (DISABLE TRIGGER name, or DISABLE TRIGGER USER: the "
                     "foreign-key triggers stay on); if foreign keys must really be skipped, re-check them afterwards "
                     "(drop and re-add them NOT VALID, then VALIDATE CONSTRAINT)",
                     "", -1, table});
    });
  }
};

}  // namespace
std::unique_ptr<Rule> make_disabling_triggers() { return std::make_unique<DisablingTriggers>(); }
}  // namespace slipway::lint::rules
