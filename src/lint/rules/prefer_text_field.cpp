// prefer-text-field: varchar(n) adds nothing over text but a limit whose later reduction needs a
// rewrite; a CHECK (length(col) <= n) can be changed NOT VALID without one.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class PreferTextField final : public Rule {
 public:
  RuleInfo info() const override { return {"prefer-text-field", Severity::warning, "varchar(n) column"}; }
  void check(const Statement& s, const Context&, std::vector<Hit>& out) const override {
    for (auto& c : new_columns(s)) {
      if (canonical_type(type_name(*c.type)) != "varchar" || typmods(*c.type).empty()) continue;
      out.push_back({"column " + c.name + " is varchar(" + std::to_string(typmods(*c.type)[0]) +
                         "): changing the limit later can need a table rewrite",
                     "use text with a CHECK (length(" + c.name + ") <= n) constraint, which can be replaced NOT VALID",
                     "", c.location});
    }
  }
};

}  // namespace
std::unique_ptr<Rule> make_prefer_text_field() { return std::make_unique<PreferTextField>(); }
}  // namespace slipway::lint::rules
