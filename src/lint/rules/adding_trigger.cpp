// adding-trigger: CREATE TRIGGER takes SHARE ROW EXCLUSIVE (writes wait while it waits for
// running transactions), and from then on every write to the table runs the trigger.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class AddingTrigger final : public Rule {
 public:
  RuleInfo info() const override { return {"adding-trigger", Severity::warning, "new trigger on an existing table"}; }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    if (s.kind != "CreateTrigStmt") return;
    std::string table = relation(get(s.body, "relation"));
    if (ctx.is_new(table)) return;
    out.push_back({"CREATE TRIGGER takes SHARE ROW EXCLUSIVE on " + table +
                       " (writes wait) and adds work to every future write",
                   "set a short lock_timeout and retry; keep the trigger function cheap (no queries per row if "
                   "possible)",
                   ""});
  }
};

}  // namespace
std::unique_ptr<Rule> make_adding_trigger() { return std::make_unique<AddingTrigger>(); }
}  // namespace slipway::lint::rules
